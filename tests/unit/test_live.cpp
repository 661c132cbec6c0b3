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

// Found by fuzz/recover.cpp: an empty file (killed before the first page)
// passed libogg's null buffer to memcpy (UBSan: nonnull argument).
TEST(Recover, AnEmptyFileIsRefusedWithOneLine) {
  test::TempDir dir;
  test::write_bytes(dir / "empty.opus", "");
  auto r = recover_opus(dir / "empty.opus");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::BadInput);
  EXPECT_NE(r.error().message.find("empty"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

// The recording loop itself, fed by PushSource (the studio's source) the way
// the browser feeds it: blocks of samples with events in their place.
#include <sndfile.h>

#include "crosstalk/recorder/live_recorder.hpp"
#include "crosstalk/recorder/push_source.hpp"

namespace {
constexpr double kPageRate = 44100;

std::vector<float> level(double seconds, float value) {
  return std::vector<float>(static_cast<std::size_t>(seconds * kPageRate), value);
}

struct Recorded {
  LiveReport report;
  std::vector<float> lossless;
};

// Runs record_live on its own thread while `feed` pushes into the source.
Recorded record_from(const std::function<void(PushSource&)>& feed, double max_seconds = 0) {
  test::TempDir dir;
  LiveControl control;
  PushSource source(kPageRate, 1, control, static_cast<std::size_t>(kPageRate * 600));
  LiveSettings settings;
  settings.max_seconds = max_seconds;
  Result<LiveReport> report = std::unexpected(Error{ErrorKind::Failed, "not run"});
  std::thread loop([&] { report = record_live(source, dir.path() / "r.opus", dir.path() / "r.wav", settings, control, {}); });
  feed(source);
  loop.join();
  EXPECT_TRUE(report.has_value()) << (report ? "" : report.error().message);
  Recorded out;
  if (report) out.report = *report;
  SF_INFO info{};
  SNDFILE* f = sf_open((dir.path() / "r.wav").c_str(), SFM_READ, &info);
  EXPECT_NE(f, nullptr);
  if (f) {
    out.lossless.resize(static_cast<std::size_t>(info.frames));
    sf_readf_float(f, out.lossless.data(), info.frames);
    sf_close(f);
  }
  return out;
}
}  // namespace

TEST(RecordLive, PauseLeavesOutThePausedStretchAndChaptersFallInPlace) {
  auto r = record_from([](PushSource& s) {
    s.push(level(1.0, 0.1f));
    s.push(StreamEvent::Chapter);
    s.push(level(1.0, 0.2f));
    s.push(StreamEvent::Pause);
    s.push(level(1.5, 0.9f));  // paused: not in the episode
    s.push(StreamEvent::Resume);
    s.push(level(1.0, 0.3f));
    s.push(StreamEvent::Chapter);
    s.push(level(0.5, 0.3f));
    s.push(StreamEvent::Stop);
    s.push(level(1.0, 0.9f));  // after Stop: refused, never recorded
  });
  ASSERT_EQ(r.lossless.size(), static_cast<std::size_t>(3.5 * kPageRate));
  EXPECT_LT(*std::max_element(r.lossless.begin(), r.lossless.end()), 0.5f);
  EXPECT_NEAR(r.lossless[static_cast<std::size_t>(kPageRate) - 1], 0.1f, 1e-5);
  EXPECT_NEAR(r.lossless[static_cast<std::size_t>(kPageRate)], 0.2f, 1e-5);
  EXPECT_NEAR(r.lossless[static_cast<std::size_t>(2 * kPageRate)], 0.3f, 1e-5);
  ASSERT_EQ(r.report.chapters.size(), 2u);
  EXPECT_DOUBLE_EQ(r.report.chapters[0], 1.0);
  EXPECT_DOUBLE_EQ(r.report.chapters[1], 3.0);
  EXPECT_NEAR(r.report.seconds, 3.5, 0.001);  // resampled to 48 kHz, same length
  EXPECT_FALSE(r.report.device_lost);
}

TEST(RecordLive, ASourceThatEndsIsFinishedWithWhatArrived) {
  auto r = record_from([](PushSource& s) {
    s.push(level(1.25, 0.1f));
    s.end();
  });
  EXPECT_EQ(r.lossless.size(), static_cast<std::size_t>(1.25 * kPageRate));
  EXPECT_NEAR(r.report.seconds, 1.25, 0.001);
  EXPECT_TRUE(r.report.device_lost);  // not stopped by the host: cut short
}

TEST(RecordLive, StopsAtTheDurationAsked) {
  auto r = record_from(
      [](PushSource& s) {
        s.push(level(3.0, 0.1f));
        s.end();
      },
      2.0);
  EXPECT_EQ(r.lossless.size(), static_cast<std::size_t>(2 * kPageRate));
  EXPECT_NEAR(r.report.seconds, 2.0, 0.001);
  EXPECT_FALSE(r.report.device_lost);
}

TEST(PushSource, RefusesPartialFramesAndMoreThanItsBound) {
  LiveControl control;
  PushSource s(48000, 2, control, 8);
  const float three[3] = {};
  EXPECT_FALSE(s.push(std::span<const float>(three, 3)));
  const float six[6] = {};
  EXPECT_TRUE(s.push(std::span<const float>(six, 6)));
  EXPECT_FALSE(s.push(std::span<const float>(six, 6)));  // 12 > 8
  float out[8];
  EXPECT_EQ(s.read(out, 8), 6u);
  EXPECT_TRUE(s.active());
  s.end();
  EXPECT_FALSE(s.active());
}
