// The recorder's pieces that need no sound card: the lock-free ring (also
// across two threads) and recovering a stream cut at every kind of place.
#include <gtest/gtest.h>

#include <thread>

#include "crosstalk/recorder/byte_sink.hpp"
#include "crosstalk/recorder/ogg_opus_writer.hpp"
#include "crosstalk/recorder/recover.hpp"
#include "crosstalk/recorder/spsc_ring.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::recorder;
namespace fs = boost::filesystem;

TEST(SpscRing, KeepsOrderAndDropsWhatDoesNotFit) {
  SpscRing<float> ring(5);
  EXPECT_EQ(ring.capacity(), 8u);
  const float in[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(ring.push(in, 10), 8u);
  float out[10] = {};
  EXPECT_EQ(ring.pop(out, 3), 3u);
  EXPECT_EQ(out[2], 2);
  EXPECT_EQ(ring.push(in, 4), 3u);  // wraps around
  EXPECT_EQ(ring.pop(out, 10), 8u);
  EXPECT_EQ(out[4], 7);
  EXPECT_EQ(out[5], 0);
  EXPECT_EQ(ring.pop(out, 10), 0u);
}

TEST(SpscRing, TwoThreadsLoseNothingWhenTheConsumerKeepsUp) {
  SpscRing<float> ring(1024);
  constexpr int kTotal = 2'000'000;
  std::thread producer([&] {
    float block[64];
    for (int next = 0; next < kTotal;) {
      int n = std::min(64, kTotal - next);
      for (int i = 0; i < n; ++i) block[i] = static_cast<float>(next + i);
      std::size_t pushed = 0;
      while (pushed < static_cast<std::size_t>(n)) pushed += ring.push(block + pushed, n - pushed);
      next += n;
    }
  });
  float out[100];
  int expected = 0;
  bool in_order = true;
  while (expected < kTotal) {
    std::size_t got = ring.pop(out, 100);
    for (std::size_t i = 0; i < got; ++i) in_order = in_order && out[i] == static_cast<float>(expected++);
  }
  producer.join();
  EXPECT_TRUE(in_order);
}

namespace {
std::string make_stream(int seconds) {
  MemorySink sink;
  EncoderSettings s;
  s.max_page_ms = 1000;
  auto writer = OggOpusWriter::create(s, {{"TITLE", "x"}}, sink);
  EXPECT_TRUE(writer);
  EXPECT_TRUE(writer->write(test::sine(48000 * seconds, 440, kOpusRate)));
  EXPECT_TRUE(writer->finish());
  return std::string(sink.data.begin(), sink.data.end());
}
}  // namespace

TEST(Recover, CutsAnywhereBecomeCompleteStreams) {
  test::TempDir dir;
  const std::string whole = make_stream(6);
  for (std::size_t cut : {whole.size() / 2, whole.size() - 1, whole.size() * 3 / 4 + 7}) {
    const fs::path f = dir.path() / ("cut" + std::to_string(cut) + ".opus");
    test::write_bytes(f, whole.substr(0, cut));
    auto r = recover_opus(f);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->was_complete);
    EXPECT_GT(r->seconds, 6.0 * cut / whole.size() - 1.5);
    auto pages = test::parse_pages(test::read_bytes(f));
    ASSERT_GE(pages.size(), 3u);
    EXPECT_TRUE(pages.back().eos);
    for (std::size_t i = 0; i + 1 < pages.size(); ++i) EXPECT_FALSE(pages[i].eos);
    EXPECT_TRUE(recover_opus(f)->was_complete);  // a second run changes nothing
  }
  test::write_bytes(dir / "whole.opus", whole);
  EXPECT_TRUE(recover_opus(dir / "whole.opus")->was_complete);
  test::write_bytes(dir / "head.opus", whole.substr(0, 40));
  EXPECT_FALSE(recover_opus(dir / "head.opus"));
  test::write_bytes(dir / "text.opus", "not audio at all");
  EXPECT_FALSE(recover_opus(dir / "text.opus"));
}
