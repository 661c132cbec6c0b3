// The live recorder's lossless copy: 24-bit WAV through libsndfile.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <vector>

#include "crosstalk/recorder/wav_writer.hpp"
#include "temp_dir.hpp"

using crosstalk::recorder::WavWriter;

TEST(WavWriter, SamplesAboveFullScaleClipInsteadOfWrapping) {
  crosstalk::test::TempDir dir;
  const auto path = dir / "take.wav";
  auto wav = WavWriter::create(path, 48000, 1);
  ASSERT_TRUE(wav);
  const std::vector<float> samples{1.5f, -1.5f, 1.0f, -1.0f, 0.5f, 3.0f};
  ASSERT_TRUE(wav->write(samples));
  ASSERT_TRUE(wav->close());

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  std::vector<float> back(samples.size());
  ASSERT_EQ(sf_readf_float(file, back.data(), static_cast<sf_count_t>(back.size())),
            static_cast<sf_count_t>(back.size()));
  sf_close(file);
  EXPECT_GT(back[0], 0.99f);  // wrapped, it came back negative
  EXPECT_LT(back[1], -0.99f);
  EXPECT_GT(back[2], 0.99f);
  EXPECT_LT(back[3], -0.99f);
  EXPECT_NEAR(back[4], 0.5f, 1e-6f);
  EXPECT_GT(back[5], 0.99f);
}
