// Reads an Ogg Opus file's header and last granule, page by page, to learn
// its duration without decoding (duration = (last granule - pre-skip) / 48000).
#pragma once

#include <cstdint>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/opus_header.hpp"

namespace crosstalk::recorder {

struct OpusProbe {
  OpusHead head;
  std::int64_t last_granule = 0;
  bool has_eos = false;
  std::uint64_t pages = 0;
  double seconds() const {
    return last_granule > head.pre_skip ? static_cast<double>(last_granule - head.pre_skip) / 48000.0 : 0.0;
  }
};

Result<OpusProbe> probe_opus(const boost::filesystem::path& path);

}  // namespace crosstalk::recorder
