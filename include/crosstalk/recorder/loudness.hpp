// Loudness per ITU-R BS.1770 / EBU R128 through libebur128 (integrated
// loudness, loudness range, true peak), and the normalisation settings and
// figures that travel with an episode.
#pragma once

#include <cmath>
#include <memory>
#include <span>
#include <string>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

// An input the target is out of reach for within max_gain_db (a muted mic,
// the wrong input): raised by the cap (with a warning), or refused.
enum class QuietInput { RaiseByTheCap, Refuse };

struct LoudnessSettings {
  bool normalize = true;
  double target_lufs = -16.0;    // spoken word (AES TD1004, podcast platforms)
  double true_peak_dbtp = -1.0;  // ceiling for the decoded episode
  double max_gain_db = 20.0;     // never raise a near-silent recording further
  QuietInput quiet_input = QuietInput::RaiseByTheCap;
};

struct LoudnessFigures {
  double integrated_lufs = -HUGE_VAL;  // -inf: nothing above the gates (silence)
  double range_lu = 0.0;
  double true_peak_dbtp = -HUGE_VAL;
  double sample_peak_dbfs = -HUGE_VAL;  // Range and Full
};

struct LoudnessReport {
  bool normalized = false;
  LoudnessFigures input;
  LoudnessFigures output;    // output.true_peak_dbtp: the limiter's estimate before encoding
  double gain_db = 0.0;      // applied before the limiter
  bool silent = false;       // nothing to normalise: left as it is
  bool gain_capped = false;  // wanted more than max_gain_db
  double limited_db = 0.0;   // deepest gain reduction by the limiter (0 = never)
};

// Integrated: loudness only. Range: also loudness range and sample peak.
// Full: also true peak (libebur128's oversampling: the costliest).
enum class MeterMode { Integrated, Range, Full };

class LoudnessMeter {
 public:
  static Result<LoudnessMeter> create(int channels, int sample_rate, MeterMode mode);
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;
  ~LoudnessMeter();

  Result<void> add(std::span<const float> interleaved);
  LoudnessFigures figures() const;
  // The figures of several meters' material taken together (e.g. the halves
  // of a file measured on two threads); all must have the same mode.
  static LoudnessFigures combined(std::span<LoudnessMeter* const> meters);

 private:
  struct Impl;
  explicit LoudnessMeter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The gain that brings `input` to the target, capped; 0 for silence.
double normalization_gain_db(const LoudnessFigures& input, const LoudnessSettings& settings,
                             bool* capped = nullptr);

// The one line that refuses a too-quiet `source`: how loud, what is
// probably wrong, how to force it (--max-gain).
std::string too_quiet_message(const std::string& source, const LoudnessFigures& input,
                              const LoudnessSettings& settings);

inline bool is_silent(const LoudnessFigures& f) { return !std::isfinite(f.integrated_lufs) || f.integrated_lufs < -70.0; }

}  // namespace crosstalk::recorder
