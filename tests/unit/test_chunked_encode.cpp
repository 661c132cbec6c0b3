// The chunked (parallel) encoder against the one-stream encoder: the same
// packets count, granules, pre-skip and end trimming to the sample; cuts on
// the 20 ms grid; chunks aligned to the sample (a tone shifted by one sample
// would lose its SNR after the first cut). And OggOpusMuxer's own checks.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>

#include "crosstalk/recorder/encode_file.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::recorder;
namespace fs = boost::filesystem;

namespace {

// A 3 kHz tone whose level swells and falls every 7 s (quiet stretches for
// the cuts to find).
std::vector<float> tone(std::size_t frames, int rate) {
  std::vector<float> v(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    v[i] = static_cast<float>(0.4 * (0.55 + 0.45 * std::sin(2 * M_PI * t / 7.0)) * std::sin(2 * M_PI * 3000.0 * t));
  }
  return v;
}

void write_wav(const fs::path& path, int rate, const std::vector<float>& pcm) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  sf_writef_float(f, pcm.data(), static_cast<sf_count_t>(pcm.size()));
  sf_close(f);
}

// Decoded by libsndfile (libopus, pre-skip and end trimming applied).
std::vector<float> decode(const fs::path& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  EXPECT_NE(f, nullptr);
  if (!f) return {};
  std::vector<float> pcm(static_cast<std::size_t>(info.frames) + 48000);
  const auto got = sf_readf_float(f, pcm.data(), static_cast<sf_count_t>(pcm.size()));
  sf_close(f);
  pcm.resize(static_cast<std::size_t>(got));
  return pcm;
}

double snr_db(const std::vector<float>& ref, const std::vector<float>& x, std::size_t from, std::size_t to) {
  double signal = 0, noise = 0;
  for (std::size_t i = from; i < to && i < ref.size() && i < x.size(); ++i) {
    signal += double(ref[i]) * ref[i];
    noise += (double(x[i]) - ref[i]) * (double(x[i]) - ref[i]);
  }
  return 10 * std::log10(signal / std::max(noise, 1e-20));
}

// Every audio page's granule is 960 × the packets completed so far, but
// the last (EOS) one's: samples + pre-skip. Returns the packet count.
std::uint64_t check_granules(const fs::path& path, std::uint64_t samples) {
  auto pages = test::parse_pages(test::read_bytes(path));
  EXPECT_GE(pages.size(), 3u);
  if (pages.size() < 3) return 0;
  auto head = parse_opus_head(pages[0].packets.at(0));
  EXPECT_TRUE(head);
  EXPECT_EQ(head->pre_skip, 312);
  std::uint64_t packets = 0;
  for (std::size_t i = 2; i < pages.size(); ++i) {
    packets += pages[i].packets.size();
    const bool last = i + 1 == pages.size();
    EXPECT_EQ(pages[i].eos, last) << "page " << i;
    EXPECT_EQ(static_cast<std::uint64_t>(pages[i].granule), last ? samples + 312 : packets * 960) << "page " << i;
  }
  EXPECT_EQ(packets, (samples + 312 + 959) / 960);  // covers input + pre-skip, less than a packet more
  return packets;
}

Result<EncodeReport> encode_with(const fs::path& in, const fs::path& out, int threads) {
  EncodeOptions options;
  options.loudness.normalize = false;
  options.threads = threads;
  return encode_file(in, out, options);
}

}  // namespace

TEST(ChunkedEncode, SameGranulesPreSkipAndTrimmingAsOneStream) {
  test::TempDir dir;
  const std::size_t frames = 44100 * 75 + 17;  // resampled: round(frames × 48000 / 44100)
  write_wav(dir / "in.wav", 44100, tone(frames, 44100));
  auto one = encode_with(dir / "in.wav", dir / "one.opus", 1);
  auto par = encode_with(dir / "in.wav", dir / "par.opus", 3);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_TRUE(par) << par.error().message;
  const std::uint64_t samples = 3600019;  // 3307517 × 48000 / 44100 = 3600018.5…
  EXPECT_EQ(one->stream.input_samples, samples);
  EXPECT_EQ(par->stream.input_samples, samples);
  EXPECT_EQ(par->stream.final_granule, samples + 312);
  EXPECT_TRUE(one->cuts.empty());
  ASSERT_EQ(par->cuts.size(), 2u);  // 3 chunks on 3 threads
  for (auto cut : par->cuts) EXPECT_EQ(cut % 960, 0u);
  EXPECT_EQ(check_granules(dir / "one.opus", samples), check_granules(dir / "par.opus", samples));
  EXPECT_EQ(decode(dir / "par.opus").size(), samples);
  EXPECT_EQ(decode(dir / "one.opus").size(), samples);
}

TEST(ChunkedEncode, ChunksAreSampleAlignedWithTheSource) {
  test::TempDir dir;
  const std::size_t frames = 48000 * 70 + 123;
  const auto source = tone(frames, 48000);
  write_wav(dir / "in.wav", 48000, source);
  auto one = encode_with(dir / "in.wav", dir / "one.opus", 1);
  auto par = encode_with(dir / "in.wav", dir / "par.opus", 2);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_TRUE(par) << par.error().message;
  ASSERT_EQ(par->cuts.size(), 1u);
  const auto a = decode(dir / "one.opus"), b = decode(dir / "par.opus");
  ASSERT_EQ(a.size(), frames);
  ASSERT_EQ(b.size(), frames);
  // The 16-bit source as the decoder should give it back.
  std::vector<float> ref(source.size());
  for (std::size_t i = 0; i < ref.size(); ++i) ref[i] = std::round(source[i] * 32767.0f) / 32767.0f;
  const double whole_one = snr_db(ref, a, 0, frames), whole_par = snr_db(ref, b, 0, frames);
  EXPECT_GT(whole_one, 15.0);
  EXPECT_GT(whole_par, whole_one - 1.0);
  // After the cut: the second chunk on its own, and the splice itself.
  const std::size_t cut = par->cuts[0] - 312;
  EXPECT_GT(snr_db(ref, b, cut, frames), snr_db(ref, a, cut, frames) - 1.0);
  EXPECT_GT(snr_db(ref, b, cut - 4800, cut + 4800), snr_db(ref, a, cut - 4800, cut + 4800) - 1.0);
}

TEST(OggOpusMuxer, RefusesPacketsThatDoNotEndTheStreamExactly) {
  auto settings = EncoderSettings{};
  auto packet = std::vector<std::uint8_t>{0xF8, 0xFF, 0xFE};  // a CELT frame of silence
  for (std::uint64_t samples : {960u * 5 - 312 + 1, 960u * 4 - 312}) {  // one sample too few, a packet too many
    MemorySink sink;
    auto muxer = OggOpusMuxer::create(settings, 312, {}, sink);
    ASSERT_TRUE(muxer);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(muxer->add(packet));
    EXPECT_FALSE(muxer->finish(samples)) << samples;
  }
  for (std::uint64_t samples : {960u * 5 - 312, 960u * 4 - 312 + 1}) {  // the two ends of what 5 packets hold
    MemorySink sink;
    auto muxer = OggOpusMuxer::create(settings, 312, {}, sink);
    ASSERT_TRUE(muxer);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(muxer->add(packet));
    auto summary = muxer->finish(samples);
    ASSERT_TRUE(summary) << samples;
    auto pages = test::parse_pages(sink.data);
    EXPECT_EQ(static_cast<std::uint64_t>(pages.back().granule), samples + 312);
    EXPECT_TRUE(pages.back().eos);
  }
}
