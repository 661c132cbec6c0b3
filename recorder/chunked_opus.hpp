// The Opus stream of a long file encoded in chunks, one thread per core,
// spliced into one RFC 7845 stream. Internal to crosstalk::recorder.
//
// Each chunk ends where the next begins, at the quietest 20 ms frame within
// kCutSearchSeconds of its share of the file. A chunk's encoder starts at
// least kPrerollSeconds earlier on the same audio (through the same chain:
// gain, resampler, limiter), so its state has converged at the cut; those
// packets are thrown away. Cuts fall on the sequential encoder's 20 ms grid,
// so the packets, granules, pre-skip and end trimming are exactly those of
// a sequential encode. Chunks are read from the file (each thread opens its
// own reader and seeks); finished chunks wait in memory for their turn,
// at most `threads + 1` of them: memory does not grow with the file.
#pragma once

#include <atomic>
#include <functional>

#include "chain.hpp"
#include "crosstalk/recorder/ogg_opus_writer.hpp"

namespace crosstalk::recorder {

inline constexpr double kChunkedMinSeconds = 60.0;   // shorter files: one stream
inline constexpr double kChunkSeconds = 120.0;       // about; a multiple of the threads
inline constexpr double kMinChunkSeconds = 20.0;
inline constexpr double kPrerollSeconds = 1.0;
inline constexpr double kCutSearchSeconds = 1.5;
// Whether the first kept frame of a chunk is coded without inter-frame
// prediction (OPUS_SET_PREDICTION_DISABLED). Measured (bench/splice_quality.py,
// 4 threads, 90 s sine sweep 20 Hz-16 kHz): with it the worst splice's SNR
// is 1.16 dB under the one-stream encode's (0.98 dB with 2 s of pre-roll):
// an intra-coded frame of a tone costs bits; without it 0.38 dB, and no
// larger sample step (x1.000) on the sweep, pink noise or speech. So off.
inline constexpr bool kIntraAtCut = false;

// Where the chunks meet and where each one's encoder starts, in 48 kHz
// samples of the output (cuts[0] = 0, cuts.back() = the output's length).
struct ChunkPlan {
  std::vector<std::uint64_t> cuts;
  std::vector<std::uint64_t> starts;  // cuts[k] minus the pre-roll, on the reader's grid
  std::uint64_t output_samples = 0;
};

// Whether `info` is worth chunking on `threads` threads.
bool worth_chunking(const AudioFileInfo& info, int threads);

Result<ChunkPlan> plan_chunks(const AudioFileReader& source, int channels, int threads);

struct ChunkedResult {
  EncodeSummary stream;
  ChainResult chain;  // the limiter's figures and output loudness over all chunks
};

// Encodes `plan` into `muxer` (made with the encoder's pre-skip) and
// finishes it.
// `spliced` hears, after each chunk is in the stream, how much of the
// output is (0..1). `busy_elsewhere`: how many of the `threads` cores
// another job of the same encode holds now (the MP3 rendition's one stream,
// which cannot be cut): that many workers wait before taking a chunk, so
// the serial job is not slowed by more runnable threads than cores.
Result<ChunkedResult> encode_chunks(const AudioFileReader& source, int channels, const ChainOptions& chain,
                                    const EncoderSettings& settings, const ChunkPlan& plan, int threads,
                                    OggOpusMuxer& muxer, const std::function<void(double)>& spliced = {},
                                    const std::atomic<int>* busy_elsewhere = nullptr);

}  // namespace crosstalk::recorder
