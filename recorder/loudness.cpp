// LoudnessMeter over libebur128 in histogram mode (memory constant in the
// input's length).
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/recorder/loudness.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace crosstalk::recorder {

struct LoudnessMeter::Impl {
  ebur128_state* state = nullptr;
  int channels = 1;
  MeterMode mode = MeterMode::Integrated;
  ~Impl() {
    if (state) ebur128_destroy(&state);
  }
};

LoudnessMeter::LoudnessMeter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;
LoudnessMeter::~LoudnessMeter() = default;

Result<LoudnessMeter> LoudnessMeter::create(int channels, int sample_rate, MeterMode mode) {
  auto impl = std::make_unique<Impl>();
  impl->channels = channels;
  impl->mode = mode;
  int flags = EBUR128_MODE_I | EBUR128_MODE_HISTOGRAM;
  if (mode != MeterMode::Integrated) flags |= EBUR128_MODE_LRA | EBUR128_MODE_SAMPLE_PEAK;
  if (mode == MeterMode::Full) flags |= EBUR128_MODE_TRUE_PEAK;
  impl->state = ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(sample_rate), flags);
  if (!impl->state) return failure("loudness meter: cannot start (libebur128)");
  return LoudnessMeter(std::move(impl));
}

Result<void> LoudnessMeter::add(std::span<const float> interleaved) {
  const auto frames = interleaved.size() / static_cast<std::size_t>(impl_->channels);
  if (frames > 0 && ebur128_add_frames_float(impl_->state, interleaved.data(), frames) != EBUR128_SUCCESS)
    return failure("loudness meter failed (libebur128)");
  return {};
}

LoudnessFigures LoudnessMeter::figures() const {
  LoudnessFigures f;
  double v = 0;
  if (ebur128_loudness_global(impl_->state, &v) == EBUR128_SUCCESS) f.integrated_lufs = v;
  auto db = [](double linear) { return linear > 0 ? 20.0 * std::log10(linear) : -HUGE_VAL; };
  if (impl_->mode != MeterMode::Integrated) {
    if (ebur128_loudness_range(impl_->state, &v) == EBUR128_SUCCESS) f.range_lu = v;
    double peak = 0;
    for (int c = 0; c < impl_->channels; ++c)
      if (ebur128_sample_peak(impl_->state, static_cast<unsigned>(c), &v) == EBUR128_SUCCESS) peak = std::max(peak, v);
    f.sample_peak_dbfs = db(peak);
  }
  if (impl_->mode == MeterMode::Full) {
    double peak = 0;
    for (int c = 0; c < impl_->channels; ++c)
      if (ebur128_true_peak(impl_->state, static_cast<unsigned>(c), &v) == EBUR128_SUCCESS) peak = std::max(peak, v);
    f.true_peak_dbtp = db(peak);
  }
  return f;
}

LoudnessFigures LoudnessMeter::combined(std::span<LoudnessMeter* const> meters) {
  std::vector<ebur128_state*> states;
  for (LoudnessMeter* m : meters) states.push_back(m->impl_->state);
  LoudnessFigures f;
  double v = 0;
  if (ebur128_loudness_global_multiple(states.data(), states.size(), &v) == EBUR128_SUCCESS) f.integrated_lufs = v;
  if (meters.front()->impl_->mode != MeterMode::Integrated) {
    if (ebur128_loudness_range_multiple(states.data(), states.size(), &v) == EBUR128_SUCCESS) f.range_lu = v;
    for (LoudnessMeter* m : meters) f.sample_peak_dbfs = std::max(f.sample_peak_dbfs, m->figures().sample_peak_dbfs);
  }
  return f;
}

double normalization_gain_db(const LoudnessFigures& input, const LoudnessSettings& s, bool* capped) {
  if (capped) *capped = false;
  if (is_silent(input)) return 0.0;
  double gain = s.target_lufs - input.integrated_lufs;
  if (gain > s.max_gain_db) {
    if (capped) *capped = true;
    gain = s.max_gain_db;
  }
  return gain;
}

std::string too_quiet_message(const std::string& source, const LoudnessFigures& input, const LoudnessSettings& s) {
  const double needed = s.target_lufs - input.integrated_lufs;
  auto number = [](const char* format, double v) {
    char text[32];
    std::snprintf(text, sizeof text, format, v);
    return std::string(text);
  };
  return i18n::tr("{1}: too quiet to publish ({2} LUFS: reaching {3} LUFS needs {4} dB, more than the {5} dB "
                  "allowed); probably a muted microphone or the wrong input: check the recording, or force it "
                  "with --max-gain {6}",
                  source, number("%.1f", input.integrated_lufs), number("%.0f", s.target_lufs),
                  number("%+.1f", needed), number("%.0f", s.max_gain_db), number("%.0f", std::ceil(needed)));
}

}  // namespace crosstalk::recorder
