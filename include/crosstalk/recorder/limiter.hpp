// A look-ahead true-peak limiter for 48 kHz speech: keeps the 4x-oversampled
// peak (the inter-sample peak a DAC or decoder can produce) under a ceiling
// with a 5 ms attack that ends exactly on the peak and an 80 ms release, so
// gain changes are smooth (no clicks, no pumping on speech). The same gain for
// every channel. Output sample i is input sample i times its gain; it comes
// out one look-ahead (5 ms) later, and flush() returns that tail, so output
// length == input length.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

class TruePeakLimiter {
 public:
  static Result<TruePeakLimiter> create(int channels, double ceiling_dbtp, double lookahead_ms = 5.0,
                                        double release_ms = 80.0);
  TruePeakLimiter(TruePeakLimiter&&) noexcept;
  TruePeakLimiter& operator=(TruePeakLimiter&&) noexcept;
  ~TruePeakLimiter();

  // Appends limited interleaved samples to `out` (fewer than given at first: the look-ahead).
  Result<void> process(std::span<const float> interleaved, std::vector<float>& out);
  Result<void> flush(std::vector<float>& out);

  double deepest_reduction_db() const;  // 0 when it never acted
  double peak_out_dbtp() const;         // oversampled peak of what it let through
  double peak_in_dbtp() const;          // oversampled peak of what it was given

 private:
  struct Impl;
  explicit TruePeakLimiter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crosstalk::recorder
