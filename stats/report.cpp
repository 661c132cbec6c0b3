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
                   const ByListener& rest, const ReportOptions& options) {
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

  std::int64_t first = 0, last = 0;
  std::int32_t lowest_episode = 0, highest_episode = 0;  // of any download
  for (const auto part : {saved.items, rest.items})
    for (const Download& d : part) {
      lowest_episode = std::min(lowest_episode, d.episode);
      highest_episode = std::max(highest_episode, d.episode);
      if (counter.excluded(d)) continue;
      if (first == 0 || d.time < first) first = d.time;
      last = std::max(last, d.time);
    }
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
  // One pass over the listeners, the saved groups [s, s_end) merged in
  // order with the rest's [r, r_end): a listener in both is one turn (a
  // listener is in one share only, and writes only its own subscriber's
  // entries).
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
            std::uint32_t& stamp = share.heard_stamp[static_cast<std::size_t>(
                std::int64_t{d.episode} - std::int64_t{lowest_episode})];
            if (stamp == turn) continue;
            stamp = turn;
            ++share.heard[*subscriber];
            if (number.column != kNone) ++by_column[number.column];
          }
        }
    }
  };
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
  const auto numbers =
      static_cast<std::size_t>(std::int64_t{highest_episode} - std::int64_t{lowest_episode}) + 1;
  Share first_share(starts.size(), n_episodes, counter.apps.size(), numbers, people.size(),
                    columns),
      second_share(starts.size(), n_episodes, counter.apps.size(), numbers, people.size(), columns);
  {
    std::optional<std::jthread> second;
    if (two)
      second.emplace(i18n::in_this_language([&](std::stop_token) {
        pass(s_middle, saved.groups(), r_middle, rest.groups(), second_share);
      }));
    pass(0, s_middle, 0, r_middle, first_share);
  }
  const Share& a = first_share;
  const Share& b = second_share;
  rep.downloads = a.downloads + b.downloads;
  rep.listeners = a.listeners[0] + b.listeners[0];
  rep.unrealistic_volume = a.unrealistic_volume + b.unrealistic_volume;
  rep.unknown_subscriber_downloads =
      a.unknown_subscriber_downloads + b.unknown_subscriber_downloads;
  for (std::size_t i = 0; i < rep.series.size(); ++i) {
    rep.series[i].downloads = a.period_downloads[i] + b.period_downloads[i];
    rep.series[i].listeners = a.period_listeners[i] + b.period_listeners[i];
  }
  for (std::size_t i = 0; i < n_episodes; ++i) {
    EpisodeRow& row = rep.episodes[i];
    row.downloads = a.episode_downloads[i] + b.episode_downloads[i];
    row.opus = a.episode_opus[i] + b.episode_opus[i];
    row.mp3 = a.episode_mp3[i] + b.episode_mp3[i];
    row.listeners = a.ep_listeners[i] + b.ep_listeners[i];
    row.listeners_7_days = a.ep_7[i] + b.ep_7[i];
    row.listeners_30_days = a.ep_30[i] + b.ep_30[i];
  }
  for (std::size_t i = 0; i < counter.apps.size(); ++i)
    if (const auto downloads = a.app_downloads[i] + b.app_downloads[i])
      rep.apps.push_back(Row{counter.apps[i].empty() ? "other" : counter.apps[i], downloads,
                             a.app_listeners[i] + b.app_listeners[i]});
  std::stable_sort(rep.apps.begin(), rep.apps.end(),
                   [](const Row& x, const Row& y) { return x.downloads > y.downloads; });
  rep.feeds = {Row{"Opus", a.feed_downloads[0] + b.feed_downloads[0],
                   a.feed_listeners[0] + b.feed_listeners[0]},
               Row{"MP3", a.feed_downloads[1] + b.feed_downloads[1],
                   a.feed_listeners[1] + b.feed_listeners[1]}};

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
        counts[row][col].push_back(a.heard_by_column[s * columns + col] +
                                   b.heard_by_column[s * columns + col]);
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
                                        a.heard[s] + b.heard[s],
                                        a.subscriber_downloads[s] + b.subscriber_downloads[s]});
    std::sort(rep.names.begin(), rep.names.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  return rep;
}

}  // namespace crosstalk::stats
