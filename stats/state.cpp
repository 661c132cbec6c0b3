// The state file's bytes (see the header): little-endian fields after a magic.
#include "crosstalk/stats/state.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>

#include "binary.hpp"

namespace crosstalk::stats {

namespace {

// 04 added the agents met; a state of 03 is read too (its agents are classified again).
constexpr char kMagic[8] = {'C', 'T', 'S', 'T', 'A', 'T', '0', '4'};
constexpr char kMagic03[8] = {'C', 'T', 'S', 'T', 'A', 'T', '0', '3'};
constexpr std::size_t kMaxAgentsKept = 4096;
constexpr char kJournalMagic[8] = {'C', 'T', 'D', 'O', 'W', 'N', '0', '2'};

// A journal record is a Download as it lies in memory (little-endian, as
// every machine crosstalk runs on), its two padding bytes written as 0.
static_assert(sizeof(Download) == kJournalRecord && alignof(Download) == 8);
static_assert(offsetof(Download, time) == 0 && offsetof(Download, listener) == 8 &&
              offsetof(Download, address) == 16 && offsetof(Download, episode) == 24 &&
              offsetof(Download, mp3) == 28 && offsetof(Download, app) == 29);
static_assert(std::endian::native == std::endian::little);

constexpr std::size_t kTallyFields = sizeof(Tally) / sizeof(std::uint64_t);
static_assert(sizeof(Tally) == kTallyFields * sizeof(std::uint64_t));

}  // namespace

std::string encode_state(const FileMarks& marks, std::uint64_t rules, const FileTable& files,
                         const Counter& c, std::uint64_t generation) {
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  w.put(rules);
  w.put(generation);
  w.put<std::uint64_t>(c.downloads.size());
  w.put<std::uint64_t>(marks.size());
  for (const auto& [fp, done] : marks) w.put(fp), w.put(done);
  w.put<std::uint64_t>(files.size());
  for (const auto& [name, f] : files) w.str(name), w.put(f.size), w.put(f.threshold);
  std::uint64_t tally[kTallyFields];
  std::memcpy(tally, &c.tally, sizeof tally);
  for (auto v : tally) w.put(v);
  w.put(c.latest);
  w.put<std::uint64_t>(c.apps.size());
  for (const auto& a : c.apps) w.str(a);
  const std::size_t agents = std::min(c.agent_cache.size(), kMaxAgentsKept);
  w.put<std::uint64_t>(agents);
  auto agent = c.agent_cache.begin();
  for (std::size_t i = 0; i < agents; ++i, ++agent)
    w.str(agent->first), w.put<std::uint8_t>(agent->second.filtered), w.str(agent->second.app);
  w.put<std::uint64_t>(c.windows.size());
  for (const auto& [key, win] : c.windows) {
    w.put(key.listener), w.put(key.episode), w.put(win.start), w.put<std::uint8_t>(win.counted);
    for (const auto& ranges : win.ranges) {
      w.put<std::uint64_t>(ranges.size());
      for (const auto& [a, b] : ranges) w.put(a), w.put(b);
    }
  }
  w.put<std::uint64_t>(c.address_days.size());
  for (const auto& [at, n] : c.address_days) w.put(at.address), w.put(at.day), w.put(n);
  w.put<std::uint64_t>(c.over_limit.size());
  for (const AddressDay& at : c.over_limit) w.put(at.address), w.put(at.day);
  return std::move(w.out);
}

std::optional<Restored> decode_state(std::string_view bytes, std::uint64_t rules,
                                     const FileTable& files, Counter& c) {
  if (bytes.size() < sizeof kMagic) return std::nullopt;
  const bool with_agents = std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
  if (!with_agents && std::memcmp(bytes.data(), kMagic03, sizeof kMagic03) != 0)
    return std::nullopt;
  Reader r{bytes.substr(sizeof kMagic)};
  if (r.get<std::uint64_t>() != rules) return std::nullopt;
  Restored out;
  out.generation = r.get<std::uint64_t>();
  out.downloads = r.get<std::uint64_t>();
  for (auto n = r.count(16); r.ok && n > 0; --n) {
    const auto fp = r.get<std::uint64_t>();
    out.marks[fp] = r.get<std::uint64_t>();
  }
  for (auto n = r.count(20); r.ok && n > 0; --n) {
    const std::string name = r.str();
    const auto size = r.get<std::uint64_t>(), threshold = r.get<std::uint64_t>();
    auto it = files.find(name);
    if (it != files.end() && (it->second.size != size || it->second.threshold != threshold))
      return std::nullopt;
  }
  std::uint64_t tally[kTallyFields];
  for (auto& v : tally) v = r.get<std::uint64_t>();
  std::memcpy(&c.tally, tally, sizeof tally);
  c.latest = r.get<std::int64_t>();
  c.apps.clear();
  for (auto n = r.count(4); r.ok && n > 0; --n) c.apps.push_back(r.str());
  if (c.apps.empty()) c.apps.push_back("");
  c.agent_cache.clear();
  for (auto n = with_agents ? r.count(9) : 0; r.ok && n > 0; --n) {
    std::string agent = r.str();
    AgentClass& known = c.agent_cache[std::move(agent)];
    known.filtered = r.get<std::uint8_t>() != 0;
    known.app = r.str();
  }
  c.windows.clear();
  for (auto n = r.count(21); r.ok && n > 0; --n) {
    Counter::Key key{r.get<std::uint64_t>(), r.get<std::int32_t>()};
    Counter::Window win;
    win.start = r.get<std::int64_t>();
    win.counted = r.get<std::uint8_t>() != 0;
    for (auto& ranges : win.ranges)
      for (auto m = r.count(16); r.ok && m > 0; --m) {
        const auto a = r.get<std::uint64_t>();
        ranges.emplace_back(a, r.get<std::uint64_t>());
      }
    c.windows.emplace(key, std::move(win));
  }
  c.address_days.clear();
  for (auto n = r.count(20); r.ok && n > 0; --n) {
    AddressDay at{r.get<std::uint64_t>(), r.get<std::int64_t>()};
    c.address_days[at] = r.get<std::uint32_t>();
  }
  c.over_limit.clear();
  for (auto n = r.count(16); r.ok && n > 0; --n) {
    AddressDay at{r.get<std::uint64_t>(), r.get<std::int64_t>()};
    c.over_limit.push_back(at);
  }
  if (!std::is_sorted(c.over_limit.begin(), c.over_limit.end())) return std::nullopt;
  if (!r.ok || !r.in.empty()) return std::nullopt;
  return out;
}

std::string encode_journal_header(std::uint64_t generation) {
  Writer w;
  w.out.append(kJournalMagic, sizeof kJournalMagic);
  w.put(generation);
  return std::move(w.out);
}

std::string encode_downloads(const Downloads& downloads, std::size_t from) {
  Writer w;
  w.out.reserve((downloads.size() - std::min(from, downloads.size())) * kJournalRecord);
  for (std::size_t i = from; i < downloads.size(); ++i) {
    const Download& d = downloads[i];
    w.put(d.time), w.put(d.listener), w.put(d.address), w.put(d.episode), w.put(d.mp3),
        w.put(d.app);
    w.put<std::uint16_t>(0);
  }
  return std::move(w.out);
}

std::optional<std::span<const Download>> journal_records(std::string_view bytes,
                                                         std::uint64_t generation,
                                                         std::uint64_t count) {
  if (bytes.size() < kJournalHeader ||
      std::memcmp(bytes.data(), kJournalMagic, sizeof kJournalMagic) != 0)
    return std::nullopt;
  Reader r{bytes.substr(sizeof kJournalMagic)};
  if (r.get<std::uint64_t>() != generation || count > r.in.size() / kJournalRecord ||
      reinterpret_cast<std::uintptr_t>(r.in.data()) % alignof(Download) != 0)
    return std::nullopt;
  // The records are Download's own bytes (checked above): used as they are.
  return std::span(reinterpret_cast<const Download*>(r.in.data()), count);
}

}  // namespace crosstalk::stats
