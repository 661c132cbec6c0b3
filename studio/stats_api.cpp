// GET /api/stats?days=7|30 or ?from=YYYY-MM-DD&to=YYYY-MM-DD (comms): the
// figures of `crosstalk stats` for those whole days in the show's time zone,
// counted from the access log show.xml names (<nginx access-log>) when the
// studio can read it, else as the last `crosstalk stats` left them. The
// answer: {"from", "to", "days", "period", "downloads", "listeners",
// "source": "log"|"state", "note"?, "html"} — html is stats::render_html_body
// (escaped by it, charts as inline SVG, aggregates only).
#include "stats_api.hpp"

#include <chrono>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/stats/log_files.hpp"
#include "crosstalk/stats/stats.hpp"

using nlohmann::json;

namespace crosstalk::studio::detail {

namespace {

constexpr int kMaxDays = 3 * 366;

std::string local_date(feed::Time t, const std::string& zone) {
  return feed::format_local(t, zone).substr(0, 10);
}

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

Response figures(const std::string& query, const std::string& show_dir) {
  auto folder = publisher::open_show(show_dir);
  if (!folder) return from_error(folder.error());
  const std::string& zone = folder->show.timezone;
  std::string from = query_value(query, "from"), to = query_value(query, "to");
  if (from.empty() != to.empty()) return error(400, "give both from and to (YYYY-MM-DD), or days");
  if (from.empty()) {
    const std::string text = query_value(query, "days");
    const auto number = text.empty() ? std::optional<int>(30) : parse_number(text);
    if (!number || *number > kMaxDays) return error(400, "days: 1 to " + std::to_string(kMaxDays));
    const int days = *number;
    // From today's local noon in steps of 24 h: a DST change moves noon by an hour, never a date.
    auto noon = feed::parse_time(local_date(feed::now(), zone) + "T12:00", zone);
    if (!noon) return from_error(noon.error());
    to = local_date(*noon, zone);
    from = local_date(*noon - std::chrono::hours(24 * (days - 1)), zone);
  }
  if (!is_date(from) || !is_date(to)) return error(400, "from and to: days as YYYY-MM-DD");
  // [from's midnight, the midnight after to), local: 23 or 25 hours on a day the clocks change.
  auto first = feed::parse_time(from + "T00:00", zone);
  auto last_noon = feed::parse_time(to + "T12:00", zone);
  if (!first || !last_noon) return error(400, "from and to: days as YYYY-MM-DD");
  auto end = feed::parse_time(local_date(*last_noon + std::chrono::hours(24), zone) + "T00:00", zone);
  if (!end) return from_error(end.error());
  const auto span = std::chrono::round<std::chrono::days>(*end - *first).count();
  if (span < 1 || span > kMaxDays)
    return error(400, "to must not be before from, and at most " + std::to_string(kMaxDays) +
                          " days after it");
  stats::ReportOptions options;
  options.from = first->time_since_epoch().count();
  options.to = end->time_since_epoch().count();
  options.period = span <= 62 ? stats::Period::Day : span <= 366 ? stats::Period::Week : stats::Period::Month;

  // The log show.xml names, when the studio may read it; else what earlier runs counted.
  stats::RunOptions run;
  run.logs.emplace_back(folder->show.nginx_access_log);
  std::string source = "log", note;
  Result<stats::Report> report = failure(folder->show.nginx_access_log + ": no such access log");
  if (!stats::with_rotated(run.logs.front()).empty()) report = stats::run_stats(*folder, run, options);
  if (!report) {
    note = report.error().message;
    run.logs.clear();
    run.report_only = true;
    source = "state";
    report = stats::run_stats(*folder, run, options);
    if (!report) return from_error(report.error());
  }
  json out = {{"from", from},
              {"to", to},
              {"days", span},
              {"period", options.period == stats::Period::Day    ? "day"
                         : options.period == stats::Period::Week ? "week"
                                                                 : "month"},
              {"downloads", report->downloads},
              {"listeners", report->listeners},
              {"source", source},
              {"html", stats::render_html_body(*report)}};
  if (!note.empty()) out["note"] = note;
  return json_response(200, out);
}

}  // namespace

std::optional<Response> stats_request(const Request& r, const Identity& who,
                                      const std::string& path, const std::string& show_dir) {
  if (path != "/api/stats") return std::nullopt;
  if (!is_comms(who)) return error(403, "the listening figures are the comms desk's");
  if (r.method != "GET") return error(405, "use GET");
  const auto q = r.target.find('?');
  return figures(q == std::string::npos ? "" : r.target.substr(q + 1, r.target.find('#') - q - 1),
                 show_dir);
}

}  // namespace crosstalk::studio::detail
