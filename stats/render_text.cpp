// The report as a readable table, JSON and CSV.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/stats/report.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/csv.hpp"
#include "crosstalk/util/words.hpp"

namespace crosstalk::stats {

namespace {

using util::csv_field;

std::string day(std::int64_t t, const std::string& zone) {
  return feed::format_local(feed::Time(std::chrono::seconds(t)), zone).substr(0, 10);
}

std::string percent(double share) {
  char b[16];
  std::snprintf(b, sizeof b, "%.0f%%", share * 100);
  return b;
}

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

const char* period_name(Period p) {
  return p == Period::Day ? "day" : p == Period::Week ? "week" : "month";
}

std::string period_heading(Period p) {
  return p == Period::Day ? i18n::tr("day") : p == Period::Week ? i18n::tr("week") : i18n::tr("month");
}

std::string count(std::uint64_t n) { return std::to_string(n); }

}  // namespace

std::string render_table(const Report& r) {
  using util::pad_left;
  using util::pad_right;
  std::string out;
  out += r.show_title + "\n";
  if (r.to <= r.from) return out + i18n::tr("no downloads counted yet") + "\n";
  out += i18n::tr("from {1} to {2} ({3}): {4} downloads, {5} listeners", day(r.from, r.timezone),
                  day(r.to - 1, r.timezone), r.timezone, r.downloads, r.listeners) +
         "\n\n";
  const std::string downloads = i18n::tr("downloads"), listeners = i18n::tr("listeners");
  out += pad_right(period_heading(r.period), 12) + " " + pad_left(downloads, 10) + " " + pad_left(listeners, 10) + "\n";
  for (const Row& row : r.series)
    out += pad_right(row.label, 12) + " " + pad_left(count(row.downloads), 10) + " " +
           pad_left(count(row.listeners), 10) + "\n";
  out += "\n" + pad_left(i18n::tr("episode"), 7) + "  " + pad_right(i18n::tr("department"), 12) + " " +
         pad_left(downloads, 10) + " " + pad_left(listeners, 10) + " " + pad_left(i18n::tr("first 7 d"), 10) + " " +
         pad_left(i18n::tr("first 30 d"), 11) + " " + pad_left("opus", 6) + " " + pad_left("mp3", 6) + "  " +
         i18n::tr("title") + "\n";
  for (const EpisodeRow& e : r.episodes)
    out += pad_left(std::to_string(e.number), 7) + "  " + pad_right(e.department, 12) + " " +
           pad_left(count(e.downloads), 10) + " " + pad_left(count(e.listeners), 10) + " " +
           pad_left(count(e.listeners_7_days), 10) + " " + pad_left(count(e.listeners_30_days), 11) + " " +
           pad_left(count(e.opus), 6) + " " + pad_left(count(e.mp3), 6) + "  " + e.title + "\n";
  for (const auto* rows : {&r.apps, &r.feeds}) {
    out += "\n" + pad_right(rows == &r.apps ? i18n::tr("app") : i18n::tr("feed"), 20) + " " + pad_left(downloads, 10) +
           " " + pad_left(listeners, 10) + "\n";
    for (const Row& row : *rows)
      out += pad_right(row.label, 20) + " " + pad_left(count(row.downloads), 10) + " " +
             pad_left(count(row.listeners), 10) + "\n";
  }
  if (!r.matrix.empty()) {
    out += "\n" +
           i18n::tr("who heard whom: share of each department's subscribers (rows) who heard at least one episode\n"
                    "of a department (columns), and the median number of its episodes they heard") +
           "\n";
    // Columns as wide as their widest cell, two spaces apart.
    std::vector<std::vector<std::string>> cells;
    std::size_t width = 18;
    for (const auto& row : r.matrix) {
      cells.emplace_back();
      for (const MatrixCell& c : row) {
        cells.back().push_back(i18n::tr("{1} of {2}, median {3}", percent(c.share), c.people, number(c.median)));
        width = std::max(width, util::text_width(cells.back().back()));
      }
    }
    for (const auto& d : r.departments) width = std::max(width, util::text_width(d.id));
    // One line of the matrix: the first column 16 wide, then the cells,
    // padded except the last (no trailing spaces).
    auto line = [&](const std::string& first, const std::vector<std::string>& rest) {
      std::string l = pad_right(first, 16);
      for (std::size_t k = 0; k < rest.size(); ++k) l += k + 1 < rest.size() ? pad_right(rest[k], width + 2) : rest[k];
      return l + "\n";
    };
    std::vector<std::string> names;
    for (const auto& d : r.departments) names.push_back(d.id);
    out += line("", names);
    for (std::size_t i = 0; i < cells.size(); ++i) out += line(r.departments[i].id, cells[i]);
    if (r.unknown_subscriber_downloads)
      out += i18n::tr("{1} downloads by people no longer subscribed", r.unknown_subscriber_downloads) + "\n";
  }
  if (!r.names.empty()) {
    out += "\n" + i18n::tr("listener (named: <stats names=\"true\"> in show.xml)") + "\n";
    for (const NamedListener& n : r.names)
      out += i18n::tr("{1} ({2}): {3} episodes, {4} downloads", n.name, n.department.empty() ? "-" : n.department,
                      n.episodes, n.downloads) +
             "\n";
  }
  if (r.unrealistic_volume)
    out += "\n" +
           i18n::tr("{1} downloads not counted: their address made too many that day (unrealistic volume)",
                    r.unrealistic_volume) +
           "\n";
  const Tally& t = r.tally;
  out += "\n" +
         i18n::tr("lines read {1}: {2} made a download; not counted: {3} not audio, {4} HEAD, {5} 304, {6} probes, "
                  "{7} bots or bad agents, {8} errors, {9} unknown files, {10} repeats or partial, {11} other lines",
                  t.lines, t.counted, t.not_episode, t.head, t.not_modified, t.probes, t.filtered_agents, t.failed,
                  t.unknown_file, t.in_window, t.malformed) +
         "\n";
  return out;
}

std::string render_json(const Report& r) {
  using nlohmann::json;
  json j;
  j["show"] = r.show_title;
  j["timezone"] = r.timezone;
  j["period"] = period_name(r.period);
  j["from"] = r.to > r.from ? feed::format_utc(feed::Time(std::chrono::seconds(r.from))) : "";
  j["to"] = r.to > r.from ? feed::format_utc(feed::Time(std::chrono::seconds(r.to))) : "";
  j["downloads"] = r.downloads;
  j["listeners"] = r.listeners;
  auto rows = [](const std::vector<Row>& v) {
    json a = json::array();
    for (const Row& row : v)
      a.push_back(
          {{"label", row.label}, {"downloads", row.downloads}, {"listeners", row.listeners}});
    return a;
  };
  j["series"] = rows(r.series);
  j["apps"] = rows(r.apps);
  j["feeds"] = rows(r.feeds);
  j["episodes"] = json::array();
  for (const EpisodeRow& e : r.episodes)
    j["episodes"].push_back({{"number", e.number},
                             {"department", e.department},
                             {"title", e.title},
                             {"downloads", e.downloads},
                             {"listeners", e.listeners},
                             {"listeners_first_7_days", e.listeners_7_days},
                             {"listeners_first_30_days", e.listeners_30_days},
                             {"opus", e.opus},
                             {"mp3", e.mp3}});
  if (!r.matrix.empty()) {
    json m = json::array();
    for (std::size_t i = 0; i < r.matrix.size(); ++i)
      for (std::size_t k = 0; k < r.matrix[i].size(); ++k) {
        const MatrixCell& c = r.matrix[i][k];
        m.push_back({{"listeners_department", r.departments[i].id},
                     {"episodes_department", r.departments[k].id},
                     {"people", c.people},
                     {"heard", c.heard},
                     {"share", c.share},
                     {"median_episodes", c.median}});
      }
    j["matrix"] = m;
    j["downloads_by_former_subscribers"] = r.unknown_subscriber_downloads;
  }
  if (!r.names.empty()) {
    j["listeners_named"] = json::array();
    for (const NamedListener& n : r.names)
      j["listeners_named"].push_back({{"name", n.name},
                                      {"department", n.department},
                                      {"episodes", n.episodes},
                                      {"downloads", n.downloads}});
  }
  j["unrealistic_volume"] = r.unrealistic_volume;
  const Tally& t = r.tally;
  j["lines"] = {{"read", t.lines},
                {"counted", t.counted},
                {"not_audio", t.not_episode},
                {"head", t.head},
                {"not_modified", t.not_modified},
                {"probes", t.probes},
                {"filtered_agents", t.filtered_agents},
                {"errors", t.failed},
                {"unknown_files", t.unknown_file},
                {"repeats_or_partial", t.in_window},
                {"other", t.malformed}};
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string render_csv(const Report& r) {
  std::string out =
      "table,key,department,title,downloads,listeners,first_7_days,first_30_days,opus,mp3,"
      "episodes_department,people,heard,share,median\n";
  auto u = [](std::uint64_t v) { return std::to_string(v); };
  for (const Row& row : r.series)
    out += std::string(period_name(r.period)) + "," + row.label + ",,," + u(row.downloads) + "," +
           u(row.listeners) + ",,,,,,,,,\n";
  for (const EpisodeRow& e : r.episodes)
    out += "episode," + std::to_string(e.number) + "," + e.department + "," + csv_field(e.title) +
           "," + u(e.downloads) + "," + u(e.listeners) + "," + u(e.listeners_7_days) + "," +
           u(e.listeners_30_days) + "," + u(e.opus) + "," + u(e.mp3) + ",,,,,\n";
  for (const Row& row : r.apps)
    out += "app," + csv_field(row.label) + ",,," + u(row.downloads) + "," + u(row.listeners) +
           ",,,,,,,,,\n";
  for (const Row& row : r.feeds)
    out += "feed," + row.label + ",,," + u(row.downloads) + "," + u(row.listeners) + ",,,,,,,,,\n";
  for (std::size_t i = 0; i < r.matrix.size(); ++i)
    for (std::size_t k = 0; k < r.matrix[i].size(); ++k) {
      const MatrixCell& c = r.matrix[i][k];
      out += "matrix,," + r.departments[i].id + ",,,,,,,," + r.departments[k].id + "," +
             u(c.people) + "," + u(c.heard) + "," + number(c.share) + "," + number(c.median) + "\n";
    }
  for (const NamedListener& n : r.names)
    out += "listener," + csv_field(n.name) + "," + n.department + ",," + u(n.downloads) +
           ",,,,,,,," + u(n.episodes) + ",,\n";
  return out;
}

}  // namespace crosstalk::stats
