// The live recorder's lossless copy: 24-bit WAV through libsndfile.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <vector>

#include <boost/filesystem/operations.hpp>
#include <fstream>

#include "crosstalk/recorder/recover.hpp"
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

// A lossless copy cut short (kill -9: the file as it is while still open,
// plus half a frame) reads back whole after recover_wav.
TEST(RecoverWav, ACopyCutShortGetsItsSizesAndLosesItsTornFrame) {
  crosstalk::test::TempDir dir;
  const auto path = dir / "take.wav", cut = dir / "cut.wav";
  auto wav = WavWriter::create(path, 48000, 1);
  ASSERT_TRUE(wav);
  std::vector<float> samples(48000 * 2);
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = 0.25f * static_cast<float>((i % 100) / 100.0);
  ASSERT_TRUE(wav->write(samples));
  boost::filesystem::copy_file(path, cut);  // what the crash leaves (libsndfile wrote no sizes yet)
  ASSERT_TRUE(wav->close());
  {
    std::ofstream torn(cut.string(), std::ios::binary | std::ios::app);
    torn.write("\x01\x02", 2);  // two bytes of a 3-byte frame
  }
  auto r = crosstalk::recorder::recover_wav(cut);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->was_complete);
  EXPECT_EQ(r->bytes_dropped, 2u);
  EXPECT_DOUBLE_EQ(r->seconds, 2.0);
  EXPECT_EQ(boost::filesystem::file_size(cut), boost::filesystem::file_size(path));

  SF_INFO info{};
  SNDFILE* file = sf_open(cut.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(info.frames, 96000);
  std::vector<float> back(samples.size());
  EXPECT_EQ(sf_readf_float(file, back.data(), 96000), 96000);
  sf_close(file);
  EXPECT_NEAR(back[99], samples[99], 1e-6f);

  auto again = crosstalk::recorder::recover_wav(cut);  // whole now: nothing to do
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->was_complete);
  EXPECT_FALSE(crosstalk::recorder::recover_wav(dir / "nothing.wav"));
}
