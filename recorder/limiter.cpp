// TruePeakLimiter. The detector oversamples 4x with libsoxr (time-aligned),
// so peak[n] covers sample n and the curve up to sample n+1. For each sample:
//   required[n] = min(1, ceiling / peak[n])
//   held[n]     = min(required[n-L .. n])         (sliding minimum, L = look-ahead)
//   release[n]  = held[n] if lower, else an exponential rise towards it
//   gain[n]     = mean(release[n-L .. n])          (the attack: a straight ramp)
//   out[n]      = in[n-L] * gain[n]
// Every window that gain[n] averages contains n-L, so gain[n] <= required[n-L]:
// the delayed sample never exceeds the ceiling, up to the detector's accuracy.
#include "crosstalk/recorder/limiter.hpp"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <deque>

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

  std::deque<float> pending;           // input samples waiting for their peak (interleaved)
  std::vector<float> up;               // oversampled output not yet consumed (interleaved)
  std::vector<float> up_scratch;
  std::uint64_t frames_in = 0;         // given to process()
  std::uint64_t frames_detected = 0;   // whose peak is known
  std::uint64_t up_consumed = 0;       // oversampled frames consumed

  std::deque<std::pair<std::uint64_t, double>> minima;  // sliding minimum of required gain
  std::vector<double> release_ring;    // last L+1 release values
  std::size_t ring_at = 0;
  double ring_sum = 0.0;
  double release = 1.0;
  std::deque<float> delay;             // samples waiting to be output (interleaved)
  double deepest = 1.0;
  double peak_out = 0.0;

  ~Impl() {
    if (upsampler) soxr_delete(upsampler);
  }

  // One sample's required gain goes through the gain computer; one delayed
  // sample comes out once the look-ahead is full.
  void step(std::uint64_t n, double required, const float* frame, std::vector<float>& out) {
    while (!minima.empty() && minima.back().second >= required) minima.pop_back();
    minima.emplace_back(n, required);
    while (minima.front().first + lookahead < n) minima.pop_front();
    double held = minima.front().second;
    release = held < release ? held : release + (held - release) * release_coeff;
    ring_sum += release - release_ring[ring_at];
    release_ring[ring_at] = release;
    ring_at = (ring_at + 1) % release_ring.size();
    double gain = std::min(1.0, ring_sum / static_cast<double>(release_ring.size()));
    for (int c = 0; c < channels; ++c) delay.push_back(frame ? frame[c] : 0.0f);
    if (delay.size() > lookahead * static_cast<std::size_t>(channels)) {  // sample n-L is due
      deepest = std::min(deepest, gain);
      for (int c = 0; c < channels; ++c) {
        float y = static_cast<float>(delay.front() * gain);
        delay.pop_front();
        out.push_back(y);
      }
    }
  }

  Result<void> upsample(const float* in, std::size_t frames) {
    std::size_t capacity = frames * kOversample + 256;
    up_scratch.resize(capacity * static_cast<std::size_t>(channels));
    std::size_t done = 0;
    if (auto err = soxr_process(upsampler, in, frames, nullptr, up_scratch.data(), capacity, &done))
      return failure(std::string("limiter: oversampling failed: ") + err);
    up.insert(up.end(), up_scratch.begin(), up_scratch.begin() + static_cast<std::ptrdiff_t>(done * channels));
    return {};
  }

  // Moves every sample whose four oversampled values are known through step().
  void detect(std::vector<float>& out, bool final) {
    const auto ch = static_cast<std::size_t>(channels);
    std::size_t used = 0;  // oversampled frames used from `up`
    std::vector<float> frame(ch);
    while (frames_detected < frames_in) {
      std::size_t first = static_cast<std::size_t>(frames_detected * kOversample - up_consumed);
      bool complete = first + kOversample <= up.size() / ch;
      if (!complete && !final) break;
      double peak = 0.0;
      for (std::size_t c = 0; c < ch; ++c) {
        frame[c] = pending.front();
        pending.pop_front();
        peak = std::max(peak, static_cast<double>(std::fabs(frame[c])));
      }
      for (std::size_t k = first; k < first + kOversample && k < up.size() / ch; ++k)
        for (std::size_t c = 0; c < ch; ++c) peak = std::max(peak, static_cast<double>(std::fabs(up[k * ch + c])));
      double required = peak > ceiling ? ceiling / peak : 1.0;
      step(frames_detected, required, frame.data(), out);
      peak_out = std::max(peak_out, peak * std::min(required, 1.0));
      frames_detected += 1;
      used = std::min(first + kOversample, up.size() / ch);
    }
    up.erase(up.begin(), up.begin() + static_cast<std::ptrdiff_t>(used * ch));
    up_consumed += used;
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
  m->release_ring.assign(m->lookahead + 1, 1.0);
  m->ring_sum = static_cast<double>(m->lookahead + 1);
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_error_t err = nullptr;
  m->upsampler = soxr_create(kRate, kRate * kOversample, static_cast<unsigned>(channels), &err, &io, &quality, &runtime);
  if (err || !m->upsampler) return failure("limiter: cannot start the oversampler (libsoxr)");
  return TruePeakLimiter(std::move(m));
}

Result<void> TruePeakLimiter::process(std::span<const float> in, std::vector<float>& out) {
  Impl& m = *impl_;
  const std::size_t frames = in.size() / static_cast<std::size_t>(m.channels);
  m.pending.insert(m.pending.end(), in.begin(), in.end());
  m.frames_in += frames;
  if (auto r = m.upsample(in.data(), frames); !r) return r;
  m.detect(out, false);
  return {};
}

Result<void> TruePeakLimiter::flush(std::vector<float>& out) {
  Impl& m = *impl_;
  if (auto r = m.upsample(nullptr, 0); !r) return r;
  m.detect(out, true);
  // Drain the look-ahead: silence after the end needs no reduction.
  for (std::size_t i = 0; i < m.lookahead; ++i) m.step(m.frames_detected + i, 1.0, nullptr, out);
  m.delay.clear();
  return {};
}

double TruePeakLimiter::deepest_reduction_db() const { return 20.0 * std::log10(impl_->deepest); }
double TruePeakLimiter::peak_out_dbtp() const {
  return impl_->peak_out > 0 ? 20.0 * std::log10(impl_->peak_out) : -HUGE_VAL;
}

}  // namespace crosstalk::recorder
