// The stats page: one self-contained HTML file (charts as inline SVG, no
// scripts, fonts or images from elsewhere), for comms.
#include <algorithm>
#include <cstdio>

#include "crosstalk/feed/render.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/stats/report.hpp"

namespace crosstalk::stats {

namespace {

using feed::escape_html;

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// Vertical bars, one per period.
std::string bars_over_time(const std::vector<Row>& series) {
  const double width = 720, height = 200, left = 40, bottom = 30;
  std::uint64_t top = 1;
  for (const Row& r : series) top = std::max(top, r.downloads);
  const double step = series.empty() ? 0 : (width - left) / static_cast<double>(series.size());
  std::string s = "<svg role=\"img\" aria-label=\"" + escape_html(i18n::tr("Downloads over time")) +
                  "\" viewBox=\"0 0 720 " + fmt("%.0f", height + bottom) +
                  "\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  s += "<text x=\"0\" y=\"12\" font-size=\"11\">" + std::to_string(top) + "</text>\n";
  s += "<line x1=\"" + fmt("%.0f", left) + "\" y1=\"" + fmt("%.0f", height) +
       "\" x2=\"720\" y2=\"" + fmt("%.0f", height) + "\" stroke=\"#999\"/>\n";
  // As many labels as fit side by side (10 px type: ~6.5 px a character).
  const std::size_t chars = series.empty() ? 1 : series.front().label.size();
  const auto fit = std::max<std::size_t>(
      1, static_cast<std::size_t>((width - left) / (static_cast<double>(chars) * 6.5 + 8)));
  const std::size_t label_every = std::max<std::size_t>(1, (series.size() + fit - 1) / fit);
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double h =
        (height - 10) * static_cast<double>(series[i].downloads) / static_cast<double>(top);
    const double x = left + step * static_cast<double>(i);
    s += "<rect x=\"" + fmt("%.1f", x + step * 0.1) + "\" y=\"" + fmt("%.1f", height - h) +
         "\" width=\"" + fmt("%.1f", std::max(1.0, step * 0.8)) + "\" height=\"" + fmt("%.1f", h) +
         "\" fill=\"#3a6ea5\"><title>" +
         escape_html(i18n::tr("{1}: {2} downloads, {3} listeners", series[i].label,
                              series[i].downloads, series[i].listeners)) +
         "</title></rect>\n";
    if (i % label_every == 0 && x + static_cast<double>(chars) * 6.5 <= width)
      s += "<text x=\"" + fmt("%.1f", x) + "\" y=\"" + fmt("%.0f", height + 18) +
           "\" font-size=\"10\">" + escape_html(series[i].label) + "</text>\n";
  }
  return s + "</svg>\n";
}

// Horizontal bars, one per episode.
std::string bars_per_episode(const std::vector<EpisodeRow>& episodes) {
  const double row = 22, label = 260, width = 720;
  std::uint64_t top = 1;
  for (const EpisodeRow& e : episodes) top = std::max(top, e.downloads);
  std::string s = "<svg role=\"img\" aria-label=\"" +
                  escape_html(i18n::tr("Downloads per episode")) + "\" viewBox=\"0 0 720 " +
                  fmt("%.0f", row * static_cast<double>(episodes.size()) + 4) +
                  "\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  for (std::size_t i = 0; i < episodes.size(); ++i) {
    const EpisodeRow& e = episodes[i];
    const double y = row * static_cast<double>(i);
    const double w =
        (width - label - 60) * static_cast<double>(e.downloads) / static_cast<double>(top);
    std::string name = std::to_string(e.number) + " · " + e.title;
    s += "<text x=\"0\" y=\"" + fmt("%.0f", y + 15) + "\" font-size=\"12\">" + escape_html(name) +
         "</text>\n";
    s += "<rect x=\"" + fmt("%.0f", label) + "\" y=\"" + fmt("%.0f", y + 4) + "\" width=\"" +
         fmt("%.1f", w) + "\" height=\"14\" fill=\"#5b9a68\"><title>" +
         escape_html(i18n::tr("{1}: {2} downloads", name, e.downloads)) + "</title></rect>\n";
    s += "<text x=\"" + fmt("%.1f", label + w + 4) + "\" y=\"" + fmt("%.0f", y + 15) +
         "\" font-size=\"11\">" + std::to_string(e.downloads) + "</text>\n";
  }
  return s + "</svg>\n";
}

// The department matrix as a heat map: darker = a larger share heard.
std::string heat_map(const Report& r) {
  const double cell_w = 150, cell_h = 48, left = 150, top = 30;
  const std::size_t n = r.departments.size();
  std::string s = "<svg role=\"img\" aria-label=\"" + escape_html(i18n::tr("Who heard whom")) +
                  "\" viewBox=\"0 0 " + fmt("%.0f", left + cell_w * static_cast<double>(n)) + " " +
                  fmt("%.0f", top + cell_h * static_cast<double>(n)) + "\" width=\"" +
                  fmt("%.0f", left + cell_w * static_cast<double>(n)) +
                  "\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  for (std::size_t k = 0; k < n; ++k)
    s += "<text x=\"" + fmt("%.0f", left + cell_w * static_cast<double>(k) + 6) +
         "\" y=\"20\" font-size=\"12\">" + escape_html(r.departments[k].name) + "</text>\n";
  for (std::size_t i = 0; i < n; ++i) {
    const double y = top + cell_h * static_cast<double>(i);
    s += "<text x=\"0\" y=\"" + fmt("%.0f", y + 28) + "\" font-size=\"12\">" +
         escape_html(r.departments[i].name) + "</text>\n";
    for (std::size_t k = 0; k < n; ++k) {
      const MatrixCell& c = r.matrix[i][k];
      const int light = static_cast<int>(95 - 60 * c.share);
      const double x = left + cell_w * static_cast<double>(k);
      s += "<rect x=\"" + fmt("%.0f", x) + "\" y=\"" + fmt("%.0f", y) + "\" width=\"" +
           fmt("%.0f", cell_w - 2) + "\" height=\"" + fmt("%.0f", cell_h - 2) +
           "\" fill=\"hsl(210,60%," + std::to_string(light) + "%)\"/>\n";
      s += "<text x=\"" + fmt("%.0f", x + 6) + "\" y=\"" + fmt("%.0f", y + 20) +
           "\" font-size=\"13\" fill=\"" + (c.share > 0.6 ? "#fff" : "#000") + "\">" +
           escape_html(i18n::tr("{1} of {2}", fmt("%.0f%%", c.share * 100), c.people)) +
           "</text>\n";
      s += "<text x=\"" + fmt("%.0f", x + 6) + "\" y=\"" + fmt("%.0f", y + 38) +
           "\" font-size=\"11\" fill=\"" + (c.share > 0.6 ? "#fff" : "#000") + "\">" +
           escape_html(i18n::tr("median {1} episodes", fmt("%g", c.median))) + "</text>\n";
    }
  }
  return s + "</svg>\n";
}

std::string table(const std::vector<Row>& rows, const std::string& first) {
  std::string s = "<table><tr><th>" + escape_html(first) + "</th><th>" +
                  escape_html(i18n::tr("downloads")) + "</th><th>" +
                  escape_html(i18n::tr("listeners")) + "</th></tr>\n";
  for (const Row& r : rows)
    s += "<tr><td>" + escape_html(r.label == "other" ? i18n::tr("other") : r.label) + "</td><td>" +
         std::to_string(r.downloads) + "</td><td>" + std::to_string(r.listeners) + "</td></tr>\n";
  return s + "</table>\n";
}

}  // namespace

std::string render_html(const Report& r) {
  std::string s = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>)" + escape_html(r.show_title) +
                  " — " + escape_html(i18n::tr("listening figures")) + R"(</title>
<style>body{font-family:sans-serif;max-width:760px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}svg{display:block;margin:1em 0}</style></head><body>
<h1>)" + escape_html(r.show_title) +
                  "</h1>\n";
  return s + render_html_body(r) + "</body></html>\n";
}

std::string render_html_body(const Report& r) {
  std::string s;
  if (r.to <= r.from) return "<p>" + escape_html(i18n::tr("No downloads counted yet.")) + "</p>\n";
  const auto day = [&](std::int64_t t) {
    return escape_html(
        feed::format_local(feed::Time(std::chrono::seconds(t)), r.timezone).substr(0, 10));
  };
  s += "<p>" +
       i18n::tr(
           "{1} – {2} ({3}): <strong>{4}</strong> downloads, <strong>{5}</strong> listeners. "
           "Counted by "
           "the IAB podcast measurement rules (one per listener and episode a day, at least a "
           "minute of "
           "audio; bots filtered).",
           day(r.from), day(r.to - 1), escape_html(r.timezone), r.downloads, r.listeners) +
       "</p>\n";
  if (r.unrealistic_volume)
    s += "<p>" +
         escape_html(i18n::tr(
             "Not counted: {1} downloads from addresses that made more than a listener plausibly "
             "can in a day.",
             r.unrealistic_volume)) +
         "</p>\n";
  if (!r.matrix.empty()) {
    s += "<h2>" + escape_html(i18n::tr("Who heard whom")) + "</h2>\n<p>" +
         escape_html(i18n::tr(
             "Rows: the listeners' department. Columns: the episodes' department. Each cell: the "
             "share of the row's subscribers who heard at least one of the column's episodes, and "
             "the median number they heard.")) +
         "</p>\n" + heat_map(r);
  }
  s += "<h2>" + escape_html(i18n::tr("Downloads over time")) + "</h2>\n" + bars_over_time(r.series);
  s += "<h2>" + escape_html(i18n::tr("Downloads per episode")) + "</h2>\n" +
       bars_per_episode(r.episodes);
  s += "<table><tr>";
  for (const std::string& th : {i18n::tr("episode"), i18n::tr("downloads"), i18n::tr("listeners"),
                                i18n::tr("first 7 days"), i18n::tr("first 30 days")})
    s += "<th>" + escape_html(th) + "</th>";
  s += "<th>Opus</th><th>MP3</th></tr>\n";
  for (const EpisodeRow& e : r.episodes)
    s += "<tr><td>" + std::to_string(e.number) + " · " + escape_html(e.title) + "</td><td>" +
         std::to_string(e.downloads) + "</td><td>" + std::to_string(e.listeners) + "</td><td>" +
         std::to_string(e.listeners_7_days) + "</td><td>" + std::to_string(e.listeners_30_days) +
         "</td><td>" + std::to_string(e.opus) + "</td><td>" + std::to_string(e.mp3) +
         "</td></tr>\n";
  s += "</table>\n<h2>" + escape_html(i18n::tr("Apps")) + "</h2>\n" +
       table(r.apps, i18n::tr("app")) + "<h2>" + escape_html(i18n::tr("Feeds")) + "</h2>\n" +
       table(r.feeds, i18n::tr("feed"));
  if (!r.names.empty()) {
    s += "<h2>" + escape_html(i18n::tr("Listeners")) + "</h2>\n<table><tr>";
    for (const std::string& th :
         {i18n::tr("name"), i18n::tr("department"), i18n::tr("episodes"), i18n::tr("downloads")})
      s += "<th>" + escape_html(th) + "</th>";
    s += "</tr>\n";
    for (const NamedListener& n : r.names)
      s += "<tr><td>" + escape_html(n.name) + "</td><td>" + escape_html(n.department) +
           "</td><td>" + std::to_string(n.episodes) + "</td><td>" + std::to_string(n.downloads) +
           "</td></tr>\n";
    s += "</table>\n";
  }
  return s;
}

}  // namespace crosstalk::stats
