// The file-to-episode pipeline: read (AudioFileReader) → downmix → resample to
// 48 kHz (libsoxr) → OggOpusWriter → tag (TagLib) → atomic rename.
// `crosstalk encode` and `crosstalk import` both run it.
#pragma once

#include <functional>
#include <optional>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/audio_file_reader.hpp"
#include "crosstalk/recorder/audio_tags.hpp"
#include "crosstalk/recorder/loudness.hpp"
#include "crosstalk/recorder/mp3_writer.hpp"
#include "crosstalk/recorder/ogg_opus_writer.hpp"

namespace crosstalk::recorder {

struct EncodeOptions {
  int channels = 1;    // speech defaults to mono; 2 keeps a stereo source stereo
  int bitrate = 0;     // bits/s; 0: 64 kbit/s mono, 96 kbit/s stereo (as opusenc)
  AudioTags tags;      // ENCODER is filled in when empty
  LoudnessSettings loudness;  // normalised by default (two passes over the file)
  // The MP3 rendition, made from the same PCM in the same pass (its own
  // thread beside the Opus encoder); empty path: none.
  boost::filesystem::path mp3_path;
  int mp3_bitrate_kbps = 0;  // 0: 64 kbit/s mono, 96 stereo
  // Hears how far the whole job is (0..1: measuring, then encoding), about
  // every percent, from whichever worker thread gets there; must be cheap
  // and thread-safe (e.g. store into an atomic). Empty: nobody asks.
  std::function<void(double fraction)> progress;
  // Threads for the loudness passes and, on files longer than a minute,
  // the Opus stream in chunks spliced into one (recorder/chunked_opus.hpp).
  // 0: the cores this process may use; 1: one stream, as the live path.
  int threads = 0;
};

// The limiter's ceiling sits this far under the true-peak target: Opus
// coding moves peaks by a fraction of a dB, and the target is for the
// decoded episode.
inline constexpr double kCodecHeadroomDb = 1.0;

struct EncodeReport {
  AudioFileInfo input;
  int channels = 1;
  int bitrate = 0;
  EncodeSummary stream;
  std::uint64_t file_bytes = 0;
  LoudnessReport loudness;
  std::optional<Mp3Summary> mp3;     // when an MP3 was asked for
  std::uint64_t mp3_file_bytes = 0;  // with its ID3 tag
  int threads = 1;                   // used for the Opus stream
  std::vector<std::uint64_t> cuts;   // where its chunks were spliced (48 kHz samples); none: one stream
  double seconds() const { return static_cast<double>(stream.input_samples) / kOpusRate; }
};

int default_bitrate(int channels);
std::string encoder_tag();  // "crosstalk 0.1.0 (libopus 1.3.1)"

// Writes `out` atomically: on any failure nothing is left behind and an
// existing `out` is untouched. With normalisation, the file is read twice:
// pass 1 measures (libebur128), pass 2 applies the gain, limits true peaks
// and encodes; memory stays flat either way.
Result<EncodeReport> encode_file(const boost::filesystem::path& in,
                                 const boost::filesystem::path& out, const EncodeOptions& options);

// The MP3 rendition alone (options.mp3_path), e.g. of an episode imported
// before renditions existed, from its Opus file. Same pipeline and tags.
Result<EncodeReport> encode_mp3_file(const boost::filesystem::path& in, const EncodeOptions& options);

int default_mp3_bitrate_kbps(int channels);

// The integrated loudness (and range, sample peak) of an audio file as it
// is, all its channels measured (e.g. an episode's Opus file).
Result<LoudnessFigures> measure_loudness(const boost::filesystem::path& path);

}  // namespace crosstalk::recorder
