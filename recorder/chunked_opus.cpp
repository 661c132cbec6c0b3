// encode_chunks: plans the cuts, encodes the chunks on worker threads and
// splices their packets in order into one Ogg Opus stream
// (recorder/chunked_opus.hpp says how and why).
#include "chunked_opus.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include "crosstalk/i18n/i18n.hpp"

namespace crosstalk::recorder {

namespace {

constexpr std::uint64_t kRate48 = kOpusRate;
constexpr std::uint64_t kFrame = kFrameSamples;
constexpr std::uint64_t kRunout = kRate48 / 4;  // chain past a chunk's end: resampler and limiter see what follows

// The 48 kHz timeline against the source's: positions on the grid (a
// multiple of 20 ms and of the resampler's period) are whole source frames.
struct Timeline {
  std::uint64_t rate = kRate48;
  std::uint64_t grid = kFrame;  // 48 kHz samples
  explicit Timeline(int source_rate) : rate(static_cast<std::uint64_t>(source_rate)) {
    const std::uint64_t period = kRate48 / std::gcd(rate, kRate48);
    grid = std::lcm(kFrame, period);
  }
  std::uint64_t source_at(std::uint64_t out_on_grid) const { return out_on_grid / grid * (grid * rate / kRate48); }
  std::uint64_t source_floor(double out) const { return static_cast<std::uint64_t>(std::max(0.0, out * static_cast<double>(rate) / kRate48)); }
  std::uint64_t source_ceil(double out) const { return static_cast<std::uint64_t>(std::ceil(out * static_cast<double>(rate) / kRate48)); }
};

std::uint64_t output_length(const AudioFileInfo& info) {
  if (info.sample_rate == kOpusRate) return info.frames;
  // As Resampler::flush counts it.
  return static_cast<std::uint64_t>(std::llround(static_cast<double>(info.frames) * (kRate48 / static_cast<double>(info.sample_rate))));
}

std::size_t chunk_count(std::uint64_t output, int threads) {
  const auto t = static_cast<std::uint64_t>(threads);
  const auto each = static_cast<std::uint64_t>(kChunkSeconds * kRate48);
  std::uint64_t n = t * ((output + t * each - 1) / (t * each));
  n = std::min<std::uint64_t>(n, output / static_cast<std::uint64_t>(kMinChunkSeconds * kRate48));
  return static_cast<std::size_t>(n);
}

// The cut near `nominal`: the 20 ms frame boundary (of the 48 kHz grid)
// whose first kept packet (it decodes the audio from pre-skip before the cut
// to a frame after it, plus the codec's 2.5 ms overlap) holds the least
// energy in the source.
Result<std::uint64_t> quietest_cut(AudioFileReader& reader, int channels, const Timeline& t,
                                   std::uint64_t nominal, std::uint16_t pre_skip) {
  const auto search = static_cast<std::uint64_t>(kCutSearchSeconds * kRate48);
  const std::uint64_t first = (nominal - search) / kFrame * kFrame, last = (nominal + search) / kFrame * kFrame;
  const double before = pre_skip + 120.0, after = kFrame - pre_skip;
  const std::uint64_t from = t.source_floor(static_cast<double>(first) - before);
  const std::uint64_t to = std::min(t.source_ceil(static_cast<double>(last) + after) + 1, reader.info().frames);
  std::vector<double> energy{0.0};  // prefix sums from `from`
  const Excerpt window{from, to - from};
  auto read = for_each_block(reader, channels, [&](std::span<float> pcm) -> Result<void> {
    for (float v : pcm) energy.push_back(energy.back() + static_cast<double>(v) * v);
    return {};
  }, std::span<const Excerpt>(&window, 1));
  if (!read) return std::unexpected(read.error());
  const auto ch = static_cast<std::size_t>(channels);
  auto at = [&](std::uint64_t src) { return energy[std::min<std::size_t>((src - from) * ch, energy.size() - 1)]; };
  std::uint64_t best = nominal / kFrame * kFrame;
  double best_energy = std::numeric_limits<double>::infinity();
  for (std::uint64_t c = first; c <= last; c += kFrame) {
    const std::uint64_t lo = std::max(from, t.source_floor(static_cast<double>(c) - before));
    const std::uint64_t hi = std::max(lo + 1, t.source_ceil(static_cast<double>(c) + after));
    const double e = at(hi) - at(lo);
    const auto distance = [&](std::uint64_t x) { return x > nominal ? x - nominal : nominal - x; };
    if (e < best_energy || (e == best_energy && distance(c) < distance(best))) {
      best = c;
      best_energy = e;
    }
  }
  return best;
}

// One chunk's kept packets, back to back.
struct ChunkPackets {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint32_t> sizes;
  bool done = false;
};

// What a worker keeps across its chunks.
struct Worker {
  std::optional<AudioFileReader> reader;
  std::optional<LoudnessMeter> meter;
  ChainResult figures;
  bool ran = false;
};

}  // namespace

bool worth_chunking(const AudioFileInfo& info, int threads) {
  if (threads < 2 || info.sample_rate <= 0) return false;
  const std::uint64_t output = output_length(info);
  return output > static_cast<std::uint64_t>(kChunkedMinSeconds * kRate48) && chunk_count(output, threads) >= 2;
}

Result<ChunkPlan> plan_chunks(const AudioFileReader& source, int channels, int threads) {
  const AudioFileInfo& info = source.info();
  const Timeline t(info.sample_rate);
  ChunkPlan plan;
  plan.output_samples = output_length(info);
  const std::size_t chunks = chunk_count(plan.output_samples, threads);
  if (chunks < 2) return failure("encoding: too short to cut into chunks");
  EncoderSettings settings;
  settings.channels = channels;
  auto probe = OpusFrameEncoder::create(settings);
  if (!probe) return std::unexpected(probe.error());
  const std::uint16_t pre_skip = probe->lookahead();
  plan.cuts.assign(chunks + 1, 0);
  plan.cuts.back() = plan.output_samples;
  // The cuts are searched for on the threads (each reads a few seconds
  // around its cuts).
  const auto searchers = std::min<std::size_t>(static_cast<std::size_t>(threads), chunks - 1);
  std::vector<Result<void>> results(searchers);
  on_threads(static_cast<int>(searchers), [&](int p) {
    const auto i = static_cast<std::size_t>(p), n = searchers;
    results[i] = guarded([&]() -> Result<void> {
      auto reader = source.another();
      if (!reader) return std::unexpected(reader.error());
      for (std::size_t k = 1 + (chunks - 1) * i / n; k < 1 + (chunks - 1) * (i + 1) / n; ++k) {
        auto cut = quietest_cut(*reader, channels, t, plan.output_samples * k / chunks, pre_skip);
        if (!cut) return std::unexpected(cut.error());
        plan.cuts[k] = *cut;
      }
      return {};
    });
  });
  for (const auto& r : results)
    if (!r) return std::unexpected(r.error());
  const auto preroll = static_cast<std::uint64_t>(kPrerollSeconds * kRate48);
  for (std::size_t k = 0; k < chunks; ++k)
    plan.starts.push_back(k == 0 ? 0 : (plan.cuts[k] - std::min(plan.cuts[k], preroll)) / t.grid * t.grid);
  return plan;
}

namespace {

// Encodes chunk k: the chain from its start (pre-roll) to its end plus the
// run-out; packets before the cut are thrown away.
Result<void> encode_chunk(const ChunkPlan& plan, std::size_t k, int channels, const ChainOptions& chain,
                          const EncoderSettings& settings, Worker& w, ChunkPackets& out) {
  const Timeline t(w.reader->info().sample_rate);
  const bool last = k + 1 == plan.cuts.size() - 1;
  const std::uint64_t start = plan.starts[k], cut = plan.cuts[k], end = plan.cuts[k + 1];
  const std::uint64_t from = t.source_at(start);
  const std::uint64_t frames = w.reader->info().frames;
  const std::uint64_t to = last ? frames : std::min(frames, t.source_ceil(static_cast<double>(end + kRunout)) + 1);
  const Excerpt excerpt{from, to - from};

  auto encoder = OpusFrameEncoder::create(settings);
  if (!encoder) return std::unexpected(encoder.error());
  const auto ch = static_cast<std::size_t>(channels);
  std::vector<float> frame(kFrame * ch, 0.0f);
  std::size_t fill = 0;
  const std::uint64_t wanted = (last ? plan.output_samples : end) - start;  // samples to encode
  const std::uint64_t keep_from = (cut - start) / kFrame;                    // first kept frame
  std::uint64_t fed = 0, coded = 0;
  auto encode_frame = [&]() -> Result<void> {
    const bool first_kept = kIntraAtCut && k > 0 && coded == keep_from;
    if (first_kept) encoder->set_prediction(false);
    auto packet = encoder->encode(frame);
    if (first_kept) encoder->set_prediction(true);
    if (!packet) return std::unexpected(packet.error());
    if (coded++ >= keep_from) {
      out.bytes.insert(out.bytes.end(), packet->begin(), packet->end());
      out.sizes.push_back(static_cast<std::uint32_t>(packet->size()));
    }
    fill = 0;
    return {};
  };
  ChainOptions o = chain;
  o.meter_from = cut - start;
  o.meter_to = end - start;
  o.output_meter = w.meter ? &*w.meter : nullptr;
  auto figures = run_chain(*w.reader, channels, o, [&](std::span<const float> pcm) -> Result<void> {
    for (std::size_t at = 0; at < pcm.size() && fed < wanted;) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>({(pcm.size() - at) / ch, kFrame - fill, wanted - fed}));
      std::copy_n(pcm.begin() + static_cast<std::ptrdiff_t>(at), take * ch, frame.begin() + static_cast<std::ptrdiff_t>(fill * ch));
      at += take * ch;
      fill += take;
      fed += take;
      if (fill == kFrame)
        if (auto r = encode_frame(); !r) return r;
    }
    return {};
  }, std::span<const Excerpt>(&excerpt, 1));
  if (!figures) return std::unexpected(figures.error());
  if (fed != wanted)
    return failure("encoding: chunk " + std::to_string(k + 1) + " got " + std::to_string(fed) + " of " +
                   std::to_string(wanted) + " samples");
  if (last) {  // pad, as OggOpusWriter::finish does: packets cover the input + pre-skip
    const std::uint64_t frames_needed = (plan.output_samples + encoder->lookahead() + kFrame - 1) / kFrame - start / kFrame;
    while (coded < frames_needed) {
      std::fill(frame.begin() + static_cast<std::ptrdiff_t>(fill * ch), frame.end(), 0.0f);
      if (auto r = encode_frame(); !r) return r;
    }
  }
  ChainResult& f = w.figures;
  f.limited_db = std::min(f.limited_db, figures->limited_db);
  f.peak_dbtp = std::max(f.peak_dbtp, figures->peak_dbtp);
  f.peak_in_dbtp = std::max(f.peak_in_dbtp, figures->peak_in_dbtp);
  w.ran = true;
  return {};
}

}  // namespace

Result<ChunkedResult> encode_chunks(const AudioFileReader& source, int channels, const ChainOptions& chain,
                                    const EncoderSettings& settings, const ChunkPlan& plan, int threads,
                                    OggOpusMuxer& muxer, const std::function<void(double)>& spliced,
                                    const std::atomic<int>* busy_elsewhere) {
  const std::size_t chunks = plan.cuts.size() - 1;
  std::vector<ChunkPackets> packets(chunks);
  std::vector<Worker> workers(std::min<std::size_t>(static_cast<std::size_t>(threads), chunks));
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next = 0, written = 0;
  std::optional<Error> error;
  auto fail = [&](Error e) {
    std::lock_guard lock(mutex);
    if (!error) error = std::move(e);
    changed.notify_all();
  };
  auto work = [&](std::size_t i) {
    Worker& w = workers[i];
    auto done = guarded([&]() -> Result<void> {
      auto reader = source.another();
      if (!reader) return std::unexpected(reader.error());
      w.reader.emplace(std::move(*reader));
      if (chain.ceiling_dbtp) {
        auto meter = LoudnessMeter::create(channels, kOpusRate, chain.meter_mode);
        if (!meter) return std::unexpected(meter.error());
        w.meter.emplace(std::move(*meter));
      }
      for (;;) {
        std::size_t k;
        {
          // At most threads + 1 chunks ahead of the one being written.
          std::unique_lock lock(mutex);
          auto may_start = [&] { return error || next >= chunks || next <= written + workers.size(); };
          // Workers beyond the cores left free by other work wait (polled:
          // that work ends on its own thread, without this mutex).
          auto core_free = [&] {
            const int busy = busy_elsewhere ? busy_elsewhere->load(std::memory_order_acquire) : 0;
            return i == 0 || static_cast<int>(i) < static_cast<int>(workers.size()) - busy;
          };
          while (!changed.wait_for(lock, std::chrono::milliseconds(20), [&] { return error || (may_start() && core_free()); })) {
          }
          if (error || next >= chunks) return {};
          k = next++;
        }
        if (auto r = encode_chunk(plan, k, channels, chain, settings, w, packets[k]); !r) return r;
        std::lock_guard lock(mutex);
        packets[k].done = true;
        changed.notify_all();
      }
    });
    if (!done) fail(done.error());
  };
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < workers.size(); ++i) pool.emplace_back(i18n::in_this_language(work), i);
  // This thread splices: each chunk's packets, in order, as soon as it is done.
  for (std::size_t k = 0; k < chunks; ++k) {
    ChunkPackets ready;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return error || packets[k].done; });
      if (error) break;
      ready = std::move(packets[k]);
    }
    std::size_t at = 0;
    for (std::uint32_t size : ready.sizes) {
      if (auto r = muxer.add(std::span(ready.bytes).subspan(at, size)); !r) {
        fail(r.error());
        break;
      }
      at += size;
    }
    if (spliced && plan.output_samples > 0)
      spliced(static_cast<double>(std::min(plan.cuts[k + 1], plan.output_samples)) / static_cast<double>(plan.output_samples));
    std::lock_guard lock(mutex);
    written = k + 1;
    changed.notify_all();
  }
  for (auto& t : pool) t.join();
  if (error) return std::unexpected(*error);
  auto stream = muxer.finish(plan.output_samples);
  if (!stream) return std::unexpected(stream.error());
  ChunkedResult result;
  result.stream = *stream;
  std::vector<LoudnessMeter*> meters;
  for (Worker& w : workers) {
    if (!w.ran) continue;
    if (w.meter) meters.push_back(&*w.meter);
    ChainResult& f = result.chain;
    f.limited_db = std::min(f.limited_db, w.figures.limited_db);
    f.peak_dbtp = std::max(f.peak_dbtp, w.figures.peak_dbtp);
    f.peak_in_dbtp = std::max(f.peak_in_dbtp, w.figures.peak_in_dbtp);
  }
  if (!meters.empty()) result.chain.output_lufs = LoudnessMeter::combined(meters).integrated_lufs;
  return result;
}

}  // namespace crosstalk::recorder
