// plan_recording / finish_recording: the rules of a live recording, shared
// by `record` and the studio.
#include "crosstalk/publisher/recording.hpp"

#include "crosstalk/publisher/audit.hpp"

#include <algorithm>
#include <boost/filesystem/operations.hpp>

#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/publisher/workflow.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

std::string chapter_name(const std::string& language, std::size_t n) {
  return (language == "ru" ? "Глава " : "Chapter ") + std::to_string(n);
}

Result<RecordingPlan> plan_recording(const std::string& show_dir, const ImportOptions& options,
                                     const std::string& recorded_by) {
  if (auto r = check_title(options.title); !r) return std::unexpected(r.error());
  RecordingPlan plan;
  boost::system::error_code ec;
  auto folder = open_show(show_dir);
  // A folder that is there but is no show: 'upload' could never deliver to it.
  if (!folder && fs::is_directory(show_dir, ec) && !fs::exists(fs::path(show_dir) / "show.xml", ec))
    return std::unexpected(folder.error());
  if (folder) {
    if (auto r = check_recording(*folder, options); !r) return std::unexpected(r.error());
    if (auto episodes = load_library(*folder)) {
      plan.department = options.department.empty() ? whose_turn(folder->show, *episodes).next : options.department;
      plan.number = highest_number(*folder, *episodes) + 1;
    }
    plan.settings.bitrate = folder->show.bitrate_kbps * 1000;
    if (!recorded_by.empty()) folder->actor = studio_actor(recorded_by);
    plan.folder = std::move(*folder);
  } else {
    plan.unreachable = folder.error().message;
  }
  auto spool = spool_dir();
  if (!spool) return std::unexpected(spool.error());
  SpoolItem& item = plan.item;
  const auto now = feed::now();
  std::string stamp = feed::format_utc(now);
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
  item.audio = *spool / fs::unique_path("rec-" + stamp + "-%%%%%%%%.opus");
  item.show_dir = fs::absolute(show_dir, ec).lexically_normal().string();
  item.options = options;
  item.recorded_at = now;
  item.recording_id = item.audio.stem().string();
  item.recorded_by = recorded_by;
  // The lossless copy is only needed for normalisation and the MP3
  // rendition (and kept when the show cannot be read to ask).
  const bool lossless = !plan.folder || plan.folder->show.normalize || plan.folder->show.mp3;
  if (lossless) plan.lossless = item.lossless();
  if (auto r = save_spool_item(item); !r) return std::unexpected(r.error());
  return plan;
}

Result<feed::Episode> finish_recording(RecordingPlan& plan, const recorder::LiveReport& report,
                                       const std::function<void()>& before_normalising) {
  SpoolItem& item = plan.item;
  item.complete = true;
  item.seconds = report.seconds;
  item.overflows = report.overflows;
  item.dropped = report.dropped;
  item.cut_short = report.device_lost;
  const std::string language = plan.folder ? plan.folder->show.language : "en";
  item.chapters.clear();
  // A chapter a second at the most, and 500 in all: marks pressed in a
  // burst (a stuck key, a hostile page) do not flood the sidecar and tags.
  std::vector<double> marks;
  for (double t : report.chapters)
    if (marks.size() < 500 && (marks.empty() || t - marks.back() >= 1.0)) marks.push_back(t);
  for (std::size_t i = 0; i < marks.size(); ++i)
    item.chapters.push_back({marks[i], chapter_name(language, i + 1)});
  if (auto r = save_spool_item(item); !r) return std::unexpected(r.error());
  return deliver(item, before_normalising);
}

}  // namespace crosstalk::publisher
