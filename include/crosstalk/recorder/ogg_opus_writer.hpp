// A streaming Ogg Opus encoder (RFC 7845) on libopus + libogg.
//
// Lifecycle, like libopusenc: create(settings, comments, sink) → write(PCM)
// any number of times → finish(), which pads, trims the end exactly, sets EOS
// and can fail. The destructor only frees: it never finishes a stream. After
// any error every later call returns that same error (sticky failure).
//
// Pages are handed to the sink as soon as they are complete, and a page is
// forced out at least every `max_page_ms` of audio, so a crash loses at most
// that much.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/byte_sink.hpp"
#include "crosstalk/recorder/opus_header.hpp"

namespace crosstalk::recorder {

inline constexpr int kOpusRate = 48000;
inline constexpr int kFrameSamples = 960;  // 20 ms at 48 kHz

struct EncoderSettings {
  int channels = 1;                // 1 or 2
  int bitrate = 64000;             // bits per second
  std::uint32_t input_rate = kOpusRate;  // the source's rate, for OpusHead
  int complexity = 10;             // like opusenc
  int lsb_depth = 24;              // significant bits of the source (opusenc: 16 for 16-bit WAV)
  int max_page_ms = 1000;          // a page is flushed at least this often
  std::uint32_t serial = 0;        // 0: random
};

struct EncodeSummary {
  std::uint64_t input_samples = 0;  // per channel, 48 kHz
  std::uint64_t final_granule = 0;  // input_samples + pre_skip
  std::uint16_t pre_skip = 0;
  std::uint64_t packets = 0;
  std::uint64_t pages = 0;
  std::uint64_t bytes = 0;
};

// One libopus encoder set as opusenc sets it (AUDIO, the settings above):
// 20 ms frames in, one packet each out. OggOpusWriter runs one; the
// parallel file encoder runs one per chunk.
class OpusFrameEncoder {
 public:
  static Result<OpusFrameEncoder> create(const EncoderSettings& settings);
  OpusFrameEncoder(OpusFrameEncoder&&) noexcept;
  OpusFrameEncoder& operator=(OpusFrameEncoder&&) noexcept;
  ~OpusFrameEncoder();

  // kFrameSamples × channels interleaved samples → one packet, valid until
  // the next call.
  Result<std::span<const std::uint8_t>> encode(std::span<const float> frame);
  // Off: the next frames are coded without inter-frame prediction
  // (OPUS_SET_PREDICTION_DISABLED), decodable whatever came before them.
  void set_prediction(bool enabled);
  std::uint16_t lookahead() const;  // the stream's pre-skip (RFC 7845 §7)

 private:
  struct Impl;
  explicit OpusFrameEncoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// 20 ms Opus packets into Ogg pages (RFC 7845): OpusHead alone on page 0,
// OpusTags ending its page, granule = 960 × packets so far, a page at least
// every max_page_ms, and at finish() the end trimmed through the last
// granule, EOS set. Errors are sticky.
class OggOpusMuxer {
 public:
  static Result<OggOpusMuxer> create(const EncoderSettings& settings, std::uint16_t pre_skip,
                                     std::vector<Comment> comments, ByteSink& sink);
  OggOpusMuxer(OggOpusMuxer&&) noexcept;
  OggOpusMuxer& operator=(OggOpusMuxer&&) noexcept;
  ~OggOpusMuxer();

  Result<void> add(std::span<const std::uint8_t> packet);  // one 20 ms packet
  // The stream holds `input_samples` (48 kHz, per channel): the packets
  // must cover input_samples + pre_skip, by less than one packet more (a
  // mistake here is an error, not a wrong file). The last packet gets that
  // final granule and EOS.
  Result<EncodeSummary> finish(std::uint64_t input_samples);
  std::uint64_t packets() const;

 private:
  struct Impl;
  explicit OggOpusMuxer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class OggOpusWriter {
 public:
  static Result<OggOpusWriter> create(const EncoderSettings& settings,
                                      std::vector<Comment> comments, ByteSink& sink);
  OggOpusWriter(OggOpusWriter&&) noexcept;
  OggOpusWriter& operator=(OggOpusWriter&&) noexcept;
  ~OggOpusWriter();

  // Interleaved float samples at 48 kHz; size must be a multiple of channels.
  Result<void> write(std::span<const float> interleaved);
  // Pads the last frame, sets the final granule and EOS, writes the last page.
  Result<EncodeSummary> finish();

  std::uint16_t pre_skip() const;
  std::uint64_t samples_written() const;  // per channel, 48 kHz

 private:
  struct Impl;
  explicit OggOpusWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The vendor string written into OpusTags: libopus's own, e.g. "libopus 1.3.1".
std::string encoder_vendor();

}  // namespace crosstalk::recorder
