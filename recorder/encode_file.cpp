// encode_file: streams an audio file (AudioFileReader) into a tagged Ogg Opus file in
// fixed-size blocks, so memory stays flat whatever the input's length.
#include "crosstalk/recorder/encode_file.hpp"

#include <boost/filesystem/operations.hpp>
#include <algorithm>
#include <atomic>
#include <functional>
#include <cmath>
#include <memory>
#include <optional>
#include <thread>

#include "block_queue.hpp"
#include "chain.hpp"
#include "chunked_opus.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/recorder/limiter.hpp"
#include "crosstalk/recorder/resampler.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/platform.hpp"
#include "crosstalk/version.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::recorder {

namespace {

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

// Pass 1: loudness of the source as it will be encoded (mixed down). Its
// true peak comes from the limiter's detector in pass 2, which oversamples
// anyway (libebur128's true-peak mode would double the cost of this pass).
Result<LoudnessFigures> measure(const AudioFileReader& source, int channels, int threads, Progress* progress = nullptr) {
  // One part per thread; libebur128 combines their histograms. Short files
  // in one piece: a part shorter than a 400 ms gating block would measure
  // nothing. (On long ones, the few blocks across each cut are not
  // measured: a negligible part.)
  const AudioFileInfo& info = source.info();
  const bool split = info.frames > static_cast<std::uint64_t>(info.sample_rate) * 60;
  const int parts = split ? std::max(1, threads) : 1;
  std::vector<std::optional<LoudnessMeter>> meters(static_cast<std::size_t>(parts));
  std::vector<Result<void>> results(static_cast<std::size_t>(parts));
  on_threads(parts, [&](int p) {
    const auto i = static_cast<std::size_t>(p);
    results[i] = guarded([&]() -> Result<void> {
      auto reader = source.another();
      if (!reader) return std::unexpected(reader.error());
      const Excerpt part{info.frames * i / static_cast<std::uint64_t>(parts),
                         info.frames * (i + 1) / static_cast<std::uint64_t>(parts) - info.frames * i / static_cast<std::uint64_t>(parts)};
      auto meter = LoudnessMeter::create(channels, info.sample_rate, MeterMode::Range);
      if (!meter) return std::unexpected(meter.error());
      meters[i].emplace(std::move(*meter));
      return for_each_block(*reader, channels, [&](std::span<float> pcm) {
        if (progress) progress->add(pcm.size() / static_cast<std::size_t>(channels));
        return meters[i]->add(pcm);
      }, std::span<const Excerpt>(&part, 1));
    });
  });
  for (const auto& r : results)
    if (!r) return std::unexpected(r.error());
  if (parts == 1) return meters[0]->figures();
  std::vector<LoudnessMeter*> all;
  for (auto& m : meters) all.push_back(&*m);
  return LoudnessMeter::combined(all);
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
// and of the source it played. Excerpts are shared out to the threads.
struct Rehearsal {
  double output_lufs = -HUGE_VAL;
  double source_lufs = -HUGE_VAL;
};

Result<Rehearsal> rehearse(const AudioFileReader& source, int channels, double gain_db, double ceiling,
                           const std::vector<Excerpt>& excerpts, int threads) {
  const std::size_t parts = excerpts.empty() ? 1 : std::clamp<std::size_t>(static_cast<std::size_t>(threads), 1, excerpts.size());
  std::vector<Result<ChainResult>> runs(parts);
  std::vector<std::optional<LoudnessMeter>> sources(parts);
  on_threads(static_cast<int>(parts), [&](int part) {
    const auto p = static_cast<std::size_t>(part);
    auto done = guarded([&]() -> Result<void> {
      auto reader = source.another();
      if (!reader) return std::unexpected(reader.error());
      auto meter = LoudnessMeter::create(channels, reader->info().sample_rate, MeterMode::Integrated);
      if (!meter) return std::unexpected(meter.error());
      sources[p].emplace(std::move(*meter));
      std::span<const Excerpt> mine(excerpts);
      if (parts > 1) mine = mine.subspan(excerpts.size() * p / parts, excerpts.size() * (p + 1) / parts - excerpts.size() * p / parts);
      ChainOptions o;
      o.gain_db = gain_db;
      o.ceiling_dbtp = ceiling;
      o.source_meter = &*sources[p];
      runs[p] = run_chain(*reader, channels, o, [](std::span<const float>) -> Result<void> { return {}; }, mine);
      return {};
    });
    if (!done) runs[p] = std::unexpected(done.error());
  });
  std::vector<LoudnessMeter*> outputs, inputs;
  for (std::size_t p = 0; p < parts; ++p) {
    if (!runs[p]) return std::unexpected(runs[p].error());
    outputs.push_back(&*runs[p]->output_meter);
    inputs.push_back(&*sources[p]);
  }
  return Rehearsal{LoudnessMeter::combined(outputs).integrated_lufs,
                   LoudnessMeter::combined(inputs).integrated_lufs};
}

Result<void> settle_gain(const AudioFileReader& source, int channels, double ceiling, LoudnessReport& report,
                         int threads) {
  // A limiter that will not act takes nothing (sample peak + 1 dB for what
  // lies between samples and what resampling adds).
  if (report.input.sample_peak_dbfs + report.gain_db + 1.0 < ceiling) return {};
  const double base = report.gain_db;
  const auto excerpts = rehearsal_excerpts(source.info());
  double previous_gain = 0, previous_out = 0;
  for (int round = 0; round < 2; ++round) {
    auto rehearsal = rehearse(source, channels, report.gain_db, ceiling, excerpts, threads);
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

  const int threads = options.threads > 0 ? options.threads : util::platform::usable_cores();

  // Progress in source frames: pass 1 reads the file once, pass 2 once more.
  Progress progress(options.progress, info.frames * (loudness.normalize ? 2 : 1));
  const double source_per_output = static_cast<double>(info.sample_rate) / kOpusRate / report.channels;

  // Pass 1 (normalising): measure, decide the gain, rehearse the limiter.
  if (loudness.normalize) {
    auto figures = measure(*reader, report.channels, threads, &progress);
    if (!figures) return std::unexpected(figures.error());
    lr.input = *figures;
    lr.silent = is_silent(*figures);
    lr.gain_db = normalization_gain_db(*figures, loudness, &lr.gain_capped);
    if (lr.gain_capped && loudness.quiet_input == QuietInput::Refuse)
      return bad_input(too_quiet_message(in.string(), *figures, loudness));
    lr.normalized = !lr.silent;
    if (lr.normalized)
      if (auto r = settle_gain(*reader, report.channels, ceiling, lr, threads); !r) return std::unexpected(r.error());
  }

  AudioTags tags = options.tags;
  if (tags.encoder.empty()) tags.encoder = encoder_tag();

  // Long files: the Opus stream in chunks on every core (chunked_opus.hpp).
  const bool chunked = opus && worth_chunking(info, threads);
  std::optional<ChunkPlan> plan;
  if (chunked) {
    auto p = plan_chunks(*reader, report.channels, threads);
    if (!p) return std::unexpected(p.error());
    plan = std::move(*p);
  }

  std::unique_ptr<Output> opus_out, mp3_out;
  EncoderSettings settings;
  settings.channels = report.channels;
  settings.bitrate = report.bitrate;
  settings.input_rate = static_cast<std::uint32_t>(info.sample_rate);
  settings.lsb_depth = info.bits;
  std::optional<OggOpusWriter> writer;
  std::optional<OggOpusMuxer> muxer;
  std::optional<Mp3Writer> mp3_writer;
  if (opus) {
    auto o = open_output(out);
    if (!o) return std::unexpected(o.error());
    opus_out = std::move(*o);
    std::vector<Comment> comments{{"ENCODER", tags.encoder}};
    if (!tags.title.empty()) comments.push_back({"TITLE", tags.title});
    if (chunked) {
      auto probe = OpusFrameEncoder::create(settings);
      if (!probe) return std::unexpected(probe.error());
      auto m = OggOpusMuxer::create(settings, probe->lookahead(), std::move(comments), opus_out->sink);
      if (!m) return std::unexpected(m.error());
      muxer.emplace(std::move(*m));
    } else {
      auto w = OggOpusWriter::create(settings, std::move(comments), opus_out->sink);
      if (!w) return std::unexpected(w.error());
      writer.emplace(std::move(*w));
    }
  }
  if (mp3) {
    auto o = open_output(options.mp3_path);
    if (!o) return std::unexpected(o.error());
    mp3_out = std::move(*o);
    Mp3Settings mp3_settings;
    mp3_settings.channels = report.channels;
    mp3_settings.bitrate_kbps =
        options.mp3_bitrate_kbps > 0 ? options.mp3_bitrate_kbps : default_mp3_bitrate_kbps(report.channels);
    auto w = Mp3Writer::create(mp3_settings, mp3_out->sink);
    if (!w) return std::unexpected(w.error());
    mp3_writer.emplace(std::move(*w));
  }

  ChainOptions chain_options;
  chain_options.gain_db = lr.gain_db;
  if (lr.normalized) chain_options.ceiling_dbtp = ceiling;
  Result<ChainResult> chain;
  Result<void> mp3_written;
  auto to_mp3 = [&](std::span<const float> pcm) -> Result<void> {
    mp3_written = mp3_writer->write(pcm);
    if (!opus) progress.add(static_cast<std::uint64_t>(static_cast<double>(pcm.size()) * source_per_output));
    return mp3_written;
  };
  if (chunked) {
    // The MP3 (LAME's bit reservoir crosses frames: not cut) is one stream
    // of its own beside the Opus chunks, on its own thread.
    // It holds one core while it runs: one Opus worker fewer meanwhile,
    // the others take all the cores once it is done (on 2 cores, 3 busy
    // threads made the MP3, the longest serial job, the last to finish).
    std::optional<std::thread> mp3_thread;
    Result<ChainResult> mp3_chain;
    std::atomic<int> mp3_busy{mp3 ? 1 : 0};
    if (mp3)
      mp3_thread.emplace(i18n::in_this_language([&] {
        auto done = guarded([&]() -> Result<void> {
          mp3_chain = run_chain(*reader, report.channels, chain_options, to_mp3);
          return {};
        });
        if (!done) mp3_chain = std::unexpected(done.error());
        mp3_busy.store(0, std::memory_order_release);
      }));
    double spliced_before = 0;
    auto chunks = encode_chunks(*reader, report.channels, chain_options, settings, *plan, threads, *muxer,
                                [&](double f) {
                                  progress.add(static_cast<std::uint64_t>((f - spliced_before) * static_cast<double>(info.frames)));
                                  spliced_before = f;
                                },
                                &mp3_busy);
    if (mp3_thread) mp3_thread->join();
    if (!chunks) return std::unexpected(chunks.error());
    if (mp3 && !mp3_chain) return std::unexpected(mp3_chain.error());
    report.stream = chunks->stream;
    report.threads = threads;
    report.cuts.assign(plan->cuts.begin() + 1, plan->cuts.end() - 1);
    chain = std::move(chunks->chain);
  } else {
    // Pass 2 on both cores: a helper thread reads, resamples, limits and
    // meters, hands each block to this thread, which encodes Opus (the slow
    // part), and then encodes the same block as MP3 itself. Two busy threads
    // for two cores: a third, MP3-only thread would take turns with the Opus
    // encoder, the stage everything waits for (measured: 1.19x the time of
    // an Opus-only import, against 1.0x; BENCHMARKS.md).
    BlockQueue opus_queue(64);  // ~5 s of audio: absorbs the two threads' jitter
    std::thread dsp(i18n::in_this_language([&] {
      auto done = guarded([&]() -> Result<void> {
        chain = run_chain(*reader, report.channels, chain_options, [&](std::span<const float> pcm) -> Result<void> {
          if (opus && !opus_queue.push(std::vector<float>(pcm.begin(), pcm.end())))
            return failure("encoding stopped");
          return mp3 ? to_mp3(pcm) : Result<void>{};
        });
        return {};
      });
      if (!done) chain = std::unexpected(done.error());
      if (!mp3_written) opus_queue.cancel();
      opus_queue.close();
    }));
    Result<void> written;
    if (opus)
      written = guarded([&]() -> Result<void> {
        Result<void> w;
        for (std::vector<float> block; opus_queue.pop(block);) {
          w = writer->write(block);
          progress.add(static_cast<std::uint64_t>(static_cast<double>(block.size()) * source_per_output));
          if (!w) opus_queue.cancel();
        }
        return w;
      });
    dsp.join();
    if (!written) return std::unexpected(written.error());
  }
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
  if (writer) {
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
  return measure(*reader, reader->info().channels, util::platform::usable_cores());
}

Result<EncodeReport> encode_mp3_file(const fs::path& in, const EncodeOptions& options) {
  if (options.mp3_path.empty()) return bad_input("no MP3 file named");
  return encode(in, fs::path(), options);
}

}  // namespace crosstalk::recorder
