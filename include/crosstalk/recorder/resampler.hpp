// Sample-rate conversion to 48 kHz through libsoxr, streaming. The output
// length is exact: round(input frames × 48000 / input rate), so the encoded
// episode is as long as the source.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

class Resampler {
 public:
  static Result<Resampler> create(double input_rate, double output_rate, int channels);
  Resampler(Resampler&&) noexcept;
  Resampler& operator=(Resampler&&) noexcept;
  ~Resampler();

  // Converts a block; the returned span is valid until the next call.
  Result<std::span<const float>> process(std::span<const float> interleaved);
  // Returns the rest, padded or cut so the total is exactly as long as it should be.
  Result<std::span<const float>> flush();

 private:
  struct Impl;
  explicit Resampler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crosstalk::recorder
