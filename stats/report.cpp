// Figures from counted downloads (see report.hpp).
#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "crosstalk/publisher/access_log.hpp"
#include "crosstalk/stats/report.hpp"

namespace crosstalk::stats {

namespace {

// Distinct listeners: keys gathered, counted once sorted (much faster than a
// hash set per figure when there are hundreds of thousands of downloads).
class Set {
 public:
  void insert(std::uint64_t key) { keys_.push_back(key); }
  std::uint64_t size() {
    std::sort(keys_.begin(), keys_.end());
    return static_cast<std::uint64_t>(std::unique(keys_.begin(), keys_.end()) - keys_.begin());
  }

 private:
  std::vector<std::uint64_t> keys_;
};

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

}  // namespace

Report make_report(const feed::Show& show, const std::vector<feed::Episode>& episodes,
                   const std::vector<feed::Subscriber>& subscribers, const Counter& counter,
                   const ReportOptions& options) {
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

  const auto& all = counter.downloads;
  std::int64_t first = 0, last = 0;
  for (const Download& d : all) {
    if (first == 0 || d.time < first) first = d.time;
    last = std::max(last, d.time);
  }
  rep.from = options.from ? *options.from
             : first      ? to_utc(period_start(local_day(first), Period::Day))
                          : 0;
  rep.to = options.to ? *options.to : last ? to_utc(local_day(last) + date::days(1)) : 0;

  // The periods, empty ones included.
  std::vector<std::int64_t> starts;  // UTC
  std::vector<Set> period_listeners;
  if (rep.to > rep.from) {
    for (auto d = period_start(local_day(rep.from), rep.period); to_utc(d) < rep.to;
         d = next_period(d, rep.period)) {
      rep.series.push_back(Row{label(d, rep.period)});
      starts.push_back(to_utc(d));
    }
    period_listeners.resize(starts.size());
  }

  std::map<int, std::size_t> episode_index;
  for (const feed::Episode& e : episodes) {
    if (e.state != feed::State::Published) continue;
    EpisodeRow row;
    row.number = e.number;
    row.department = e.department;
    row.title = e.title;
    if (e.published_at) row.published = e.published_at->time_since_epoch().count();
    episode_index[e.number] = rep.episodes.size();
    rep.episodes.push_back(std::move(row));
  }
  std::vector<Set> ep_listeners(rep.episodes.size()), ep_7(rep.episodes.size()),
      ep_30(rep.episodes.size());
  std::vector<Set> app_listeners(counter.apps.size());
  std::vector<std::uint64_t> app_downloads(counter.apps.size());
  Set feed_listeners[2];
  std::uint64_t feed_downloads[2] = {0, 0};
  Set listeners;

  // Subscribers by their logged id.
  std::unordered_map<std::uint64_t, std::size_t> subscriber_index;
  for (std::size_t i = 0; i < subscribers.size(); ++i)
    subscriber_index[subscriber_key(publisher::subscriber_log_id(subscribers[i].token_sha256))] = i;
  std::vector<std::set<int>> heard(subscribers.size());  // episode numbers, in the period
  std::vector<std::uint64_t> subscriber_downloads(subscribers.size());

  for (const Download& d : all) {
    auto ep = episode_index.find(d.episode);
    if (ep != episode_index.end()) {
      EpisodeRow& row = rep.episodes[ep->second];
      if (row.published && d.time >= *row.published) {
        if (d.time < *row.published + 7 * 86400) ep_7[ep->second].insert(d.listener);
        if (d.time < *row.published + 30 * 86400) ep_30[ep->second].insert(d.listener);
      }
    }
    if (d.time < rep.from || d.time >= rep.to) continue;
    ++rep.downloads;
    listeners.insert(d.listener);
    auto at = std::upper_bound(starts.begin(), starts.end(), d.time);
    if (at != starts.begin()) {
      const auto i = static_cast<std::size_t>(at - starts.begin() - 1);
      ++rep.series[i].downloads;
      period_listeners[i].insert(d.listener);
    }
    if (ep != episode_index.end()) {
      EpisodeRow& row = rep.episodes[ep->second];
      ++row.downloads;
      ++(d.mp3 ? row.mp3 : row.opus);
      ep_listeners[ep->second].insert(d.listener);
    }
    if (d.app < app_downloads.size()) {
      ++app_downloads[d.app];
      app_listeners[d.app].insert(d.listener);
    }
    ++feed_downloads[d.mp3 ? 1 : 0];
    feed_listeners[d.mp3 ? 1 : 0].insert(d.listener);
    if (is_subscriber_key(d.listener)) {
      auto s = subscriber_index.find(d.listener);
      if (s == subscriber_index.end()) {
        ++rep.unknown_subscriber_downloads;
      } else {
        heard[s->second].insert(d.episode);
        ++subscriber_downloads[s->second];
      }
    }
  }
  rep.listeners = listeners.size();
  for (std::size_t i = 0; i < rep.series.size(); ++i)
    rep.series[i].listeners = period_listeners[i].size();
  for (std::size_t i = 0; i < rep.episodes.size(); ++i) {
    rep.episodes[i].listeners = ep_listeners[i].size();
    rep.episodes[i].listeners_7_days = ep_7[i].size();
    rep.episodes[i].listeners_30_days = ep_30[i].size();
  }
  for (std::size_t i = 0; i < counter.apps.size(); ++i)
    if (app_downloads[i])
      rep.apps.push_back(Row{counter.apps[i].empty() ? "other" : counter.apps[i], app_downloads[i],
                             app_listeners[i].size()});
  std::stable_sort(rep.apps.begin(), rep.apps.end(),
                   [](const Row& a, const Row& b) { return a.downloads > b.downloads; });
  rep.feeds = {Row{"Opus", feed_downloads[0], feed_listeners[0].size()},
               Row{"MP3", feed_downloads[1], feed_listeners[1].size()}};

  if (show.private_feeds) {
    rep.departments = show.rotation;
    std::map<int, std::string> episode_department;
    for (const feed::Episode& e : episodes) episode_department[e.number] = e.department;
    const std::size_t n = rep.departments.size();
    rep.matrix.assign(n, std::vector<MatrixCell>(n));
    for (std::size_t row = 0; row < n; ++row)
      for (std::size_t col = 0; col < n; ++col) {
        std::vector<std::uint64_t> counts;
        MatrixCell& cell = rep.matrix[row][col];
        for (std::size_t s = 0; s < subscribers.size(); ++s) {
          if (subscribers[s].department != rep.departments[row].id) continue;
          std::uint64_t k = 0;
          for (int e : heard[s])
            if (episode_department[e] == rep.departments[col].id) ++k;
          counts.push_back(k);
          cell.heard += k > 0;
        }
        cell.people = counts.size();
        cell.share =
            cell.people ? static_cast<double>(cell.heard) / static_cast<double>(cell.people) : 0;
        cell.median = median(std::move(counts));
      }
  }
  if (show.stats_names) {
    for (std::size_t s = 0; s < subscribers.size(); ++s)
      rep.names.push_back(NamedListener{subscribers[s].name, subscribers[s].department,
                                        heard[s].size(), subscriber_downloads[s]});
    std::sort(rep.names.begin(), rep.names.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  return rep;
}

}  // namespace crosstalk::stats
