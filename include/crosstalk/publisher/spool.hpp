// The recorder's local spool: a recording is written to the user's data
// folder first (never straight to a network share), with a small XML file
// saying where it goes; delivery moves it into the show's library/ and
// removes it from the spool. If the show is unreachable it stays, and
// `crosstalk upload` (or the next `record`) delivers it later.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/workflow.hpp"

namespace crosstalk::publisher {

struct SpoolItem {
  boost::filesystem::path audio;  // <spool>/rec-….opus
  std::string show_dir;           // where it goes (absolute)
  ImportOptions options;          // title, host, department, turns, publish-at
  feed::Time recorded_at{};
  bool complete = false;          // false while recording (or after a crash: recover it)
  double seconds = 0;
  std::uint64_t overflows = 0, dropped = 0;
  std::vector<feed::Chapter> chapters;
  std::string recording_id;       // kept in the episode's sidecar: delivered once (default: the file's stem)
  std::string recorded_by;        // the studio's staff name, when recorded in the browser
  bool cut_short = false;         // ended without Stop (the tab closed, the device went away)
  boost::filesystem::path meta() const;      // the .xml beside the audio
  boost::filesystem::path lossless() const;  // the .wav beside it (normalisation works from it)
};

// $CROSSTALK_SPOOL, else <user data folder>/crosstalk/spool; created.
Result<boost::filesystem::path> spool_dir();

Result<void> save_spool_item(const SpoolItem& item);
Result<SpoolItem> load_spool_item(const boost::filesystem::path& meta);
// Every item in the spool, oldest first.
Result<std::vector<SpoolItem>> load_spool();

// Removes the item's files from the spool (audio, lossless copy, log, its XML).
void discard(const SpoolItem& item);

// Into the show's library, then out of the spool: normalised from the
// lossless copy when the show normalises and the copy is there, else the
// Opus file as it is (add_recording). `before_normalising` is called first
// when that takes a while (to tell the host). Idempotent: when the show has
// an episode with the item's recording_id already (delivered by another
// process, or before a crash), the item only leaves the spool and that
// episode is returned.
Result<feed::Episode> deliver(const SpoolItem& item, const std::function<void()>& before_normalising = {});

}  // namespace crosstalk::publisher
