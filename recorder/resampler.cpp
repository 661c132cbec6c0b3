// libsoxr (high quality) with exact output length accounting.
#include "crosstalk/recorder/resampler.hpp"

#include <soxr.h>

#include <cmath>

namespace crosstalk::recorder {

struct Resampler::Impl {
  soxr_t soxr = nullptr;
  int channels = 1;
  double ratio = 1.0;
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
  std::vector<float> out;
  ~Impl() {
    if (soxr) soxr_delete(soxr);
  }

  Result<std::size_t> run(const float* in, std::size_t in_frames, std::size_t capacity_frames) {
    out.resize(capacity_frames * static_cast<std::size_t>(channels));
    std::size_t done = 0;
    soxr_error_t err = soxr_process(soxr, in, in_frames, nullptr, out.data(), capacity_frames, &done);
    if (err) return failure(std::string("resampler failed: ") + err);
    return done;
  }
};

Resampler::Resampler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;
Resampler::~Resampler() = default;

Result<Resampler> Resampler::create(double input_rate, double output_rate, int channels) {
  auto impl = std::make_unique<Impl>();
  impl->channels = channels;
  impl->ratio = output_rate / input_rate;
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_error_t err = nullptr;
  impl->soxr = soxr_create(input_rate, output_rate, static_cast<unsigned>(channels), &err, &io,
                           &quality, &runtime);
  if (err || !impl->soxr) return failure(std::string("resampler: ") + (err ? err : "unknown error"));
  return Resampler(std::move(impl));
}

Result<std::span<const float>> Resampler::process(std::span<const float> interleaved) {
  Impl& m = *impl_;
  std::size_t in_frames = interleaved.size() / static_cast<std::size_t>(m.channels);
  m.frames_in += in_frames;
  auto capacity = static_cast<std::size_t>(std::ceil(in_frames * m.ratio)) + 64;
  auto done = m.run(interleaved.data(), in_frames, capacity);
  if (!done) return std::unexpected(done.error());
  m.frames_out += *done;
  return std::span<const float>(m.out.data(), *done * static_cast<std::size_t>(m.channels));
}

Result<std::span<const float>> Resampler::flush() {
  Impl& m = *impl_;
  const auto expected = static_cast<std::uint64_t>(std::llround(static_cast<double>(m.frames_in) * m.ratio));
  const std::size_t missing = expected > m.frames_out ? expected - m.frames_out : 0;
  // soxr_process with no input drains the filter's tail.
  auto done = m.run(nullptr, 0, missing + 64);
  if (!done) return std::unexpected(done.error());
  std::size_t frames = std::min(*done, missing);
  m.out.resize(missing * static_cast<std::size_t>(m.channels), 0.0f);  // pads if soxr gave less
  std::fill(m.out.begin() + static_cast<std::ptrdiff_t>(frames * m.channels), m.out.end(), 0.0f);
  m.frames_out += missing;
  return std::span<const float>(m.out.data(), missing * static_cast<std::size_t>(m.channels));
}

}  // namespace crosstalk::recorder
