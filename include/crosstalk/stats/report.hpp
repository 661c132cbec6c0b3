// Listening figures of a show: what `crosstalk stats` prints and the stats
// page draws. Aggregates only, unless show.xml names listeners
// (<stats names="true"/>); never a client address.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crosstalk/feed/show.hpp"
#include "crosstalk/stats/by_listener.hpp"
#include "crosstalk/stats/counter.hpp"
#include "crosstalk/stats/people.hpp"
#include "crosstalk/stats/sums.hpp"

namespace crosstalk::stats {

enum class Period { Day, Week, Month };

struct Row {
  std::string label;
  std::uint64_t downloads = 0, listeners = 0;
};

struct EpisodeRow {
  int number = 0;
  std::string department, title;
  std::optional<std::int64_t> published;  // UTC seconds
  std::uint64_t downloads = 0, listeners = 0;
  std::uint64_t listeners_7_days = 0, listeners_30_days = 0;  // since it was published (any period)
  std::uint64_t opus = 0, mp3 = 0;
};

// Listeners in one department (row) hearing another's episodes (column).
struct MatrixCell {
  std::uint64_t people = 0;  // the row department's subscribers
  std::uint64_t heard = 0;   // … who heard at least one of the column department's episodes
  double share = 0;          // heard / people
  double median = 0;         // median number of the column's episodes each of them heard
};

struct NamedListener {
  std::string name, department;
  std::uint64_t episodes = 0, downloads = 0;
};

struct Report {
  std::string show_title, timezone;
  bool private_show = false;
  Period period = Period::Month;
  std::int64_t from = 0, to = 0;  // UTC seconds, [from, to)
  std::uint64_t downloads = 0, listeners = 0;
  std::vector<Row> series;  // one per period, empty ones too
  std::vector<EpisodeRow> episodes;
  std::vector<Row> apps, feeds;
  std::vector<feed::Department> departments;  // the matrix's rows and columns (private shows)
  std::vector<std::vector<MatrixCell>> matrix;
  std::uint64_t unknown_subscriber_downloads =
      0;                                 // by people no longer (or never) in subscribers.xml
  std::uint64_t unrealistic_volume = 0;  // downloads of the period not counted: their address
                                         // made too many that day (kMaxDownloadsPerAddressDay)
  std::vector<NamedListener> names;      // only when show.xml allows it
  Tally tally;
  // Listeners the pass went over: all of them, or those with new downloads
  // when an earlier run's sums could be used (not shown: for tests).
  std::uint64_t listeners_passed = 0;
  // The groups given were not the downloads (a damaged index): no figures;
  // run_stats groups the downloads again from the journal.
  bool groups_damaged = false;
};

struct ReportOptions {
  Period period = Period::Month;
  std::optional<std::int64_t> from, to;  // UTC seconds; default: the downloads' first and last day
  // Cores the pass over the listeners may use, from 20,000 downloads (1 or 2;
  // the figures are the same).
  unsigned cores = 2;
};

// From the counter's downloads grouped by listener: `saved`, a grouping of
// the first ones (load_by_listener; or empty), and `rest`, the others
// grouped with the same bits. `before`: the sums a run kept (sums.hpp) of
// this journal, up to downloads the state vouches for, or null; they are
// used when they fit (otherwise everyone is passed over). `after`, unless
// null, receives this report's.
Report make_report(const feed::Show& show, const std::vector<feed::Episode>& episodes,
                   const People& people, const Counter& counter, const ByListener& saved,
                   const ByListener& rest, const ReportOptions& options,
                   const Sums* before = nullptr, Sums* after = nullptr);

// Output: a readable table, JSON, CSV (one table per row kind), and the stats
// page (one HTML file, charts as inline SVG, no external assets).
std::string render_table(const Report& report);
std::string render_json(const Report& report);
std::string render_csv(const Report& report);
std::string render_html(const Report& report);
// The page's content without the document around it (its heading, styles):
// for a page that has its own, as the comms desk's.
std::string render_html_body(const Report& report);

}  // namespace crosstalk::stats
