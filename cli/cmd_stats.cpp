// `crosstalk stats [--log FILE]… [--from DATE] [--to DATE] [--period day|week|month]
// [--json|--csv] [--html FILE] [--full]`: listening figures from access logs.
#include <cstdio>
#include <memory>

#include <boost/filesystem/operations.hpp>

#include "commands.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/stats/stats.hpp"
#include "crosstalk/util/atomic_file.hpp"

namespace crosstalk::cli {

void register_stats(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  struct Options {
    std::vector<std::string> logs;
    std::string from, to, period = "month", html, agents;
    bool json = false, csv = false, full = false;
    std::uint32_t max_per_address = stats::kMaxDownloadsPerAddressDay;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = root.add_subcommand(
      "stats", i18n::tr("Who listened: downloads by the IAB rules, and which department heard which"));
  cmd->add_option(
      "--log", o->logs,
      i18n::tr("an access log, with its rotated files beside it (default: <nginx access-log> of show.xml)"));
  cmd->add_option("--from", o->from, i18n::tr("first day, e.g. 2026-11-01 (the show's time zone)"));
  cmd->add_option("--to", o->to, i18n::tr("last day, included"));
  cmd->add_option("--period", o->period, i18n::tr("rows per day, week or month (default month)"))
      ->check(CLI::IsMember({"day", "week", "month"}));
  auto* json = cmd->add_flag("--json", o->json, i18n::tr("JSON instead of the table"));
  cmd->add_flag("--csv", o->csv, i18n::tr("CSV instead of the table"))->excludes(json);
  cmd->add_option(
      "--html", o->html,
      i18n::tr("where to write the stats page (default: stats.html in the show folder; never in public/)"));
  cmd->add_flag("--full", o->full,
                i18n::tr("forget what earlier runs counted and read every log from its start"));
  cmd->add_option("--max-per-address", o->max_per_address,
                  i18n::tr("downloads an address (without personal URLs) may make in a UTC day before none "
                           "of its downloads that day count (default 50; 0: no limit)"));
  cmd->add_option("--agents", o->agents,
                  i18n::tr("another user-agent list than the built-in one (format: stats/agents.txt)"));
  cmd->callback([&action, o, show_dir] {
    action = [o, show_dir]() -> Result<void> {
      auto folder = show_dir->open();
      if (!folder) return std::unexpected(folder.error());
      stats::RunOptions run;
      run.full = o->full;
      run.max_per_address_day = o->max_per_address;
      if (!o->agents.empty()) run.agents = o->agents;
      for (const auto& l : o->logs) run.logs.emplace_back(l);
      if (run.logs.empty()) run.logs.emplace_back(folder->show.nginx_access_log);
      stats::ReportOptions options;
      options.period = o->period == "day"    ? stats::Period::Day
                       : o->period == "week" ? stats::Period::Week
                                             : stats::Period::Month;
      for (auto [text, out, next] :
           {std::tuple{&o->from, &options.from, false}, std::tuple{&o->to, &options.to, true}}) {
        if (text->empty()) continue;
        auto t = feed::parse_time(*text + "T00:00", folder->show.timezone);
        if (!t || text->size() != 10)
          return bad_input("--from/--to '" + *text + "': give a day as YYYY-MM-DD");
        *out = t->time_since_epoch().count() + (next ? 86400 : 0);  // --to: the whole day
      }
      boost::system::error_code ec;
      const auto html_path =
          o->html.empty() ? folder->root / "stats.html" : boost::filesystem::absolute(o->html, ec);
      const auto pub = boost::filesystem::weakly_canonical(folder->public_dir(), ec).string() + "/";
      if (boost::filesystem::weakly_canonical(html_path, ec).string().starts_with(pub))
        return bad_input("--html " + html_path.string() +
                         ": not inside public/, which anyone may read; the figures are for comms");
      auto report = stats::run_stats(*folder, run, options);
      if (!report) return std::unexpected(report.error());
      const std::string page = stats::render_html(*report);
      if (auto w = util::write_file_if_changed(html_path, page); !w)
        return std::unexpected(w.error());
      const std::string out = o->json  ? stats::render_json(*report)
                              : o->csv ? stats::render_csv(*report)
                                       : stats::render_table(*report);
      std::fwrite(out.data(), 1, out.size(), stdout);
      if (!o->json && !o->csv) std::printf("\nstats page: %s\n", html_path.string().c_str());
      return {};
    };
  });
}

}  // namespace crosstalk::cli
