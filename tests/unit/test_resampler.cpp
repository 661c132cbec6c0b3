// Resampler: exact output length at any rate, and the tone stays the tone.
#include <gtest/gtest.h>

#include "crosstalk/recorder/resampler.hpp"
#include "temp_dir.hpp"

using namespace crosstalk::recorder;

namespace {
std::vector<float> resample_all(int rate, int channels, const std::vector<float>& in,
                                std::size_t block) {
  auto r = Resampler::create(rate, 48000, channels);
  EXPECT_TRUE(r);
  std::vector<float> out;
  const auto ch = static_cast<std::size_t>(channels);
  for (std::size_t at = 0; at < in.size(); at += block * ch) {
    std::size_t n = std::min(block * ch, in.size() - at);
    auto part = r->process(std::span(in).subspan(at, n));
    EXPECT_TRUE(part);
    out.insert(out.end(), part->begin(), part->end());
  }
  auto tail = r->flush();
  EXPECT_TRUE(tail);
  out.insert(out.end(), tail->begin(), tail->end());
  return out;
}
}  // namespace

TEST(Resampler, OutputLengthIsExact) {
  for (int rate : {8000, 11025, 16000, 22050, 44100, 96000, 192000}) {
    for (std::size_t frames : {1ul, 100ul, 44100ul, 123457ul}) {
      auto in = crosstalk::test::sine(frames, 440, rate, 2);
      auto out = resample_all(rate, 2, in, 4096);
      auto expected = static_cast<std::size_t>(std::llround(frames * 48000.0 / rate));
      EXPECT_EQ(out.size(), expected * 2) << rate << " Hz, " << frames << " frames";
    }
  }
}

TEST(Resampler, KeepsTheToneAndItsTiming) {
  const int rate = 22050;
  auto in = crosstalk::test::sine(rate * 2, 1000, rate);
  auto out = resample_all(rate, 1, in, 1000);
  auto ref = crosstalk::test::sine(48000 * 2, 1000, 48000);
  ASSERT_EQ(out.size(), ref.size());
  double dot = 0, a = 0, b = 0;
  for (std::size_t i = 2000; i + 2000 < out.size(); ++i) {  // away from the edges
    dot += out[i] * ref[i];
    a += out[i] * out[i];
    b += ref[i] * ref[i];
  }
  EXPECT_GT(dot / std::sqrt(a * b), 0.999);  // same phase: no delay added
}
