// encode_file: streams an audio file (AudioFileReader) into a tagged Ogg Opus file in
// fixed-size blocks, so memory stays flat whatever the input's length.
#include "crosstalk/recorder/encode_file.hpp"

#include <boost/filesystem/operations.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <optional>
#include <thread>

#include "block_queue.hpp"
#include "crosstalk/recorder/limiter.hpp"
#include "crosstalk/recorder/resampler.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/version.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::recorder {

namespace {

constexpr std::size_t kBlockFrames = 4096;

// Counts frames done out of a total from any thread, and tells
// EncodeOptions::progress each time another percent is reached.
class Progress {
 public:
  Progress(const std::function<void(double)>& report, std::uint64_t total) : report_(report), total_(total) {}
  void add(std::uint64_t frames) {
    if (!report_ || total_ == 0) return;
    const std::uint64_t done = done_.fetch_add(frames, std::memory_order_relaxed) + frames;
    const int percent = static_cast<int>(std::min<std::uint64_t>(100, done * 100 / total_));
    int last = last_.load(std::memory_order_relaxed);
    while (percent > last)
      if (last_.compare_exchange_weak(last, percent)) {
        report_(percent / 100.0);
        break;
      }
  }

 private:
  const std::function<void(double)>& report_;
  std::uint64_t total_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<int> last_{-1};
};

// Mono: the mean of all channels. Stereo: a stereo source as it is.
void mix_down(std::span<const float> in, int in_channels, std::size_t frames, int out_channels,
              std::vector<float>& out) {
  out.resize(frames * static_cast<std::size_t>(out_channels));
  if (in_channels == out_channels) {
    std::copy_n(in.begin(), out.size(), out.begin());
    return;
  }
  const float scale = 1.0f / static_cast<float>(in_channels);
  for (std::size_t f = 0; f < frames; ++f) {
    float sum = 0.0f;
    for (int c = 0; c < in_channels; ++c) sum += in[f * static_cast<std::size_t>(in_channels) + static_cast<std::size_t>(c)];
    out[f] = sum * scale;
  }
}

Result<void> check_paths(const fs::path& in, const fs::path& out) {
  boost::system::error_code ec;
  if (fs::is_directory(out, ec))
    return bad_input(out.string() + ": is a folder; give the output file's name, e.g. episode.opus");
  fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(folder, ec))
    return bad_input(out.string() + ": the folder " + folder.string() + " does not exist");
  bool same = fs::exists(out, ec) ? fs::equivalent(in, out, ec)
                                  : fs::weakly_canonical(in, ec) == fs::weakly_canonical(out, ec);
  if (same) return bad_input(out.string() + ": the output would overwrite the input; choose another name");
  return {};
}

}  // namespace

int default_bitrate(int channels) { return channels == 2 ? 96000 : 64000; }

std::string encoder_tag() {
  return std::string("crosstalk ") + kVersion + " (" + encoder_vendor() + ")";
}

namespace {

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

// A stretch of the source, in frames.
struct Excerpt {
  std::uint64_t start = 0, frames = 0;
};

// Reads the file (or only `excerpts`, back to back) block by block, mixed
// down to `channels`.
template <class Fn>
Result<void> for_each_block(AudioFileReader& reader, int channels, Fn&& fn,
                            std::span<const Excerpt> excerpts = {}) {
  const AudioFileInfo& info = reader.info();
  std::vector<float> block(kBlockFrames * static_cast<std::size_t>(info.channels));
  std::vector<float> mixed;
  const Excerpt whole{0, info.frames};
  for (const Excerpt& x : excerpts.empty() ? std::span<const Excerpt>(&whole, 1) : excerpts) {
    if (!excerpts.empty())
      if (auto r = reader.seek(x.start); !r) return r;
    for (std::uint64_t left = x.frames; left > 0;) {
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBlockFrames));
      auto frames = reader.read(std::span(block).first(want * static_cast<std::size_t>(info.channels)));
      if (!frames) return std::unexpected(frames.error());
      if (*frames == 0) break;
      left -= *frames;
      mix_down(block, info.channels, *frames, channels, mixed);
      if (auto r = fn(std::span<float>(mixed)); !r) return r;
    }
  }
  return {};
}

// Pass 1: loudness of the source as it will be encoded (mixed down). Its
// true peak comes from the limiter's detector in pass 2, which oversamples
// anyway (libebur128's true-peak mode would double the cost of this pass).
Result<LoudnessFigures> measure(const AudioFileReader& source, int channels, Progress* progress = nullptr) {
  // Two halves on two threads; libebur128 combines their histograms.
  std::vector<Excerpt> halves(2);
  std::vector<std::optional<LoudnessMeter>> meters(2);
  std::vector<Result<void>> results(2);
  auto measure_half = [&](int h) {
    results[h] = guarded([&]() -> Result<void> {
      auto reader = source.another();
      if (!reader) return std::unexpected(reader.error());
      // Short files in one piece: a half shorter than a 400 ms gating block
      // would measure nothing. (On long ones, the few blocks across the middle
      // are not measured: a negligible part.)
      const std::uint64_t frames = reader->info().frames;
      const bool split = frames > static_cast<std::uint64_t>(reader->info().sample_rate) * 60;
      const std::uint64_t mid = split ? frames / 2 : frames;
      halves[h] = h == 0 ? Excerpt{0, mid} : Excerpt{mid, frames - mid};
      auto meter = LoudnessMeter::create(channels, reader->info().sample_rate, MeterMode::Range);
      if (!meter) return std::unexpected(meter.error());
      meters[h].emplace(std::move(*meter));
      return for_each_block(*reader, channels, [&](std::span<float> pcm) {
        if (progress) progress->add(pcm.size() / static_cast<std::size_t>(channels));
        return meters[h]->add(pcm);
      }, std::span<const Excerpt>(&halves[h], 1));
    });
  };
  std::thread second(measure_half, 1);
  measure_half(0);
  second.join();
  for (const auto& r : results)
    if (!r) return std::unexpected(r.error());
  if (halves[1].frames == 0) return meters[0]->figures();
  LoudnessMeter* both[] = {&*meters[0], &*meters[1]};
  return LoudnessMeter::combined(both);
}

// Pass 2 (and its rehearsals): source → mix → gain → 48 kHz → limiter →
// output meter → `consume`. Returns the limiter's figures and the output loudness.
struct ChainResult {
  std::optional<LoudnessMeter> output_meter;  // to combine with other runs
  double output_lufs = -HUGE_VAL;
  double peak_dbtp = -HUGE_VAL;
  double limited_db = 0.0;
  double peak_in_dbtp = -HUGE_VAL;
};

template <class Consume>
Result<ChainResult> run_chain(AudioFileReader& reader, int channels, double gain_db,
                              std::optional<double> ceiling_dbtp, MeterMode meter_mode,
                              Consume&& consume, std::span<const Excerpt> excerpts = {},
                              LoudnessMeter* source_meter = nullptr) {
  const AudioFileInfo& info = reader.info();
  const float gain = static_cast<float>(std::pow(10.0, gain_db / 20.0));
  std::optional<Resampler> resampler;
  if (info.sample_rate != kOpusRate) {
    auto r = Resampler::create(info.sample_rate, kOpusRate, channels);
    if (!r) return std::unexpected(r.error());
    resampler.emplace(std::move(*r));
  }
  std::optional<TruePeakLimiter> limiter;
  std::optional<LoudnessMeter> output_meter;
  if (ceiling_dbtp) {
    auto l = TruePeakLimiter::create(channels, *ceiling_dbtp);
    if (!l) return std::unexpected(l.error());
    limiter.emplace(std::move(*l));
    auto m = LoudnessMeter::create(channels, kOpusRate, meter_mode);
    if (!m) return std::unexpected(m.error());
    output_meter.emplace(std::move(*m));
  }
  std::vector<float> limited;
  auto at_48k = [&](std::span<const float> pcm) -> Result<void> {
    if (limiter) {
      limited.clear();
      if (auto r = limiter->process(pcm, limited); !r) return r;
      pcm = limited;
    }
    if (output_meter)
      if (auto r = output_meter->add(pcm); !r) return r;
    return consume(pcm);
  };
  auto pass = for_each_block(reader, channels, [&](std::span<float> pcm) -> Result<void> {
    if (source_meter)
      if (auto r = source_meter->add(pcm); !r) return r;
    if (gain != 1.0f)
      for (float& v : pcm) v *= gain;
    if (!resampler) return at_48k(pcm);
    auto converted = resampler->process(pcm);
    if (!converted) return std::unexpected(converted.error());
    return at_48k(*converted);
  }, excerpts);
  if (!pass) return std::unexpected(pass.error());
  if (resampler) {
    auto tail = resampler->flush();
    if (!tail) return std::unexpected(tail.error());
    if (auto r = at_48k(*tail); !r) return std::unexpected(r.error());
  }
  ChainResult result;
  if (limiter) {
    limited.clear();
    if (auto r = limiter->flush(limited); !r) return std::unexpected(r.error());
    if (auto r = output_meter->add(limited); !r) return std::unexpected(r.error());
    if (auto r = consume(std::span<const float>(limited)); !r) return std::unexpected(r.error());
    result.limited_db = limiter->deepest_reduction_db();
    result.peak_dbtp = limiter->peak_out_dbtp();
    result.peak_in_dbtp = limiter->peak_in_dbtp();
    result.output_lufs = output_meter->figures().integrated_lufs;
    result.output_meter = std::move(output_meter);
  }
  return result;
}

// Peak limiting lowers the loudness of peaky speech (a host who pops the
// mic): rehearse pass 2 without encoding and add back what the limiter took
// (at most kMaxMakeupDb, in at most two rehearsals). The gain cap is for the
// loudness gain itself: make-up only restores what limiting removed. On a
// long file the rehearsal plays ten 6-second excerpts spread over it: what
// the limiter takes is a property of the voice, not of the minute.
constexpr double kMaxMakeupDb = 6.0;
constexpr double kExcerptSeconds = 6.0;
constexpr int kExcerpts = 10;

std::vector<Excerpt> rehearsal_excerpts(const AudioFileInfo& info) {
  const auto each = static_cast<std::uint64_t>(kExcerptSeconds * info.sample_rate);
  if (info.frames <= each * kExcerpts * 2) return {};  // short: the whole file
  std::vector<Excerpt> excerpts;
  for (int k = 0; k < kExcerpts; ++k)
    excerpts.push_back({info.frames * static_cast<std::uint64_t>(2 * k + 1) / (2 * kExcerpts) - each / 2, each});
  return excerpts;
}

// One rehearsal at `gain_db`: the loudness of what the limiter lets through,
// and of the source it played. Excerpts are shared out to two threads.
struct Rehearsal {
  double output_lufs = -HUGE_VAL;
  double source_lufs = -HUGE_VAL;
};

Result<Rehearsal> rehearse(const AudioFileReader& source, int channels, double gain_db, double ceiling,
                           const std::vector<Excerpt>& excerpts) {
  const std::size_t parts = excerpts.empty() ? 1 : 2;
  std::vector<Result<ChainResult>> runs(parts);
  std::vector<std::optional<LoudnessMeter>> sources(parts);
  auto run_part = [&](std::size_t p) {
    auto done = guarded([&]() -> Result<void> {
      auto reader = source.another();
      if (!reader) return std::unexpected(reader.error());
      auto meter = LoudnessMeter::create(channels, reader->info().sample_rate, MeterMode::Integrated);
      if (!meter) return std::unexpected(meter.error());
      sources[p].emplace(std::move(*meter));
      std::span<const Excerpt> mine(excerpts);
      if (parts == 2) mine = p == 0 ? mine.first(excerpts.size() / 2) : mine.subspan(excerpts.size() / 2);
      runs[p] = run_chain(*reader, channels, gain_db, ceiling, MeterMode::Integrated,
                          [](std::span<const float>) -> Result<void> { return {}; }, mine, &*sources[p]);
      return {};
    });
    if (!done) runs[p] = std::unexpected(done.error());
  };
  std::optional<std::thread> second;
  if (parts == 2) second.emplace(run_part, 1);
  run_part(0);
  if (second) second->join();
  std::vector<LoudnessMeter*> outputs, inputs;
  for (std::size_t p = 0; p < parts; ++p) {
    if (!runs[p]) return std::unexpected(runs[p].error());
    outputs.push_back(&*runs[p]->output_meter);
    inputs.push_back(&*sources[p]);
  }
  return Rehearsal{LoudnessMeter::combined(outputs).integrated_lufs,
                   LoudnessMeter::combined(inputs).integrated_lufs};
}

Result<void> settle_gain(const AudioFileReader& source, int channels, double ceiling, LoudnessReport& report) {
  // A limiter that will not act takes nothing (sample peak + 1 dB for what
  // lies between samples and what resampling adds).
  if (report.input.sample_peak_dbfs + report.gain_db + 1.0 < ceiling) return {};
  const double base = report.gain_db;
  const auto excerpts = rehearsal_excerpts(source.info());
  double previous_gain = 0, previous_out = 0;
  for (int round = 0; round < 2; ++round) {
    auto rehearsal = rehearse(source, channels, report.gain_db, ceiling, excerpts);
    if (!rehearsal) return std::unexpected(rehearsal.error());
    const double aim = rehearsal->source_lufs + base;  // the target, or less when the gain was capped
    const double out = rehearsal->output_lufs;
    if (!std::isfinite(out) || !std::isfinite(aim) || std::fabs(aim - out) < 0.3) return {};
    // Limiting makes output loudness grow slower than the gain: step by the
    // slope seen so far (secant), 1 dB/dB at first.
    double slope = round == 0 ? 1.0 : (out - previous_out) / (report.gain_db - previous_gain);
    slope = std::clamp(std::isfinite(slope) ? slope : 1.0, 0.25, 1.0);
    previous_gain = report.gain_db;
    previous_out = out;
    report.gain_db = std::min(report.gain_db + (aim - out) / slope, base + kMaxMakeupDb);
    if (report.gain_db == previous_gain) return {};
  }
  return {};
}

}  // namespace

namespace {

// One encoder's output: its atomic file and the sink its writer streams to.
struct Output {
  util::AtomicFile file;
  FileSink sink;
  explicit Output(util::AtomicFile f) : file(std::move(f)), sink(file.file()) {}
};

Result<std::unique_ptr<Output>> open_output(const fs::path& path) {
  auto file = util::AtomicFile::create(path);
  if (!file) return std::unexpected(file.error());
  return std::make_unique<Output>(std::move(*file));
}

// Encodes into `out` (Opus; empty: none) and options.mp3_path (empty: none).
Result<EncodeReport> encode(const fs::path& in, const fs::path& out, const EncodeOptions& options) {
  if (options.channels != 1 && options.channels != 2) return bad_input("--channels must be 1 or 2");
  auto reader = AudioFileReader::open(in);
  if (!reader) return std::unexpected(reader.error());
  const AudioFileInfo& info = reader->info();
  if (info.channels > 2 && options.channels == 2)
    return bad_input(in.string() + ": has " + std::to_string(info.channels) +
                     " channels; only a stereo source can stay stereo (use --channels 1 to downmix)");
  const bool opus = !out.empty(), mp3 = !options.mp3_path.empty();
  if (opus)
    if (auto r = check_paths(in, out); !r) return std::unexpected(r.error());
  if (mp3)
    if (auto r = check_paths(in, options.mp3_path); !r) return std::unexpected(r.error());

  EncodeReport report;
  report.input = info;
  report.channels = info.channels == 1 ? 1 : options.channels;
  report.bitrate = options.bitrate > 0 ? options.bitrate : default_bitrate(report.channels);
  const LoudnessSettings& loudness = options.loudness;
  LoudnessReport& lr = report.loudness;
  const double ceiling = loudness.true_peak_dbtp - kCodecHeadroomDb;

  // Progress in source frames: pass 1 reads the file once, pass 2 once more.
  Progress progress(options.progress, info.frames * (loudness.normalize ? 2 : 1));

  // Pass 1 (normalising): measure, decide the gain, rehearse the limiter.
  if (loudness.normalize) {
    auto figures = measure(*reader, report.channels, &progress);
    if (!figures) return std::unexpected(figures.error());
    lr.input = *figures;
    lr.silent = is_silent(*figures);
    lr.gain_db = normalization_gain_db(*figures, loudness, &lr.gain_capped);
    if (lr.gain_capped && loudness.quiet_input == QuietInput::Refuse)
      return bad_input(too_quiet_message(in.string(), *figures, loudness));
    lr.normalized = !lr.silent;
    if (lr.normalized)
      if (auto r = settle_gain(*reader, report.channels, ceiling, lr); !r) return std::unexpected(r.error());
  }

  AudioTags tags = options.tags;
  if (tags.encoder.empty()) tags.encoder = encoder_tag();

  std::unique_ptr<Output> opus_out, mp3_out;
  std::optional<OggOpusWriter> writer;
  std::optional<Mp3Writer> mp3_writer;
  if (opus) {
    auto o = open_output(out);
    if (!o) return std::unexpected(o.error());
    opus_out = std::move(*o);
    EncoderSettings settings;
    settings.channels = report.channels;
    settings.bitrate = report.bitrate;
    settings.input_rate = static_cast<std::uint32_t>(info.sample_rate);
    settings.lsb_depth = info.bits;
    std::vector<Comment> comments{{"ENCODER", tags.encoder}};
    if (!tags.title.empty()) comments.push_back({"TITLE", tags.title});
    auto w = OggOpusWriter::create(settings, std::move(comments), opus_out->sink);
    if (!w) return std::unexpected(w.error());
    writer.emplace(std::move(*w));
  }
  if (mp3) {
    auto o = open_output(options.mp3_path);
    if (!o) return std::unexpected(o.error());
    mp3_out = std::move(*o);
    Mp3Settings settings;
    settings.channels = report.channels;
    settings.bitrate_kbps =
        options.mp3_bitrate_kbps > 0 ? options.mp3_bitrate_kbps : default_mp3_bitrate_kbps(report.channels);
    auto w = Mp3Writer::create(settings, mp3_out->sink);
    if (!w) return std::unexpected(w.error());
    mp3_writer.emplace(std::move(*w));
  }

  // Pass 2 on both cores: a helper thread reads, resamples, limits and
  // meters, hands each block to this thread, which encodes Opus (the slow
  // part), and then encodes the same block as MP3 itself. Two busy threads
  // for two cores: a third, MP3-only thread would take turns with the Opus
  // encoder, the stage everything waits for (measured: 1.19x the time of
  // an Opus-only import, against 1.0x; BENCHMARKS.md).
  std::optional<double> limit;
  if (lr.normalized) limit = ceiling;
  BlockQueue opus_queue(64);  // ~5 s of audio: absorbs the two threads' jitter
  Result<ChainResult> chain;
  Result<void> mp3_written;
  std::thread dsp([&] {
    auto done = guarded([&]() -> Result<void> {
      chain = run_chain(*reader, report.channels, lr.gain_db, limit, MeterMode::Integrated,
                        [&](std::span<const float> pcm) -> Result<void> {
                          if (opus && !opus_queue.push(std::vector<float>(pcm.begin(), pcm.end())))
                            return failure("encoding stopped");
                          if (mp3) {
                            mp3_written = mp3_writer->write(pcm);
                            if (!mp3_written) return mp3_written;
                            if (!opus)
                              progress.add(static_cast<std::uint64_t>(static_cast<double>(pcm.size()) *
                                                                      info.sample_rate / kOpusRate / report.channels));
                          }
                          return {};
                        });
      return {};
    });
    if (!done) chain = std::unexpected(done.error());
    if (!mp3_written) opus_queue.cancel();
    opus_queue.close();
  });
  Result<void> written;
  if (opus)
    written = guarded([&]() -> Result<void> {
      Result<void> w;
      const double source_per_output = static_cast<double>(info.sample_rate) / kOpusRate / report.channels;
      for (std::vector<float> block; opus_queue.pop(block);) {
        w = writer->write(block);
        progress.add(static_cast<std::uint64_t>(static_cast<double>(block.size()) * source_per_output));
        if (!w) opus_queue.cancel();
      }
      return w;
    });
  dsp.join();
  if (!written) return std::unexpected(written.error());
  if (!mp3_written) return std::unexpected(mp3_written.error());
  if (!chain) return std::unexpected(chain.error());
  if (lr.normalized) {
    lr.output.integrated_lufs = chain->output_lufs;
    lr.output.true_peak_dbtp = chain->peak_dbtp;
    lr.input.true_peak_dbtp = chain->peak_in_dbtp - lr.gain_db;
    lr.limited_db = chain->limited_db;
  } else {
    lr.output = lr.input;  // left as it was (or not measured: --no-normalize)
  }
  boost::system::error_code ec;
  if (opus) {
    auto summary = writer->finish();
    if (!summary) return std::unexpected(summary.error());
    report.stream = *summary;
  }
  if (mp3) {
    auto summary = mp3_writer->finish();
    if (!summary) return std::unexpected(summary.error());
    report.mp3 = *summary;
    if (!opus) report.stream.input_samples = summary->input_samples;
  }
  const auto duration_ms = static_cast<std::int64_t>(report.stream.input_samples * 1000 / kOpusRate);
  if (opus) {
    if (auto r = opus_out->file.close(); !r) return std::unexpected(r.error());
    if (auto r = write_tags(opus_out->file.temp_path(), tags); !r) return std::unexpected(r.error());
    report.file_bytes = fs::file_size(opus_out->file.temp_path(), ec);
  }
  if (mp3) {
    if (auto r = mp3_out->file.close(); !r) return std::unexpected(r.error());
    if (auto r = write_mp3_tags(mp3_out->file.temp_path(), mp3_tags_of(tags), duration_ms); !r)
      return std::unexpected(r.error());
    report.mp3_file_bytes = fs::file_size(mp3_out->file.temp_path(), ec);
  }
  // Both or neither: the MP3 goes first, and is removed again if the Opus
  // file cannot be put in place.
  if (mp3)
    if (auto r = mp3_out->file.commit(); !r) return std::unexpected(r.error());
  if (opus)
    if (auto r = opus_out->file.commit(); !r) {
      if (mp3) fs::remove(options.mp3_path, ec);
      return std::unexpected(r.error());
    }
  return report;
}

}  // namespace

int default_mp3_bitrate_kbps(int channels) { return channels == 2 ? 96 : 64; }

Result<EncodeReport> encode_file(const fs::path& in, const fs::path& out, const EncodeOptions& options) {
  return encode(in, out, options);
}

Result<LoudnessFigures> measure_loudness(const fs::path& path) {
  auto reader = AudioFileReader::open(path);
  if (!reader) return std::unexpected(reader.error());
  return measure(*reader, reader->info().channels);
}

Result<EncodeReport> encode_mp3_file(const fs::path& in, const EncodeOptions& options) {
  if (options.mp3_path.empty()) return bad_input("no MP3 file named");
  return encode(in, fs::path(), options);
}

}  // namespace crosstalk::recorder
