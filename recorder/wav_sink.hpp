// What WavWriter writes through: libsndfile's WAV, made in the libsndfile
// module (sndfile_wav.cpp) and reached through sndfile_module.cpp.
#pragma once

#include <memory>
#include <span>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

class WavSink {
 public:
  virtual ~WavSink() = default;
  virtual Result<void> write(std::span<const float> interleaved) = 0;
  virtual Result<void> close() = 0;  // writes the final header sizes
};

// A new 24-bit WAV at `path`, through the module.
Result<std::unique_ptr<WavSink>> create_wav_with_sndfile(const boost::filesystem::path& path,
                                                         int rate, int channels);

}  // namespace crosstalk::recorder
