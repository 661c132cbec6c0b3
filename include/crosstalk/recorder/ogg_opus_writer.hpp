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
