// The counting rules (see the header).
#include "crosstalk/stats/counter.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>

namespace crosstalk::stats {

namespace {

constexpr std::int64_t kWindow = 24 * 3600;
constexpr std::int64_t kSlack = 3600;

// Where a 206's bytes start: "bytes=A-[B]" → A, "bytes=-N" → size − N
// (several ranges: the first; nginx answers them as one multipart body).
std::uint64_t range_start(std::string_view range, std::uint64_t size) {
  if (!range.starts_with("bytes=")) return 0;
  range.remove_prefix(6);
  while (!range.empty() && range.front() == ' ') range.remove_prefix(1);
  std::uint64_t n = 0;
  if (!range.empty() && range.front() == '-') {
    auto r = std::from_chars(range.data() + 1, range.data() + range.size(), n);
    return r.ec == std::errc() && n < size ? size - n : 0;
  }
  auto r = std::from_chars(range.data(), range.data() + range.size(), n);
  return r.ec == std::errc() ? n : 0;
}

}  // namespace

std::uint64_t download_threshold(std::uint64_t size, std::uint64_t header_bytes, double seconds) {
  if (seconds <= 60.0 || header_bytes >= size) return size;
  const double per_second = static_cast<double>(size - header_bytes) / seconds;
  const auto t = header_bytes + static_cast<std::uint64_t>(per_second * 60.0 + 0.5);
  return std::min(t, size);
}

std::uint64_t add_range(std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges,
                        std::uint64_t first, std::uint64_t end) {
  if (first < end) {
    auto it = std::lower_bound(ranges.begin(), ranges.end(), std::make_pair(first, first));
    if (it != ranges.begin() && std::prev(it)->second >= first) --it;
    auto last = it;
    while (last != ranges.end() && last->first <= end) {
      first = std::min(first, last->first);
      end = std::max(end, last->second);
      ++last;
    }
    it = ranges.erase(it, last);
    ranges.insert(it, {first, end});
  }
  std::uint64_t covered = 0;
  for (const auto& [a, b] : ranges) covered += b - a;
  return covered;
}

Counter::Counter(FileTable files, const Agents& agents, std::uint32_t max_per_address_day)
    : files_(std::move(files)), agents_(agents), max_per_address_day_(max_per_address_day) {}

bool Counter::over(const Download& d) const {
  return std::binary_search(over_limit.begin(), over_limit.end(),
                            AddressDay{d.address, d.time / kWindow});
}

std::uint8_t Counter::app_index(std::string_view app) {
  for (std::size_t i = 0; i < apps.size(); ++i)
    if (apps[i] == app) return static_cast<std::uint8_t>(i);
  if (apps.size() >= 255) return 0;
  apps.emplace_back(app);
  return static_cast<std::uint8_t>(apps.size() - 1);
}

void Counter::add(const LogRecord& r) {
  ++tally.lines;
  latest = std::max(latest, r.time);
  if (++since_prune_ >= 65536) prune();
  const std::string_view name = episode_file_of(r.path);
  if (name.empty()) return void(++tally.not_episode);
  if (r.method == "HEAD") return void(++tally.head);
  if (r.status == 304) return void(++tally.not_modified);
  if (r.range == "bytes=0-1") return void(++tally.probes);
  auto cached = agent_cache.find(r.user_agent);
  if (cached == agent_cache.end())
    cached = agent_cache.emplace(std::string(r.user_agent), agents_.classify(r.user_agent)).first;
  if (cached->second.filtered) return void(++tally.filtered_agents);
  if ((r.status != 200 && r.status != 206) || r.method != "GET") return void(++tally.failed);
  auto file = files_.find(name);
  if (file == files_.end()) return void(++tally.unknown_file);
  const EpisodeFile& f = file->second;

  Window& w = windows[Key{listener_key(r), f.episode}];
  if (w.start == 0 || r.time >= w.start + kWindow) w = Window{r.time, false, {}};  // a new 24 hours
  if (w.counted) return void(++tally.in_window);
  const std::uint64_t first = r.status == 206 ? range_start(r.range, f.size) : 0;
  const std::uint64_t covered =
      add_range(w.ranges[f.mp3], first, std::min(first + r.bytes, std::max(f.size, first)));
  if (covered < f.threshold) return void(++tally.in_window);
  w.counted = true;
  w.ranges[0].clear();
  w.ranges[1].clear();
  ++tally.counted;
  const std::uint64_t listener = listener_key(r);
  const std::uint64_t address = is_subscriber_key(listener) ? 0 : address_key(r);
  downloads.push_back(Download{r.time, listener, address, f.episode,
                               static_cast<std::uint8_t>(f.mp3), app_index(cached->second.app)});
  if (address != 0 && max_per_address_day_ != 0) {
    const AddressDay at{address, r.time / kWindow};
    if (++address_days[at] == max_per_address_day_ + 1)
      over_limit.insert(std::upper_bound(over_limit.begin(), over_limit.end(), at), at);
  }
}

void Counter::reset() {
  downloads.clear();
  apps.assign(1, "");
  windows.clear();
  address_days.clear();
  over_limit.clear();
  agent_cache.clear();  // a damaged state may have brought anything
  tally = Tally{};
  latest = 0;
  since_prune_ = 0;
}

void Counter::prune() {
  since_prune_ = 0;
  std::erase_if(windows,
                [this](const auto& kv) { return kv.second.start + kWindow + kSlack < latest; });
  // A day's count may still grow while lines an hour late may come.
  std::erase_if(address_days,
                [this](const auto& kv) { return (kv.first.day + 1) * kWindow + kSlack < latest; });
}

}  // namespace crosstalk::stats
