// Reads audio files as interleaved float, block by block (never the whole
// file): WAV, FLAC, AIFF and Ogg Vorbis/Opus through libsndfile; MP3,
// M4A (AAC, ALAC), WMA and the sound of MP4/MOV/MKV/WebM videos through
// FFmpeg's libraries, exact in length (encoder delay and padding dropped as
// the file declares them). A bad file becomes one clear message.
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
  std::string format;        // e.g. "WAV 16-bit", "AAC in MP4"
  std::string title, artist; // the file's own tags, when it has them
  int audio_streams = 1;     // in the file; the first is the one read
};

inline constexpr int kMinInputRate = 8000;
inline constexpr int kMaxInputRate = 192000;
inline constexpr int kMaxInputChannels = 8;

class AudioFileReader {
 public:
  static Result<AudioFileReader> open(const boost::filesystem::path& path);
  // The same file again from its start, with the same info and without
  // probing it again (FFmpeg inputs are decoded once at open to learn their
  // exact length): the encoder reads a file several times, on two threads.
  Result<AudioFileReader> another() const;
  AudioFileReader(AudioFileReader&&) noexcept;
  AudioFileReader& operator=(AudioFileReader&&) noexcept;
  ~AudioFileReader();

  const AudioFileInfo& info() const;
  // Fills `out` (a multiple of channels) and returns the frames read; 0 at the
  // end. A file shorter than its header says is an error, not a quiet end.
  Result<std::size_t> read(std::span<float> out);
  // Continues reading at `frame` (0 … frames). FFmpeg inputs decode their
  // way there (exact, at the cost of decoding what is skipped).
  Result<void> seek(std::uint64_t frame);

 private:
  struct Impl;
  explicit AudioFileReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The title and artist tags of an input file, read without decoding it
// (the defaults `import` offers); the file's problems as open() says them.
struct InputTags {
  std::string title, artist;
};
Result<InputTags> read_input_tags(const boost::filesystem::path& path);

}  // namespace crosstalk::recorder
