// The report as a readable table, JSON and CSV.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/stats/report.hpp"
#include "crosstalk/util/csv.hpp"

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

}  // namespace

std::string render_table(const Report& r) {
  std::string out;
  char line[512];
  out += r.show_title + "\n";
  if (r.to <= r.from) return out + "no downloads counted yet\n";
  out += "from " + day(r.from, r.timezone) + " to " + day(r.to - 1, r.timezone) + " (" +
         r.timezone + "): " + std::to_string(r.downloads) + " downloads, " +
         std::to_string(r.listeners) + " listeners\n\n";
  std::snprintf(line, sizeof line, "%-12s %10s %10s\n", period_name(r.period), "downloads",
                "listeners");
  out += line;
  for (const Row& row : r.series) {
    std::snprintf(line, sizeof line, "%-12s %10llu %10llu\n", row.label.c_str(),
                  static_cast<unsigned long long>(row.downloads),
                  static_cast<unsigned long long>(row.listeners));
    out += line;
  }
  out +=
      "\nepisode  department    downloads  listeners  first 7 d  first 30 d   opus    mp3  title\n";
  for (const EpisodeRow& e : r.episodes) {
    std::snprintf(line, sizeof line, "%7d  %-12s %10llu %10llu %10llu %11llu %6llu %6llu  ",
                  e.number, e.department.c_str(), static_cast<unsigned long long>(e.downloads),
                  static_cast<unsigned long long>(e.listeners),
                  static_cast<unsigned long long>(e.listeners_7_days),
                  static_cast<unsigned long long>(e.listeners_30_days),
                  static_cast<unsigned long long>(e.opus), static_cast<unsigned long long>(e.mp3));
    out += line + e.title + "\n";
  }
  out += "\napp                   downloads  listeners\n";
  for (const auto* rows : {&r.apps, &r.feeds}) {
    for (const Row& row : *rows) {
      std::snprintf(line, sizeof line, "%-20s %10llu %10llu\n", row.label.c_str(),
                    static_cast<unsigned long long>(row.downloads),
                    static_cast<unsigned long long>(row.listeners));
      out += line;
    }
    if (rows == &r.apps) out += "\nfeed                  downloads  listeners\n";
  }
  if (!r.matrix.empty()) {
    out +=
        "\nwho heard whom: share of each department's subscribers (rows) who heard at least one "
        "episode\n"
        "of a department (columns), and the median number of its episodes they heard\n";
    out += std::string(16, ' ');
    for (const auto& d : r.departments) {
      std::snprintf(line, sizeof line, "%-20s", d.id.c_str());
      out += line;
    }
    out += "\n";
    for (std::size_t i = 0; i < r.matrix.size(); ++i) {
      std::snprintf(line, sizeof line, "%-16s", r.departments[i].id.c_str());
      out += line;
      for (const MatrixCell& c : r.matrix[i]) {
        std::snprintf(
            line, sizeof line, "%-20s",
            (percent(c.share) + " of " + std::to_string(c.people) + ", median " + number(c.median))
                .c_str());
        out += line;
      }
      out += "\n";
    }
    if (r.unknown_subscriber_downloads)
      out += std::to_string(r.unknown_subscriber_downloads) +
             " downloads by people no longer subscribed\n";
  }
  if (!r.names.empty()) {
    out += "\nlistener (named: <stats names=\"true\"> in show.xml)\n";
    for (const NamedListener& n : r.names)
      out += n.name + " (" + (n.department.empty() ? "-" : n.department) +
             "): " + std::to_string(n.episodes) + " episodes, " + std::to_string(n.downloads) +
             " downloads\n";
  }
  if (r.unrealistic_volume)
    out += "\n" + std::to_string(r.unrealistic_volume) +
           " downloads not counted: their address made too many that day (unrealistic volume)\n";
  const Tally& t = r.tally;
  out += "\nlines read " + std::to_string(t.lines) + ": " + std::to_string(t.counted) +
         " made a download; not counted: " + std::to_string(t.not_episode) + " not audio, " +
         std::to_string(t.head) + " HEAD, " + std::to_string(t.not_modified) + " 304, " +
         std::to_string(t.probes) + " probes, " + std::to_string(t.filtered_agents) +
         " bots or bad agents, " + std::to_string(t.failed) + " errors, " +
         std::to_string(t.unknown_file) + " unknown files, " + std::to_string(t.in_window) +
         " repeats or partial, " + std::to_string(t.malformed) + " other lines\n";
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
