// The live recording loop (the encoder thread): drains a SampleSource,
// resamples to 48 kHz when the device runs at another rate, encodes into a
// streaming Ogg Opus file that is synced to disk every few seconds, and
// reports levels for the meter. Stops on request, at a duration, or when
// the device goes away.
#pragma once

#include <atomic>
#include <functional>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/sample_source.hpp"
#include "crosstalk/recorder/ogg_opus_writer.hpp"

namespace crosstalk::recorder {

struct LiveSettings {
  int bitrate = 64000;
  double max_seconds = 0;    // 0: until stopped
  int sync_every_ms = 3000;  // fsync period: a power cut loses at most this
};

// Set from elsewhere (signal handler, keyboard); read by the loop.
struct LiveControl {
  std::atomic<bool> stop{false};
  std::atomic<bool> paused{false};
  std::atomic<int> chapter_marks{0};  // each increment: a chapter at the current time
};

struct Levels {
  double seconds = 0;       // recorded so far (pauses excluded)
  double peak_dbfs = -120;  // over the last ~1/15 s
  double rms_dbfs = -120;
  bool clipping = false;    // a sample at full scale in that window
  double silent_seconds = 0;  // how long nothing has been above -80 dBFS
  bool paused = false;
};

struct LiveReport {
  EncodeSummary stream;
  double seconds = 0;
  std::uint64_t overflows = 0, dropped = 0;
  bool device_lost = false;
  bool lossless_dropped = false;  // the disk filled: no lossless copy (no normalisation)
  std::vector<double> chapters;  // seconds into the episode
};

// Records from a started source (the sound card, the browser) into `out` (created; must not exist) and,
// when `lossless` is not empty, the same samples into a WAV there.
// `levels` is called about 15 times a second from this thread.
Result<LiveReport> record_live(SampleSource& capture, const boost::filesystem::path& out,
                               const boost::filesystem::path& lossless, const LiveSettings& settings,
                               LiveControl& control, const std::function<void(const Levels&)>& levels);

}  // namespace crosstalk::recorder
