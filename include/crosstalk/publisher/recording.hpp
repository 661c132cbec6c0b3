// A live recording from start to delivery, the same for `crosstalk record`
// (the sound card) and the browser studio (samples over a WebSocket): the
// checks before recording, the spool item, and after record_live the
// item's completion and its delivery into library/.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/spool.hpp"
#include "crosstalk/recorder/live_recorder.hpp"

namespace crosstalk::publisher {

struct RecordingPlan {
  SpoolItem item;                     // saved in the spool (state: recording)
  std::optional<ShowFolder> folder;   // empty when the show is unreachable (a share not mounted)
  std::string unreachable;            // then: why (a warning for the host)
  int number = 0;                     // the episode number it will probably get (0: unknown)
  std::string department;             // whose turn it is, or the one asked for
  boost::filesystem::path lossless;   // where record_live keeps the lossless copy ("" for none)
  recorder::LiveSettings settings;
};

// The checks `import` makes (title, text, department, turn) before a second
// of audio is taken, then a new spool item. A folder that exists but is no
// show is refused; a missing one records into the spool for a later upload.
Result<RecordingPlan> plan_recording(const std::string& show_dir, const ImportOptions& options,
                                     const std::string& recorded_by = {});

// After record_live: completes the spool item from the report (length,
// chapters named in the show's language, capture figures, cut short when
// the source ended without Stop) and delivers it. On an error the
// recording stays in the spool for `crosstalk upload`.
Result<feed::Episode> finish_recording(RecordingPlan& plan, const recorder::LiveReport& report,
                                       const std::function<void()>& before_normalising = {});

// "Глава 2" / "Chapter 2": the name of the n-th (1-based) chapter mark.
std::string chapter_name(const std::string& language, std::size_t n);

}  // namespace crosstalk::publisher
