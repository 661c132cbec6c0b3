// The encode pipeline's signal chain, shared by the sequential and the
// chunked (parallel) encoders: read blocks of a file (or stretches of it),
// mix down, gain, resample to 48 kHz, limit true peaks, meter.
// Internal to crosstalk::recorder.
#pragma once

#include <cmath>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/audio_file_reader.hpp"
#include "crosstalk/recorder/loudness.hpp"

namespace crosstalk::recorder {

inline constexpr std::size_t kBlockFrames = 4096;

// Runs `body` on a worker thread's behalf: an exception (out of memory, say)
// becomes an error value instead of ending the process.
template <class Body>
Result<void> guarded(Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return failure(std::string("encoding failed: ") + e.what());
  }
}

// Runs body(0) … body(n - 1) at once, on this thread and n - 1 others, and
// waits for all. Bodies report errors through what they capture.
void on_threads(int n, const std::function<void(int)>& body);

// A stretch of the source, in frames.
struct Excerpt {
  std::uint64_t start = 0, frames = 0;
};

// Mono: the mean of all channels. Stereo: a stereo source as it is.
void mix_down(std::span<const float> in, int in_channels, std::size_t frames, int out_channels,
              std::vector<float>& out);

using PcmFn = std::function<Result<void>(std::span<float>)>;
using ConstPcmFn = std::function<Result<void>(std::span<const float>)>;

// Reads the file (or only `excerpts`, back to back) block by block, mixed
// down to `channels`.
Result<void> for_each_block(AudioFileReader& reader, int channels, const PcmFn& fn,
                            std::span<const Excerpt> excerpts = {});

// source → mix → gain → 48 kHz → limiter (with a ceiling) → output meter →
// `consume`. The limiter's figures and the output loudness come back.
struct ChainResult {
  std::optional<LoudnessMeter> output_meter;  // to combine with other runs
  double output_lufs = -HUGE_VAL;
  double peak_dbtp = -HUGE_VAL;
  double limited_db = 0.0;
  double peak_in_dbtp = -HUGE_VAL;
};

struct ChainOptions {
  double gain_db = 0.0;
  std::optional<double> ceiling_dbtp;  // none: no limiter, no output meter
  MeterMode meter_mode = MeterMode::Integrated;
  LoudnessMeter* source_meter = nullptr;  // also meters the source, mixed down
  LoudnessMeter* output_meter = nullptr;  // meters into this one (e.g. across chunks), not its own
  // Only the 48 kHz samples [meter_from, meter_to) (counted from the chain's
  // start) are metered: a chunk's pre-roll and run-out are not its own.
  std::uint64_t meter_from = 0, meter_to = UINT64_MAX;
};

Result<ChainResult> run_chain(AudioFileReader& reader, int channels, const ChainOptions& options,
                              const ConstPcmFn& consume, std::span<const Excerpt> excerpts = {});

}  // namespace crosstalk::recorder
