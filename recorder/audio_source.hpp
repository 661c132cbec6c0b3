// The decoders behind AudioFileReader: libsndfile where it is exact
// (WAV, FLAC, AIFF, Ogg Vorbis and Opus) and FFmpeg's libraries for the
// rest (MP3, AAC/ALAC in M4A and MP4/MOV, Matroska/WebM, WMA, …).
// AudioFileReader makes the checks common to both.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/audio_file_reader.hpp"

namespace crosstalk::recorder {

class AudioSource {
 public:
  virtual ~AudioSource() = default;
  // Interleaved float; the frames read, 0 at the end.
  virtual Result<std::size_t> read(std::span<float> out) = 0;
  virtual Result<void> seek(std::uint64_t frame) = 0;
  // The same file from its start, its info reused (not probed again).
  virtual Result<std::unique_ptr<AudioSource>> another() const = 0;
  const AudioFileInfo& info() const { return info_; }

 protected:
  AudioFileInfo info_;
};

// nullptr: not a format libsndfile reads for us (FFmpeg's turn).
Result<std::unique_ptr<AudioSource>> open_with_sndfile(const std::string& path);
// Decodes the whole file once to learn its exact length (and find damage
// before any work is done); reads are streamed, a frame at a time.
Result<std::unique_ptr<AudioSource>> open_with_ffmpeg(const std::string& path);
// What FFmpeg learns on opening the file (frames: 0, not counted).
Result<AudioFileInfo> probe_with_ffmpeg(const std::string& path);

}  // namespace crosstalk::recorder
