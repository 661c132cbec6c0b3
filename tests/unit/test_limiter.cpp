// The true-peak limiter: exact length, aligned output, untouched below the ceiling,
// true peak under the ceiling above it (measured by libebur128), smooth gain.
#include <gtest/gtest.h>

#include "crosstalk/recorder/limiter.hpp"
#include "crosstalk/recorder/loudness.hpp"
#include "temp_dir.hpp"

using namespace crosstalk::recorder;

namespace {
std::vector<float> limit(const std::vector<float>& in, int channels, double ceiling, std::size_t block = 1000) {
  auto l = TruePeakLimiter::create(channels, ceiling);
  EXPECT_TRUE(l);
  std::vector<float> out;
  for (std::size_t at = 0; at < in.size(); at += block * channels)
    EXPECT_TRUE(l->process(std::span(in).subspan(at, std::min(block * channels, in.size() - at)), out));
  EXPECT_TRUE(l->flush(out));
  return out;
}

double true_peak(const std::vector<float>& pcm, int channels) {
  auto meter = LoudnessMeter::create(channels, 48000, MeterMode::Full);
  EXPECT_TRUE(meter);
  EXPECT_TRUE(meter->add(pcm));
  return meter->figures().true_peak_dbtp;
}
}  // namespace

TEST(Limiter, QuietSignalPassesUnchanged) {
  auto in = crosstalk::test::sine(48000, 440, 48000);  // amplitude 0.5 = -6 dBFS
  auto out = limit(in, 1, -1.0);
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) ASSERT_FLOAT_EQ(out[i], in[i]) << i;  // latency, not offset
}

TEST(Limiter, LoudSignalStaysUnderTheCeilingMeasuredAsTruePeak) {
  for (int channels : {1, 2}) {
    auto in = crosstalk::test::sine(48000 * 2, 997, 48000, channels);
    for (auto& v : in) v *= 4.0f;  // +6 dBFS, far over
    // Inter-sample peaks: a tone at fs/4 sampled off its crests.
    for (std::size_t i = 0; i < 4800; ++i)
      for (int c = 0; c < channels; ++c)
        in[(48000 + i) * channels + c] = static_cast<float>(0.95 * std::sin(M_PI / 2 * i + M_PI / 4) * 1.41);
    auto out = limit(in, channels, -2.0, 777);
    ASSERT_EQ(out.size(), in.size());
    EXPECT_LE(true_peak(out, channels), -2.0 + 0.1) << channels << " channels";
    EXPECT_GT(true_peak(out, channels), -3.0) << "limits, does not crush";
  }
}

TEST(Limiter, GainMovesSmoothly) {
  std::vector<float> in(48000, 0.1f);
  for (std::size_t i = 24000; i < 24010; ++i) in[i] = 1.0f;  // a short spike
  auto l = TruePeakLimiter::create(1, -6.0);
  ASSERT_TRUE(l);
  std::vector<float> out;
  ASSERT_TRUE(l->process(in, out));
  ASSERT_TRUE(l->flush(out));
  ASSERT_EQ(out.size(), in.size());
  double biggest_step = 0;
  for (std::size_t i = 1; i < 48000; ++i) {
    if (in[i] != 0.1f || in[i - 1] != 0.1f) continue;
    biggest_step = std::max(biggest_step, std::fabs(static_cast<double>(out[i] - out[i - 1])));
  }
  EXPECT_LT(biggest_step, 0.1 * 0.01);  // the steady part changes by < 1 % per sample
  EXPECT_LT(l->deepest_reduction_db(), -5.0);
}
