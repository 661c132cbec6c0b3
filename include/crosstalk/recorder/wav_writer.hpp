// A lossless copy of a live recording (WAV, 24-bit, the device's rate) kept
// in the spool beside the Opus file, so loudness normalisation after stop
// works from the original samples rather than from decoded Opus. Written
// through libsndfile.
#pragma once

#include <memory>
#include <span>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

class WavWriter {
 public:
  static Result<WavWriter> create(const boost::filesystem::path& path, int rate, int channels);
  WavWriter(WavWriter&&) noexcept;
  WavWriter& operator=(WavWriter&&) noexcept;
  ~WavWriter();

  Result<void> write(std::span<const float> interleaved);
  Result<void> close();  // writes the final header sizes

 private:
  struct Impl;
  explicit WavWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crosstalk::recorder
