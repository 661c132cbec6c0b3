// Reads WAV, FLAC and AIFF files through libsndfile as interleaved float,
// block by block (never the whole file), with the checks that turn a bad
// file into one clear message.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

struct AudioFileInfo {
  int sample_rate = 0;
  int channels = 0;
  std::uint64_t frames = 0;  // per channel
  int bits = 24;             // significant bits (16 for 16-bit PCM, 24 for float)
  std::string format;        // e.g. "WAV 16-bit"
};

inline constexpr int kMinInputRate = 8000;
inline constexpr int kMaxInputRate = 192000;
inline constexpr int kMaxInputChannels = 8;

class AudioFileReader {
 public:
  static Result<AudioFileReader> open(const boost::filesystem::path& path);
  AudioFileReader(AudioFileReader&&) noexcept;
  AudioFileReader& operator=(AudioFileReader&&) noexcept;
  ~AudioFileReader();

  const AudioFileInfo& info() const;
  // Fills `out` (a multiple of channels) and returns the frames read; 0 at the
  // end. A file shorter than its header says is an error, not a quiet end.
  Result<std::size_t> read(std::span<float> out);
  // Continues reading at `frame` (0 … frames).
  Result<void> seek(std::uint64_t frame);

 private:
  struct Impl;
  explicit AudioFileReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crosstalk::recorder
