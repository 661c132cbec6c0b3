// A streaming MP3 encoder on LAME, the episode's second rendition (for Apple
// Podcasts and Safari before 18.4, which cannot play Ogg Opus).
//
// Lifecycle like OggOpusWriter: create(settings, sink) → write(PCM) any
// number of times → finish(), which flushes LAME and patches the Xing/LAME
// info frame (encoder delay and padding: exact, gapless length) over the
// placeholder LAME wrote first. The destructor only frees. Errors are sticky.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/byte_sink.hpp"

namespace crosstalk::recorder {

struct Mp3Settings {
  int channels = 1;          // 1: mono, 2: joint stereo
  int bitrate_kbps = 64;     // CBR; docs/mp3.md says why
  int quality = 7;           // LAME's -q (0 best/slowest … 9 fastest); docs/mp3.md
  int sample_rate = 48000;   // of the PCM given to write(); kept as the MP3's rate
};

struct Mp3Summary {
  std::uint64_t input_samples = 0;  // per channel
  std::uint64_t bytes = 0;          // MPEG audio bytes (before any ID3 tag)
  int bitrate_kbps = 0;
};

class Mp3Writer {
 public:
  static Result<Mp3Writer> create(const Mp3Settings& settings, ByteSink& sink);
  Mp3Writer(Mp3Writer&&) noexcept;
  Mp3Writer& operator=(Mp3Writer&&) noexcept;
  ~Mp3Writer();

  // Interleaved float samples in [-1, 1]; size must be a multiple of channels.
  Result<void> write(std::span<const float> interleaved);
  Result<Mp3Summary> finish();

 private:
  struct Impl;
  explicit Mp3Writer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "LAME 3.100"
std::string mp3_encoder_vendor();

}  // namespace crosstalk::recorder
