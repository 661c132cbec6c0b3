// The streaming writer against RFC 7845: header pages, granule arithmetic,
// end trimming, page timing, and the lifecycle (sticky errors, finish once).
#include <gtest/gtest.h>

#include "crosstalk/recorder/ogg_opus_writer.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::recorder;
using crosstalk::test::parse_pages;
using crosstalk::test::sine;

namespace {

std::vector<std::uint8_t> encode(std::size_t samples, EncoderSettings settings = {},
                                 std::size_t chunk = 4410) {
  MemorySink sink;
  auto writer = OggOpusWriter::create(settings, {{"TITLE", "тест"}}, sink);
  EXPECT_TRUE(writer);
  auto pcm = sine(samples, 440, kOpusRate, settings.channels);
  const auto ch = static_cast<std::size_t>(settings.channels);
  for (std::size_t at = 0; at < samples; at += chunk) {
    std::size_t n = std::min(chunk, samples - at);
    EXPECT_TRUE(writer->write(std::span(pcm).subspan(at * ch, n * ch)));
  }
  auto summary = writer->finish();
  EXPECT_TRUE(summary);
  EXPECT_EQ(summary->input_samples, samples);
  EXPECT_EQ(summary->bytes, sink.data.size());
  return sink.data;
}

class FailingSink : public ByteSink {
 public:
  int writes_before_failure = 0;
  Result<void> write(std::span<const std::uint8_t>) override {
    if (writes_before_failure-- > 0) return {};
    return failure("disk full");
  }
  Result<void> patch(std::uint64_t, std::span<const std::uint8_t>) override { return failure("disk full"); }
};

}  // namespace

TEST(OggOpusWriter, HeadAloneOnFirstPageWithBosAndRealPreSkip) {
  EncoderSettings s;
  s.input_rate = 22050;
  auto pages = parse_pages(encode(48000, s));
  ASSERT_GE(pages.size(), 3u);
  EXPECT_TRUE(pages[0].bos);
  EXPECT_EQ(pages[0].granule, 0);
  ASSERT_EQ(pages[0].packets.size(), 1u);
  auto head = parse_opus_head(pages[0].packets[0]);
  ASSERT_TRUE(head);
  EXPECT_EQ(pages[0].packets[0].size(), 19u);
  EXPECT_EQ(head->pre_skip, 312);  // OPUS_GET_LOOKAHEAD for AUDIO at 48 kHz
  EXPECT_EQ(head->input_rate, 22050u);
  EXPECT_EQ(head->output_gain, 0);
  EXPECT_EQ(head->channels, 1);
}

TEST(OggOpusWriter, TagsEndTheirPageWithGranuleZero) {
  auto pages = parse_pages(encode(48000));
  ASSERT_EQ(pages[1].packets.size(), 1u);
  std::string tags(pages[1].packets[0].begin(), pages[1].packets[0].end());
  EXPECT_EQ(tags.substr(0, 8), "OpusTags");
  EXPECT_NE(tags.find("TITLE=тест"), std::string::npos);
  EXPECT_EQ(pages[1].granule, 0);
  EXPECT_FALSE(pages[1].bos);
  EXPECT_FALSE(pages[2].continued);  // audio starts on a fresh page
}

TEST(OggOpusWriter, LongTagsSpanPagesAndStillEndTheirPage) {
  MemorySink sink;
  std::string big(100000, 'x');
  auto writer = OggOpusWriter::create({}, {{"DESCRIPTION", big}}, sink);
  ASSERT_TRUE(writer);
  auto pcm = sine(9600, 300, kOpusRate);
  ASSERT_TRUE(writer->write(pcm));
  ASSERT_TRUE(writer->finish());
  auto pages = parse_pages(sink.data);
  std::size_t first_audio = 0;
  for (std::size_t i = 1; i < pages.size(); ++i) {
    if (pages[i].packets.empty()) {
      EXPECT_EQ(pages[i].granule, -1) << "continuation-only header page " << i;
      continue;
    }
    EXPECT_EQ(pages[i].granule, 0) << "the page where OpusTags ends";
    first_audio = i + 1;
    break;
  }
  ASSERT_GT(first_audio, 2u);
  EXPECT_FALSE(pages[first_audio].continued);
}

TEST(OggOpusWriter, GranulesHaveNoGapsAndTheEndIsTrimmedExactly) {
  for (std::size_t samples : {1ul, 311ul, 648ul, 960ul, 47999ul, 48000ul, 48000ul * 3 + 123}) {
    auto pages = parse_pages(encode(samples));
    std::int64_t expected_granule = 0;
    std::size_t packets = 0;
    for (std::size_t i = 2; i < pages.size(); ++i) {
      const auto& p = pages[i];
      EXPECT_EQ(p.sequence, static_cast<long>(i)) << "page sequence without gaps";
      EXPECT_EQ(p.serial, pages[0].serial);
      packets += p.packets.size();
      expected_granule += static_cast<std::int64_t>(p.packets.size()) * kFrameSamples;
      bool last = i + 1 == pages.size();
      EXPECT_EQ(p.eos, last) << "EOS only on the last page";
      if (!last) {
        EXPECT_EQ(p.granule, expected_granule) << "samples=" << samples << " page " << i;
      }
    }
    const std::int64_t final_granule = static_cast<std::int64_t>(samples) + 312;
    EXPECT_EQ(pages.back().granule, final_granule) << "samples=" << samples;
    // Trim less than one packet: the packets cover the input plus pre-skip.
    EXPECT_EQ(packets, (samples + 312 + kFrameSamples - 1) / kFrameSamples);
    EXPECT_LT(static_cast<std::int64_t>(packets * kFrameSamples) - final_granule, kFrameSamples);
  }
}

TEST(OggOpusWriter, FirstAudioPageGranuleIsTheSamplesOnIt) {
  auto pages = parse_pages(encode(48000 * 5));
  ASSERT_GT(pages.size(), 3u);
  EXPECT_EQ(pages[2].granule, static_cast<std::int64_t>(pages[2].packets.size()) * kFrameSamples);
}

TEST(OggOpusWriter, NoPageHoldsMoreThanOneSecond) {
  EncoderSettings s;
  s.bitrate = 6000;  // tiny packets: libogg alone would make multi-second pages
  auto pages = parse_pages(encode(48000 * 20, s));
  std::int64_t previous = 0;
  for (std::size_t i = 2; i < pages.size(); ++i) {
    EXPECT_LE(pages[i].granule - previous, 48000) << "page " << i;
    previous = pages[i].granule;
  }
}

TEST(OggOpusWriter, PagesReachTheSinkWhileRecording) {
  MemorySink sink;
  auto writer = OggOpusWriter::create({}, {}, sink);
  ASSERT_TRUE(writer);
  auto pcm = sine(48000 * 3, 440, kOpusRate);
  ASSERT_TRUE(writer->write(pcm));
  auto pages = parse_pages(sink.data);
  ASSERT_GT(pages.size(), 2u);
  // At most one second (plus the held 20 ms frame) is not yet in the sink.
  EXPECT_GE(pages.back().granule, 48000 * 3 - 48000 - kFrameSamples);
}

TEST(OggOpusWriter, StereoHeadAndGranules) {
  EncoderSettings s;
  s.channels = 2;
  s.bitrate = 96000;
  auto pages = parse_pages(encode(48000 + 7, s));
  auto head = parse_opus_head(pages[0].packets[0]);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->channels, 2);
  EXPECT_EQ(pages.back().granule, 48000 + 7 + 312);
}

TEST(OggOpusWriter, RejectsBadSettings) {
  MemorySink sink;
  EncoderSettings s;
  s.channels = 3;
  EXPECT_EQ(OggOpusWriter::create(s, {}, sink).error().kind, ErrorKind::BadInput);
  s = {};
  s.bitrate = 1000;
  EXPECT_FALSE(OggOpusWriter::create(s, {}, sink));
  EXPECT_FALSE(OggOpusWriter::create({}, {{"BAD=NAME", "x"}}, sink));
  EXPECT_TRUE(sink.data.empty());
}

TEST(OggOpusWriter, WriteErrorsAreSticky) {
  FailingSink sink;
  sink.writes_before_failure = 4;  // both header pages, then fail on audio
  auto writer = OggOpusWriter::create({}, {}, sink);
  ASSERT_TRUE(writer);
  auto pcm = sine(48000 * 3, 440, kOpusRate);
  auto first = writer->write(pcm);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().message, "disk full");
  sink.writes_before_failure = 1000;  // even if the disk recovers
  auto again = writer->write(pcm);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "disk full");
  auto fin = writer->finish();
  ASSERT_FALSE(fin);
  EXPECT_EQ(fin.error().message, "disk full");
}

TEST(OggOpusWriter, FinishOnlyOnceAndNoWritesAfter) {
  MemorySink sink;
  auto writer = OggOpusWriter::create({}, {}, sink);
  ASSERT_TRUE(writer);
  auto pcm = sine(960, 440, kOpusRate);
  ASSERT_TRUE(writer->write(pcm));
  ASSERT_TRUE(writer->finish());
  const auto size = sink.data.size();
  EXPECT_FALSE(writer->finish());
  EXPECT_FALSE(writer->write(pcm));
  EXPECT_EQ(sink.data.size(), size);
}

TEST(OggOpusWriter, DestructorDoesNotFinishTheStream) {
  MemorySink sink;
  {
    auto writer = OggOpusWriter::create({}, {}, sink);
    ASSERT_TRUE(writer);
    auto pcm = sine(48000 * 2, 440, kOpusRate);
    ASSERT_TRUE(writer->write(pcm));
  }
  auto pages = parse_pages(sink.data);
  ASSERT_FALSE(pages.empty());
  EXPECT_FALSE(pages.back().eos);
}

TEST(OggOpusWriter, RejectsPartialFrames) {
  MemorySink sink;
  EncoderSettings s;
  s.channels = 2;
  s.bitrate = 96000;
  auto writer = OggOpusWriter::create(s, {}, sink);
  ASSERT_TRUE(writer);
  std::vector<float> odd(3, 0.0f);
  EXPECT_FALSE(writer->write(odd));
}
