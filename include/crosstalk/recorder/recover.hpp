// `crosstalk recover`: a recording cut short (kill -9, power cut) ends at
// its last complete Ogg page; recover keeps every complete page up to there,
// drops a trailing half packet, marks the last page end-of-stream and
// replaces the file atomically, so it is a complete, valid Ogg Opus file.
#pragma once

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

struct RecoverReport {
  bool was_complete = false;  // it already ended with an end-of-stream page
  std::uint64_t pages = 0;
  std::uint64_t bytes_dropped = 0;  // of a torn last page
  double seconds = 0;
};

Result<RecoverReport> recover_opus(const boost::filesystem::path& file);

// What recover_opus would keep, the file left as it is (it needs no disk
// space): an error when no audio can be recovered.
Result<RecoverReport> inspect_recording(const boost::filesystem::path& file);

// A live recording's lossless WAV copy cut short: its RIFF and data sizes
// set to the whole frames in the file (a torn last frame dropped), so it
// reads as what was recorded. The two size fields are rewritten in place
// (an 8-byte change in the first block; copying the whole file would need
// 18 times the Opus file's room). `pages` is unused.
Result<RecoverReport> recover_wav(const boost::filesystem::path& file);

}  // namespace crosstalk::recorder
