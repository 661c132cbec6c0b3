// An MP3 file's length and format without decoding: TagLib reads the
// Xing/LAME info frame's frame count (so the length includes LAME's encoder
// delay and padding: at most two MPEG frames more than the audio).
#pragma once

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

struct Mp3Probe {
  int sample_rate = 0;
  int channels = 0;
  int bitrate_kbps = 0;
  double length_seconds = 0;
  double seconds() const { return length_seconds; }
};

// Frames of padding and delay the length may include (see above).
inline constexpr double kMp3LengthSlackFrames = 3;

Result<Mp3Probe> probe_mp3(const boost::filesystem::path& path);

}  // namespace crosstalk::recorder
