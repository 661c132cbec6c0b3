// Figures from counted downloads (see report.hpp).
#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <span>
#include <thread>
#include <utility>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/stats/report.hpp"

namespace crosstalk::stats {

namespace {

// Distinct listeners per member of a figure (a period, an episode, an app…)
// in one pass over the downloads grouped by listener: a member counts the
// listener the first time it sees them (its stamp is the listener's turn).
// Without branches (whether a listener is new to a member, or a download
// inside an episode's first week, is a coin toss no machine predicts): the
// stamp is always written, and `kNone` is one member more that nothing reads.
class Distinct {
 public:
  explicit Distinct(std::size_t members) : slot_(members + 1) {}
  void see(std::size_t member, std::uint32_t turn) { see_if(member, turn, true); }
  void see_if(std::size_t member, std::uint32_t turn, bool seen) {
    Slot& s = slot_[std::min(member, slot_.size() - 1)];
    s.count += seen & (s.stamp != turn);
    s.stamp = seen ? turn : s.stamp;
  }
  std::uint64_t operator[](std::size_t member) const { return slot_[member].count; }
  std::size_t size() const { return slot_.size() - 1; }

 private:
  struct Slot {
    std::uint32_t stamp = 0;
    std::uint32_t count = 0;
  };
  std::vector<Slot> slot_;
};

// The figures of one share of the listeners (see make_report's pass).
struct Share {
  Share(std::size_t periods, std::size_t episodes, std::size_t apps, std::size_t numbers,
        std::size_t subscribers, std::size_t columns)
      : heard_stamp(numbers),
        heard_by_column(subscribers * columns),
        heard(subscribers),
        subscriber_downloads(subscribers),
        period_listeners(periods),
        ep_listeners(episodes),
        ep_7(episodes),
        ep_30(episodes),
        app_listeners(apps),
        period_downloads(periods),
        episode_downloads(episodes),
        episode_opus(episodes),
        episode_mp3(episodes),
        app_downloads(apps) {}
  // By episode number: the listener's turn once they heard it in the period.
  std::vector<std::uint32_t> heard_stamp;
  // Per subscriber: distinct episodes heard in the period, by column (subscriber
  // s's at [s * columns, (s + 1) * columns)) and in all; downloads. Each share
  // its own (a subscriber is in one share only): two cores writing neighbours
  // in one array would pass its cache lines to and fro.
  std::vector<std::uint32_t> heard_by_column;
  std::vector<std::uint64_t> heard, subscriber_downloads;
  Distinct listeners{1}, period_listeners, ep_listeners, ep_7, ep_30, app_listeners,
      feed_listeners{2};
  std::vector<std::uint64_t> period_downloads, episode_downloads, episode_opus, episode_mp3,
      app_downloads;
  std::uint64_t feed_downloads[2] = {0, 0};
  std::uint64_t downloads = 0, unrealistic_volume = 0, unknown_subscriber_downloads = 0;
  std::uint64_t passed = 0;  // listeners
  // A download in a listener's group that is not theirs, or of an episode
  // number no download had: the groups (a damaged index) are not the
  // downloads, and the figures are not made from them.
  bool damaged = false;

  // The counts alone.
  Sums sums() const {
    Sums out;
    auto& c = out.counts;
    auto all = [](const Distinct& d) {
      std::vector<std::uint64_t> v(d.size());
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = d[i];
      return v;
    };
    c[Sums::kTotals] = {downloads, unrealistic_volume, unknown_subscriber_downloads, listeners[0]};
    c[Sums::kPeriodDownloads] = period_downloads;
    c[Sums::kPeriodListeners] = all(period_listeners);
    c[Sums::kEpisodeDownloads] = episode_downloads;
    c[Sums::kEpisodeOpus] = episode_opus;
    c[Sums::kEpisodeMp3] = episode_mp3;
    c[Sums::kEpisodeListeners] = all(ep_listeners);
    c[Sums::kEpisodeFirst7Days] = all(ep_7);
    c[Sums::kEpisodeFirst30Days] = all(ep_30);
    c[Sums::kAppDownloads] = app_downloads;
    c[Sums::kAppListeners] = all(app_listeners);
    c[Sums::kFeedDownloads] = {feed_downloads[0], feed_downloads[1]};
    c[Sums::kFeedListeners] = all(feed_listeners);
    c[Sums::kHeardByColumn].assign(heard_by_column.begin(), heard_by_column.end());
    c[Sums::kHeard] = heard;
    c[Sums::kSubscriberDownloads] = subscriber_downloads;
    return out;
  }
};
// Below this, one core does the pass (a thread costs more than it saves).
constexpr std::size_t kDownloadsForTwoCores = 20000;

// The start of the period holding local day `d`.
date::local_days period_start(date::local_days d, Period p) {
  switch (p) {
    case Period::Day:
      return d;
    case Period::Week:
      return d - (date::weekday(d) - date::Monday);
    case Period::Month: {
      const date::year_month_day ymd(d);
      return date::local_days(ymd.year() / ymd.month() / 1);
    }
  }
  return d;
}

date::local_days next_period(date::local_days d, Period p) {
  switch (p) {
    case Period::Day:
      return d + date::days(1);
    case Period::Week:
      return d + date::days(7);
    case Period::Month: {
      const date::year_month_day ymd(d);
      return date::local_days((ymd.year() / ymd.month() + date::months(1)) / 1);
    }
  }
  return d;
}

std::string label(date::local_days d, Period p) {
  return p == Period::Month ? date::format("%Y-%m", d) : date::format("%Y-%m-%d", d);
}

double median(std::vector<std::uint64_t> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? static_cast<double>(v[n / 2])
               : (static_cast<double>(v[n / 2 - 1]) + static_cast<double>(v[n / 2])) / 2;
}

// The period holding a time, without a binary search per download (an
// eighth of the pass went to its branches, which no machine predicts): a
// table by slots of 2^12 seconds (68 minutes) from the first period's start
// gives the period where the slot begins; a boundary inside the slot moves it
// on. A slot is found by a shift, not a 64-bit division. Over more than 136
// years, by as long a slot as keeps the table to 2^20 entries.
class PeriodOf {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  PeriodOf(const std::vector<std::int64_t>& starts, std::int64_t end) : starts_(starts) {
    if (starts.empty() || end <= starts.front()) return;
    first_ = starts.front();
    while (((end - first_) >> shift_) >= kMaxSlots) ++shift_;
    slot_.resize(static_cast<std::size_t>(((end - first_) >> shift_) + 1));
    std::uint32_t p = 0;
    for (std::size_t i = 0; i < slot_.size(); ++i) {
      const std::int64_t t = first_ + (static_cast<std::int64_t>(i) << shift_);
      while (p + 1 < starts.size() && t >= starts[p + 1]) ++p;
      slot_[i] = p;
    }
  }
  // For a time before `end`; kNone before the first period.
  std::size_t operator()(std::int64_t t) const {
    if (slot_.empty() || t < first_) return kNone;
    std::size_t p =
        slot_[std::min(static_cast<std::size_t>((t - first_) >> shift_), slot_.size() - 1)];
    while (p + 1 < starts_.size() && t >= starts_[p + 1]) ++p;
    return p;
  }

 private:
  static constexpr std::int64_t kMaxSlots = 1 << 20;
  const std::vector<std::int64_t>& starts_;
  std::int64_t first_ = 0;
  unsigned shift_ = 12;
  std::vector<std::uint32_t> slot_;
};

// Subscribers by key, for one look-up per listener: open addressing on the
// keys' low bits (random: they come from the tokens' SHA-256), at most half
// full (an unordered_map's look-up, a cache miss or two, was a sixth of the
// pass). Keys have their top bit set: 0 marks an empty slot.
class SubscriberIndex {
 public:
  explicit SubscriberIndex(const std::vector<std::uint64_t>& keys) {
    std::size_t size = 16;
    while (size < 2 * keys.size()) size *= 2;
    mask_ = size - 1;
    slots_.resize(size);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::size_t at = keys[i] & mask_;
      while (slots_[at].key != 0 && slots_[at].key != keys[i]) at = (at + 1) & mask_;
      slots_[at] = Slot{keys[i], i};  // the same key twice: the later one's, as before
    }
  }
  std::optional<std::size_t> find(std::uint64_t key) const {
    for (std::size_t at = key & mask_;; at = (at + 1) & mask_) {
      if (slots_[at].key == key) return slots_[at].index;
      if (slots_[at].key == 0) return std::nullopt;
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::size_t index = 0;
  };
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

}  // namespace

Report make_report(const feed::Show& show, const std::vector<feed::Episode>& episodes,
                   const People& people, const Counter& counter, const ByListener& saved,
                   const ByListener& rest, const ReportOptions& options, const Sums* before,
                   Sums* after) {
  Report rep;
  rep.show_title = show.title;
  rep.timezone = show.timezone;
  rep.private_show = show.private_feeds;
  rep.period = options.period;
  rep.tally = counter.tally;
  const date::time_zone* zone = date::locate_zone(show.timezone);
  auto local_day = [zone](std::int64_t t) {
    return date::floor<date::days>(zone->to_local(date::sys_seconds(std::chrono::seconds(t))));
  };
  auto to_utc = [zone](date::local_days d) {
    return zone->to_sys(date::local_seconds(d), date::choose::earliest).time_since_epoch().count();
  };

  // The sums an earlier run kept, when they are of no more downloads than
  // there are and exclude the same ones: then only the downloads after them
  // are looked at here, and (below, if the report's parameters are theirs)
  // only their listeners are passed over.
  const std::size_t n = counter.downloads.size();
  const std::uint64_t excluded_hash =
      fnv1a({reinterpret_cast<const char*>(counter.over_limit.data()),
             counter.over_limit.size() * sizeof(AddressDay)});
  if (before && (before->covered > n || before->excluded != excluded_hash)) before = nullptr;
  std::int64_t first = 0, last = 0, latest = 0;
  std::int32_t lowest_episode = 0, highest_episode = 0;  // of any download
  if (before) {
    first = before->first, last = before->last, latest = before->latest;
    lowest_episode = before->lowest, highest_episode = before->highest;
  }
  auto look_at = [&](const Download& d) {
    lowest_episode = std::min(lowest_episode, d.episode);
    highest_episode = std::max(highest_episode, d.episode);
    latest = std::max(latest, d.time);
    if (counter.excluded(d)) return;
    if (first == 0 || d.time < first) first = d.time;
    last = std::max(last, d.time);
  };
  if (before)
    for (std::size_t i = before->covered; i < n; ++i) look_at(counter.downloads[i]);
  else  // (the groups, not the journal: they are what the pass reads)
    for (const auto part : {saved.items, rest.items})
      for (const Download& d : part) look_at(d);
  rep.from = options.from ? *options.from
             : first      ? to_utc(period_start(local_day(first), Period::Day))
                          : 0;
  rep.to = options.to ? *options.to : last ? to_utc(local_day(last) + date::days(1)) : 0;

  // The periods, empty ones included.
  std::vector<std::int64_t> starts;  // UTC
  if (rep.to > rep.from) {
    for (auto d = period_start(local_day(rep.from), rep.period); to_utc(d) < rep.to;
         d = next_period(d, rep.period)) {
      rep.series.push_back(Row{label(d, rep.period)});
      starts.push_back(to_utc(d));
    }
  }

  // By episode number: a published episode's row, any episode's column
  // (its department's); kNone otherwise (numbers are small and dense).
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  int last_number = 0;
  for (const feed::Episode& e : episodes) last_number = std::max(last_number, e.number);
  std::vector<std::size_t> episode_index(static_cast<std::size_t>(last_number) + 1, kNone);
  for (const feed::Episode& e : episodes) {
    if (e.state != feed::State::Published || e.number < 0) continue;
    EpisodeRow row;
    row.number = e.number;
    row.department = e.department;
    row.title = e.title;
    if (e.published_at) row.published = e.published_at->time_since_epoch().count();
    episode_index[static_cast<std::size_t>(e.number)] = rep.episodes.size();
    rep.episodes.push_back(std::move(row));
  }
  if (show.private_feeds) rep.departments = show.rotation;
  const std::size_t columns = rep.departments.size();
  auto department_index = [&rep](const std::string& id) {
    for (std::size_t i = 0; i < rep.departments.size(); ++i)
      if (rep.departments[i].id == id) return i;
    return rep.departments.size();
  };
  std::vector<std::size_t> episode_column(episode_index.size(), kNone);
  for (const feed::Episode& e : episodes)
    if (e.number >= 0)
      episode_column[static_cast<std::size_t>(e.number)] = department_index(e.department);

  const std::size_t n_episodes = rep.episodes.size();
  // What the pass needs of an episode, by number, side by side.
  struct ByNumber {
    std::size_t row = kNone, column = kNone;
    std::int64_t published = std::numeric_limits<std::int64_t>::max();  // none: never reached
  };
  std::vector<ByNumber> by_number(episode_index.size());
  for (std::size_t n = 0; n < by_number.size(); ++n) {
    by_number[n].row = episode_index[n];
    by_number[n].column = episode_column[n] < columns ? episode_column[n] : kNone;
    if (episode_index[n] != kNone && rep.episodes[episode_index[n]].published)
      by_number[n].published = *rep.episodes[episode_index[n]].published;
  }
  const ByNumber unknown_number;
  const PeriodOf period_of(starts, rep.to);

  // Subscribers by their logged id.
  const SubscriberIndex subscriber_index(people.key);
  // One listener's downloads (in two parts) into a share, as its turn (a
  // listener is in one share only, and writes only its own subscriber's
  // entries).
  auto visit = [&](std::uint64_t listener, const std::span<const Download>(&parts)[2],
                   std::uint32_t turn, Share& share) {
    std::optional<std::size_t> subscriber;
    bool unknown_subscriber = false;
    if (is_subscriber_key(listener)) {
      subscriber = subscriber_index.find(listener);
      unknown_subscriber = !subscriber;
    }
    std::uint32_t* by_column =
        subscriber ? share.heard_by_column.data() + *subscriber * columns : nullptr;
    for (const auto part : parts)
      for (const Download& d : part) {
        const auto number_at =
            static_cast<std::uint64_t>(std::int64_t{d.episode} - std::int64_t{lowest_episode});
        if (d.listener != listener || number_at >= share.heard_stamp.size()) {
          share.damaged = true;
          continue;
        }
        if (counter.excluded(d)) {
          share.unrealistic_volume += d.time >= rep.from && d.time < rep.to;
          continue;
        }
        const ByNumber& number =
            d.episode >= 0 && static_cast<std::size_t>(d.episode) < by_number.size()
                ? by_number[static_cast<std::size_t>(d.episode)]
                : unknown_number;
        const std::size_t ep = number.row;
        // Seconds since it was published, or more than a month (before it,
        // or an episode without a row, never published).
        const std::uint64_t since =
            static_cast<std::uint64_t>(d.time) - static_cast<std::uint64_t>(number.published);
        share.ep_7.see_if(ep, turn, since < 7 * 86400);
        share.ep_30.see_if(ep, turn, since < 30 * 86400);
        if (d.time < rep.from || d.time >= rep.to) continue;
        ++share.downloads;
        share.listeners.see(0, turn);
        if (const std::size_t p = period_of(d.time); p != PeriodOf::kNone) {
          ++share.period_downloads[p];
          share.period_listeners.see(p, turn);
        }
        if (ep != kNone) {
          ++share.episode_downloads[ep];
          ++(d.mp3 ? share.episode_mp3 : share.episode_opus)[ep];
          share.ep_listeners.see(ep, turn);
        }
        if (d.app < share.app_downloads.size()) {
          ++share.app_downloads[d.app];
          share.app_listeners.see(d.app, turn);
        }
        ++share.feed_downloads[d.mp3 ? 1 : 0];
        share.feed_listeners.see(d.mp3 ? 1 : 0, turn);
        if (unknown_subscriber) ++share.unknown_subscriber_downloads;
        if (subscriber) {  // a distinct episode heard: in all, and in its column
          ++share.subscriber_downloads[*subscriber];
          std::uint32_t& stamp = share.heard_stamp[number_at];
          if (stamp == turn) continue;
          stamp = turn;
          ++share.heard[*subscriber];
          if (number.column != kNone) ++by_column[number.column];
        }
      }
  };
  // The saved groups [s, s_end) merged in order with the rest's [r, r_end):
  // a listener in both is one turn.
  auto pass = [&](std::size_t s, std::size_t s_end, std::size_t r, std::size_t r_end,
                  Share& share) {
    for (std::uint32_t turn = 1; s < s_end || r < r_end; ++turn) {
      std::span<const Download> parts[2];
      std::uint64_t listener = 0;
      if (r == r_end || (s < s_end && !saved.before(rest.key[r], saved.key[s]))) {
        listener = saved.key[s];
        parts[0] = saved.group(s++);
      }
      if (r < r_end && (parts[0].empty() || rest.key[r] == listener)) {
        listener = rest.key[r];
        parts[1] = rest.group(r++);
      }
      visit(listener, parts, turn, share);
      ++share.passed;
    }
  };
  const auto numbers =
      static_cast<std::size_t>(std::int64_t{highest_episode} - std::int64_t{lowest_episode}) + 1;
  auto new_share = [&] {
    return Share(starts.size(), n_episodes, counter.apps.size(), numbers, people.size(), columns);
  };
  // What the pass depends on besides the downloads: the episodes' rows,
  // columns and publication, the subscribers and their departments.
  std::string parameters;
  auto bytes = [&parameters](const auto& v) {
    parameters.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof v[0]);
  };
  for (const ByNumber& b : by_number)
    for (const std::uint64_t x :
         {std::uint64_t{b.row}, std::uint64_t{b.column}, static_cast<std::uint64_t>(b.published)})
      parameters.append(reinterpret_cast<const char*>(&x), sizeof x);
  bytes(people.key);
  bytes(people.department);
  for (const std::string& d : people.departments) parameters += d + '\n';
  parameters += std::to_string(n_episodes) + ' ' + std::to_string(columns) + ' ' +
                std::to_string(static_cast<int>(rep.period)) + ' ' + show.timezone;
  const std::uint64_t parameters_hash = fnv1a(parameters);
  // Counted under these parameters, for the same from, up to a `to` no
  // earlier downloads reached, periods starting as then (more may follow),
  // as many episodes, subscribers and columns: then the listeners with new
  // downloads are enough.
  const bool incremental =
      before && before->parameters == parameters_hash && before->from == rep.from &&
      before->latest < before->to && rep.to >= before->to &&
      before->starts.size() <= starts.size() &&
      std::equal(before->starts.begin(), before->starts.end(), starts.begin()) && [&] {
        const auto& c = before->counts;
        return c[Sums::kTotals].size() == Sums::kTotalCount &&
               c[Sums::kEpisodeDownloads].size() == n_episodes &&
               c[Sums::kHeardByColumn].size() == people.size() * columns &&
               c[Sums::kHeard].size() == people.size() &&
               c[Sums::kPeriodDownloads].size() <= starts.size() &&
               c[Sums::kAppDownloads].size() <= counter.apps.size();
      }();
  Sums total;
  if (incremental) {
    // Each listener with new downloads: minus their counts before them,
    // plus their counts with them. A listener's downloads are their saved
    // group, then their rest group, in journal order: the new ones are the
    // last of them.
    const ByListener fresh = group_by_listener(counter.downloads, before->covered, saved.bits);
    auto find = [](const ByListener& b, std::uint64_t listener) {
      const auto at = std::partition_point(b.key.begin(), b.key.end(),
                                           [&](std::uint64_t k) { return b.before(k, listener); });
      return at != b.key.end() && *at == listener
                 ? b.group(static_cast<std::size_t>(at - b.key.begin()))
                 : std::span<const Download>();
    };
    Share minus = new_share(), plus = new_share();
    for (std::size_t g = 0; g < fresh.groups(); ++g) {
      const std::uint64_t listener = fresh.key[g];
      const std::span<const Download> now[2] = {find(saved, listener), find(rest, listener)};
      const std::size_t added = fresh.group(g).size();
      if (added > now[0].size() + now[1].size()) {  // the new ones are not all there
        minus.damaged = true;
        break;
      }
      const std::span<const Download> old[2] = {
          now[1].size() >= added ? now[0] : now[0].first(now[0].size() + now[1].size() - added),
          now[1].size() >= added ? now[1].first(now[1].size() - added) : now[1].first(0)};
      visit(listener, old, static_cast<std::uint32_t>(g + 1), minus);
      visit(listener, now, static_cast<std::uint32_t>(g + 1), plus);
    }
    rep.listeners_passed = fresh.groups();
    rep.groups_damaged = minus.damaged || plus.damaged;
    total = *before;
    total.add(plus.sums());
    total.subtract(minus.sums());
  } else {
    // A year of a company's downloads: half of the listeners on a second core
    // (the first half of the saved groups, and the rest's listeners before theirs).
    std::size_t s_middle = saved.groups(), r_middle = rest.groups();
    if (options.cores > 1 && saved.items.size() + rest.items.size() >= kDownloadsForTwoCores) {
      const ByListener& larger = saved.items.size() >= rest.items.size() ? saved : rest;
      const std::size_t g = static_cast<std::size_t>(
          std::lower_bound(larger.start.begin(), larger.start.end() - 1, larger.items.size() / 2) -
          larger.start.begin());
      if (g < larger.groups()) {
        const std::uint64_t at = larger.key[g];
        auto split = [at](const ByListener& b) {
          return static_cast<std::size_t>(
              std::partition_point(b.key.begin(), b.key.end(),
                                   [&](std::uint64_t k) { return b.before(k, at); }) -
              b.key.begin());
        };
        s_middle = split(saved);
        r_middle = split(rest);
      }
    }
    const bool two = s_middle < saved.groups() || r_middle < rest.groups();
    Share first_share = new_share(), second_share = new_share();
    {
      std::optional<std::jthread> second;
      if (two)
        second.emplace(i18n::in_this_language([&](std::stop_token) {
          pass(s_middle, saved.groups(), r_middle, rest.groups(), second_share);
        }));
      pass(0, s_middle, 0, r_middle, first_share);
    }
    total = first_share.sums();
    total.add(second_share.sums());
    rep.listeners_passed = first_share.passed + second_share.passed;
    rep.groups_damaged = first_share.damaged || second_share.damaged;
  }
  if (rep.groups_damaged) return rep;
  const auto& c = total.counts;
  rep.downloads = total.total(Sums::kDownloads);
  rep.listeners = total.total(Sums::kListeners);
  rep.unrealistic_volume = total.total(Sums::kUnrealisticVolume);
  rep.unknown_subscriber_downloads = total.total(Sums::kUnknownSubscriberDownloads);
  auto at = [&c](Sums::Kind k, std::size_t i) { return i < c[k].size() ? c[k][i] : 0; };
  for (std::size_t i = 0; i < rep.series.size(); ++i) {
    rep.series[i].downloads = at(Sums::kPeriodDownloads, i);
    rep.series[i].listeners = at(Sums::kPeriodListeners, i);
  }
  for (std::size_t i = 0; i < n_episodes; ++i) {
    EpisodeRow& row = rep.episodes[i];
    row.downloads = at(Sums::kEpisodeDownloads, i);
    row.opus = at(Sums::kEpisodeOpus, i);
    row.mp3 = at(Sums::kEpisodeMp3, i);
    row.listeners = at(Sums::kEpisodeListeners, i);
    row.listeners_7_days = at(Sums::kEpisodeFirst7Days, i);
    row.listeners_30_days = at(Sums::kEpisodeFirst30Days, i);
  }
  for (std::size_t i = 0; i < counter.apps.size(); ++i)
    if (const auto downloads = at(Sums::kAppDownloads, i))
      rep.apps.push_back(Row{counter.apps[i].empty() ? "other" : counter.apps[i], downloads,
                             at(Sums::kAppListeners, i)});
  std::stable_sort(rep.apps.begin(), rep.apps.end(),
                   [](const Row& x, const Row& y) { return x.downloads > y.downloads; });
  rep.feeds = {Row{"Opus", at(Sums::kFeedDownloads, 0), at(Sums::kFeedListeners, 0)},
               Row{"MP3", at(Sums::kFeedDownloads, 1), at(Sums::kFeedListeners, 1)}};

  if (show.private_feeds) {
    // counts[row][col]: for each of the row department's subscribers, the column's episodes heard.
    std::vector<std::vector<std::vector<std::uint64_t>>> counts(
        columns, std::vector<std::vector<std::uint64_t>>(columns));
    std::vector<std::size_t> row_of_department;
    for (const std::string& d : people.departments) row_of_department.push_back(department_index(d));
    for (std::size_t s = 0; s < people.size(); ++s) {
      const std::size_t row = row_of_department[people.department[s]];
      if (row >= columns) continue;
      for (std::size_t col = 0; col < columns; ++col)
        counts[row][col].push_back(at(Sums::kHeardByColumn, s * columns + col));
    }
    rep.matrix.assign(columns, std::vector<MatrixCell>(columns));
    for (std::size_t row = 0; row < columns; ++row)
      for (std::size_t col = 0; col < columns; ++col) {
        MatrixCell& cell = rep.matrix[row][col];
        for (auto k : counts[row][col]) cell.heard += k > 0;
        cell.people = counts[row][col].size();
        cell.share =
            cell.people ? static_cast<double>(cell.heard) / static_cast<double>(cell.people) : 0;
        cell.median = median(std::move(counts[row][col]));
      }
  }
  if (show.stats_names) {
    for (std::size_t s = 0; s < people.size() && s < people.name.size(); ++s)
      rep.names.push_back(NamedListener{people.name[s], people.departments[people.department[s]],
                                        at(Sums::kHeard, s), at(Sums::kSubscriberDownloads, s)});
    std::sort(rep.names.begin(), rep.names.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  if (after) {
    *after = std::move(total);
    after->covered = n;
    after->parameters = parameters_hash;
    after->excluded = excluded_hash;
    after->from = rep.from;
    after->to = rep.to;
    after->first = first, after->last = last, after->latest = latest;
    after->lowest = lowest_episode, after->highest = highest_episode;
    after->starts = std::move(starts);
  }
  return rep;
}

}  // namespace crosstalk::stats
