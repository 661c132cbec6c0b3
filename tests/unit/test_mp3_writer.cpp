// Mp3Writer into memory: the Xing/LAME info frame at the start tells the
// exact length (frames × 1152 − delay − padding = the samples given); errors
// are sticky.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>

#include "crosstalk/recorder/mp3_writer.hpp"

using namespace crosstalk;
using namespace crosstalk::recorder;

namespace {

std::vector<float> tone(std::size_t frames, int channels) {
  std::vector<float> pcm(frames * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c)
      pcm[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
          0.3f * static_cast<float>(std::sin(2 * std::numbers::pi * 440.0 * static_cast<double>(i) / 48000.0));
  return pcm;
}

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

class FailingSink : public ByteSink {
 public:
  Result<void> write(std::span<const std::uint8_t>) override { return failure("disk full"); }
  Result<void> patch(std::uint64_t, std::span<const std::uint8_t>) override { return failure("disk full"); }
};

}  // namespace

TEST(Mp3Writer, InfoFrameGivesTheExactLength) {
  for (int channels : {1, 2}) {
    MemorySink sink;
    Mp3Settings s;
    s.channels = channels;
    s.bitrate_kbps = channels == 1 ? 64 : 96;
    auto w = Mp3Writer::create(s, sink);
    ASSERT_TRUE(w) << w.error().message;
    const std::size_t samples = 48000 + 123;  // not a whole number of frames
    auto pcm = tone(samples, channels);
    for (std::size_t at = 0; at < pcm.size(); at += 4000 * static_cast<std::size_t>(channels)) {
      const std::size_t n = std::min<std::size_t>(4000 * static_cast<std::size_t>(channels), pcm.size() - at);
      ASSERT_TRUE(w->write(std::span<const float>(pcm).subspan(at, n)));
    }
    auto summary = w->finish();
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->input_samples, samples);
    EXPECT_EQ(summary->bytes, sink.data.size());
    const std::uint8_t* d = sink.data.data();
    ASSERT_EQ(d[0], 0xFF);  // an MPEG frame at the start: the info frame
    ASSERT_EQ(d[1] & 0xE0, 0xE0);
    const std::size_t side_info = channels == 1 ? 17 : 32;  // MPEG-1 Layer III
    const std::uint8_t* xing = d + 4 + side_info;
    ASSERT_EQ(std::memcmp(xing, "Info", 4), 0) << "CBR: an Info frame";
    const std::uint32_t flags = be32(xing + 4);
    ASSERT_TRUE(flags & 1) << "frame count present";
    const std::uint32_t frames = be32(xing + 8);
    std::size_t lame = 8 + 4 * ((flags & 1) + ((flags >> 1) & 1)) + ((flags & 4) ? 100 : 0) + ((flags & 8) ? 4 : 0);
    ASSERT_EQ(std::memcmp(xing + lame, "LAME", 4), 0);
    const std::uint8_t* dp = xing + lame + 21;
    const unsigned delay = (unsigned{dp[0]} << 4) | (dp[1] >> 4);
    const unsigned padding = ((unsigned{dp[1]} & 0x0F) << 8) | dp[2];
    EXPECT_GT(delay, 0u);
    // The info frame does not count itself.
    EXPECT_EQ(std::uint64_t{frames} * 1152 - delay - padding, samples) << "channels " << channels;
  }
}

TEST(Mp3Writer, ErrorsAreStickyAndOneLine) {
  FailingSink sink;
  auto w = Mp3Writer::create({}, sink);
  ASSERT_TRUE(w);
  auto pcm = tone(48000, 1);
  Result<void> r;
  for (int i = 0; i < 10 && r; ++i) r = w->write(pcm);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("disk full"), std::string::npos);
  EXPECT_FALSE(w->write(pcm));
  EXPECT_FALSE(w->finish());
}

TEST(Mp3Writer, RefusesPartialFramesAndBadChannels) {
  MemorySink sink;
  Mp3Settings s;
  s.channels = 3;
  EXPECT_FALSE(Mp3Writer::create(s, sink));
  s.channels = 2;
  auto w = Mp3Writer::create(s, sink);
  ASSERT_TRUE(w);
  std::vector<float> odd(3, 0.0f);
  EXPECT_FALSE(w->write(odd));
}
