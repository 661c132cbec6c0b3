// record_live: the encoder thread's loop.
#include "crosstalk/recorder/live_recorder.hpp"

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <chrono>
#include <cmath>
#include <optional>
#include <thread>

#include "crosstalk/recorder/byte_sink.hpp"
#include "crosstalk/recorder/encode_file.hpp"
#include "crosstalk/recorder/resampler.hpp"
#include "crosstalk/recorder/wav_writer.hpp"
#include "crosstalk/util/output_file.hpp"

namespace crosstalk::recorder {

namespace {
double to_db(double v) { return v > 1e-6 ? 20 * std::log10(v) : -120; }
}  // namespace

Result<LiveReport> record_live(SampleSource& capture, const boost::filesystem::path& out,
                               const boost::filesystem::path& lossless, const LiveSettings& settings,
                               LiveControl& control, const std::function<void(const Levels&)>& levels) {
  using clock = std::chrono::steady_clock;
  const int channels = capture.channels();
  const double rate = capture.rate();
  auto file = util::OutputFile::create_new(out);
  if (!file) return std::unexpected(file.error());
  FileSink sink(*file);
  EncoderSettings es;
  es.channels = channels;
  es.bitrate = settings.bitrate;
  es.input_rate = static_cast<std::uint32_t>(std::lround(rate));
  auto writer = OggOpusWriter::create(es, {{"ENCODER", encoder_tag()}}, sink);
  if (!writer) return std::unexpected(writer.error());
  std::optional<WavWriter> wav;
  if (!lossless.empty()) {
    auto w = WavWriter::create(lossless, static_cast<int>(std::lround(rate)), channels);
    if (!w) return std::unexpected(w.error());
    wav.emplace(std::move(*w));
  }
  std::optional<Resampler> resampler;
  if (std::lround(rate) != kOpusRate) {
    auto r = Resampler::create(rate, kOpusRate, channels);
    if (!r) return std::unexpected(r.error());
    resampler.emplace(std::move(*r));
  }

  LiveReport report;
  const std::uint64_t limit_frames =
      settings.max_seconds > 0 ? static_cast<std::uint64_t>(std::llround(settings.max_seconds * rate)) : 0;
  std::uint64_t frames = 0;  // recorded, at the device rate
  std::uint64_t silent_frames = 0;  // the latest run of frames with no signal
  std::vector<float> block(static_cast<std::size_t>(rate / 5) * channels);
  Levels meter;
  double peak = 0, sum_squares = 0;
  std::size_t meter_count = 0;
  int marks_seen = 0;
  auto last_meter = clock::now(), last_sync = clock::now(), last_data = clock::now();

  auto encode = [&](std::span<const float> samples) -> Result<void> {
    if (wav && !wav->write(samples)) {
      // The lossless copy takes ~18x the room of the Opus file: when the
      // disk fills, give its space to the recording itself and go on.
      wav.reset();
      boost::system::error_code ec;
      boost::filesystem::remove(lossless, ec);
      report.lossless_dropped = true;
    }
    if (!resampler) return writer->write(samples);
    auto r = resampler->process(samples);
    if (!r) return std::unexpected(r.error());
    return writer->write(*r);
  };

  bool stopping = false;
  for (;;) {
    if (!stopping && control.stop.load()) {
      stopping = true;
      capture.stop();  // no more callbacks: what is in the ring is the rest
    }
    std::size_t got = capture.read(block.data(), block.size());
    if (got) last_data = clock::now();
    if (control.paused.load()) got = 0;  // paused time is not in the episode
    std::size_t take = got / channels;
    if (limit_frames && frames + take >= limit_frames) take = static_cast<std::size_t>(limit_frames - frames);
    if (take) {
      const std::span<const float> samples(block.data(), take * channels);
      if (auto r = encode(samples); !r) return std::unexpected(r.error());
      frames += take;
      for (float v : samples) {
        const double a = std::fabs(v);
        peak = std::max(peak, a);
        sum_squares += static_cast<double>(v) * v;
        meter.clipping = meter.clipping || a >= 0.999;
      }
      meter_count += samples.size();
      // "No signal": nothing above -80 dBFS (a muted or dead input; a live
      // mic in a quiet room sits around -60).
      const bool silent = std::all_of(samples.begin(), samples.end(), [](float v) { return std::fabs(v) < 1e-4f; });
      silent_frames = silent ? silent_frames + take : 0;  // counted in frames: no rounding drift
    }
    for (int marks = control.chapter_marks.load(); marks_seen < marks; ++marks_seen)
      report.chapters.push_back(static_cast<double>(frames) / rate);
    const auto now = clock::now();
    if (now - last_meter >= std::chrono::milliseconds(66)) {
      meter.seconds = static_cast<double>(frames) / rate;
      meter.silent_seconds = static_cast<double>(silent_frames) / rate;
      meter.peak_dbfs = to_db(peak);
      meter.rms_dbfs = meter_count ? to_db(std::sqrt(sum_squares / static_cast<double>(meter_count))) : -120;
      meter.paused = control.paused.load();
      if (levels) levels(meter);
      peak = sum_squares = 0;
      meter_count = 0;
      meter.clipping = false;
      last_meter = now;
    }
    if (now - last_sync >= std::chrono::milliseconds(settings.sync_every_ms)) {
      if (auto r = file->sync(); !r) return std::unexpected(r.error());
      last_sync = now;
    }
    if (limit_frames && frames >= limit_frames) break;
    if (stopping && got == 0) break;  // stopped, and the ring is drained
    if (!stopping && !capture.active() && got == 0 && now - last_data > std::chrono::milliseconds(500)) {
      report.device_lost = true;
      break;
    }
    // The meter wants ~15 updates a second; the ring holds 10 s.
    if (got < block.size()) std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
  capture.stop();
  if (resampler) {
    auto tail = resampler->flush();
    if (!tail) return std::unexpected(tail.error());
    if (auto r = writer->write(*tail); !r) return std::unexpected(r.error());
  }
  auto summary = writer->finish();
  if (!summary) return std::unexpected(summary.error());
  if (auto r = file->sync(); !r) return std::unexpected(r.error());
  if (auto r = file->close(); !r) return std::unexpected(r.error());
  if (wav && !wav->close()) {
    boost::system::error_code ec;
    boost::filesystem::remove(lossless, ec);
    report.lossless_dropped = true;
  }
  report.stream = *summary;
  report.seconds = static_cast<double>(summary->input_samples) / kOpusRate;
  report.overflows = capture.overflows();
  report.dropped = capture.dropped();
  return report;
}

}  // namespace crosstalk::recorder
