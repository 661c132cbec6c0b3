// TruePeakLimiter. The detector oversamples 4x with libsoxr (time-aligned),
// so peak[n] covers sample n and the curve up to sample n+1. For each sample:
//   required[n] = min(1, ceiling / peak[n])
//   held[n]     = min(required[n-L .. n])         (sliding minimum, L = look-ahead)
//   release[n]  = held[n] if lower, else an exponential rise towards it
//   gain[n]     = mean(release[n-L .. n])          (the attack: a straight ramp)
//   out[n-L]    = in[n-L] * gain[n]
// Every window that gain[n] averages contains n-L, so gain[n] <= required[n-L]:
// the delayed sample never exceeds the ceiling, up to the detector's accuracy.
// Buffers are rings sized at creation: nothing is allocated per sample.
#include "crosstalk/recorder/limiter.hpp"

#include <soxr.h>

#include <algorithm>
#include <cmath>

namespace crosstalk::recorder {

namespace {
constexpr int kRate = 48000;
constexpr int kOversample = 4;
}  // namespace

struct TruePeakLimiter::Impl {
  int channels = 1;
  double ceiling = 1.0;
  std::size_t lookahead = 240;
  double release_coeff = 0.0;
  soxr_t upsampler = nullptr;

  std::vector<float> pending;          // input frames whose peak is not known yet (interleaved)
  std::size_t pending_start = 0;       // first unconsumed sample in `pending`
  std::vector<float> up;               // oversampled frames not yet consumed (interleaved)
  std::size_t up_start = 0;
  std::vector<float> scratch;
  std::uint64_t frames_in = 0, frames_detected = 0;

  // Sliding minimum over the last L+1 required gains: a monotonic ring.
  std::vector<std::pair<std::uint64_t, double>> minima;
  std::size_t min_head = 0, min_size = 0;
  std::vector<double> release_ring;    // last L+1 release values
  std::size_t ring_at = 0;
  double ring_sum = 0.0;
  double release = 1.0;
  std::vector<float> delay;            // L+1 frames, a ring
  std::size_t delay_at = 0;
  std::uint64_t stepped = 0;
  double deepest = 1.0;
  double peak_in = 0.0, peak_out = 0.0;

  ~Impl() {
    if (upsampler) soxr_delete(upsampler);
  }

  std::pair<std::uint64_t, double>& min_at(std::size_t i) { return minima[(min_head + i) % minima.size()]; }

  void step(double required, const float* frame, std::vector<float>& out) {
    const auto ch = static_cast<std::size_t>(channels);
    const std::uint64_t n = stepped++;
    while (min_size > 0 && min_at(min_size - 1).second >= required) --min_size;
    min_at(min_size++) = {n, required};
    while (min_at(0).first + lookahead < n) {
      min_head = (min_head + 1) % minima.size();
      --min_size;
    }
    const double held = min_at(0).second;
    release = held < release ? held : release + (held - release) * release_coeff;
    ring_sum += release - release_ring[ring_at];
    release_ring[ring_at] = release;
    ring_at = (ring_at + 1) % release_ring.size();
    const double gain = std::min(1.0, ring_sum / static_cast<double>(release_ring.size()));
    // The ring slot of frame n holds frame n-L-1 on the way in: emit n-L first.
    float* slot = &delay[delay_at * ch];
    const std::size_t oldest = (delay_at + 1) % (lookahead + 1);
    if (n >= lookahead) {
      deepest = std::min(deepest, gain);
      const float* due = &delay[oldest * ch];
      for (std::size_t c = 0; c < ch; ++c) out.push_back(static_cast<float>(due[c] * gain));
    }
    for (std::size_t c = 0; c < ch; ++c) slot[c] = frame ? frame[c] : 0.0f;
    delay_at = oldest;
  }

  Result<void> upsample(const float* in, std::size_t frames) {
    const auto ch = static_cast<std::size_t>(channels);
    std::size_t capacity = frames * kOversample + 256;
    scratch.resize(capacity * ch);
    std::size_t done = 0;
    if (auto err = soxr_process(upsampler, in, frames, nullptr, scratch.data(), capacity, &done))
      return failure(std::string("limiter: oversampling failed: ") + err);
    up.erase(up.begin(), up.begin() + static_cast<std::ptrdiff_t>(up_start));
    up_start = 0;
    up.insert(up.end(), scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(done * ch));
    return {};
  }

  // Moves every frame whose four oversampled values are known through step().
  void detect(std::vector<float>& out, bool final) {
    const auto ch = static_cast<std::size_t>(channels);
    while (frames_detected < frames_in) {
      const std::size_t available = (up.size() - up_start) / ch;
      if (available < kOversample && !final) break;
      const float* frame = &pending[pending_start];
      double peak = 0.0;
      for (std::size_t c = 0; c < ch; ++c) peak = std::max(peak, static_cast<double>(std::fabs(frame[c])));
      const std::size_t take = std::min<std::size_t>(kOversample, available);
      const float* o = &up[up_start];
      for (std::size_t k = 0; k < take * ch; ++k) peak = std::max(peak, static_cast<double>(std::fabs(o[k])));
      up_start += take * ch;
      const double required = peak > ceiling ? ceiling / peak : 1.0;
      peak_in = std::max(peak_in, peak);
      peak_out = std::max(peak_out, peak * required);
      step(required, frame, out);
      pending_start += ch;
      frames_detected += 1;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(pending_start));
    pending_start = 0;
  }
};

TruePeakLimiter::TruePeakLimiter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TruePeakLimiter::TruePeakLimiter(TruePeakLimiter&&) noexcept = default;
TruePeakLimiter& TruePeakLimiter::operator=(TruePeakLimiter&&) noexcept = default;
TruePeakLimiter::~TruePeakLimiter() = default;

Result<TruePeakLimiter> TruePeakLimiter::create(int channels, double ceiling_dbtp, double lookahead_ms,
                                                double release_ms) {
  auto m = std::make_unique<Impl>();
  m->channels = channels;
  m->ceiling = std::pow(10.0, ceiling_dbtp / 20.0);
  m->lookahead = static_cast<std::size_t>(std::lround(lookahead_ms * kRate / 1000.0));
  m->release_coeff = 1.0 - std::exp(-1.0 / (release_ms * kRate / 1000.0));
  m->minima.resize(m->lookahead + 2);
  m->release_ring.assign(m->lookahead + 1, 1.0);
  m->ring_sum = static_cast<double>(m->lookahead + 1);
  m->delay.assign((m->lookahead + 1) * static_cast<std::size_t>(channels), 0.0f);
  // Medium quality is plenty to see inter-sample peaks (the ceiling keeps
  // 1 dB for the codec anyway) and costs a fraction of high quality.
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_MQ, 0);
  soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_error_t err = nullptr;
  m->upsampler = soxr_create(kRate, kRate * kOversample, static_cast<unsigned>(channels), &err, &io, &quality, &runtime);
  if (err || !m->upsampler) return failure("limiter: cannot start the oversampler (libsoxr)");
  return TruePeakLimiter(std::move(m));
}

Result<void> TruePeakLimiter::process(std::span<const float> in, std::vector<float>& out) {
  Impl& m = *impl_;
  m.pending.insert(m.pending.end(), in.begin(), in.end());
  m.frames_in += in.size() / static_cast<std::size_t>(m.channels);
  if (auto r = m.upsample(in.data(), in.size() / static_cast<std::size_t>(m.channels)); !r) return r;
  m.detect(out, false);
  return {};
}

Result<void> TruePeakLimiter::flush(std::vector<float>& out) {
  Impl& m = *impl_;
  if (auto r = m.upsample(nullptr, 0); !r) return r;
  m.detect(out, true);
  for (std::size_t i = 0; i < m.lookahead; ++i) m.step(1.0, nullptr, out);  // drain the look-ahead
  return {};
}

double TruePeakLimiter::deepest_reduction_db() const { return 20.0 * std::log10(impl_->deepest); }
double TruePeakLimiter::peak_out_dbtp() const {
  return impl_->peak_out > 0 ? 20.0 * std::log10(impl_->peak_out) : -HUGE_VAL;
}
double TruePeakLimiter::peak_in_dbtp() const {
  return impl_->peak_in > 0 ? 20.0 * std::log10(impl_->peak_in) : -HUGE_VAL;
}

}  // namespace crosstalk::recorder
