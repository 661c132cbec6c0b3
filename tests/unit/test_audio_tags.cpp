// TagLib round trips: every field, Cyrillic, emoji, XML specials, the cover;
// and the covers we refuse.
#include <gtest/gtest.h>
#include <taglib/opusfile.h>

#include "crosstalk/recorder/audio_tags.hpp"
#include "crosstalk/recorder/mp3_probe.hpp"
#include "crosstalk/recorder/mp3_writer.hpp"
#include "crosstalk/recorder/ogg_opus_writer.hpp"
#include "crosstalk/util/output_file.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::recorder;
namespace fs = boost::filesystem;

namespace {
void make_opus(const fs::path& path) {
  auto file = util::OutputFile::create_new(path);
  ASSERT_TRUE(file);
  FileSink sink(*file);
  auto writer = OggOpusWriter::create({}, {{"TITLE", "draft"}}, sink);
  ASSERT_TRUE(writer);
  auto pcm = test::sine(48000 * 2, 440, kOpusRate);
  ASSERT_TRUE(writer->write(pcm));
  ASSERT_TRUE(writer->finish());
  ASSERT_TRUE(file->close());
}

const std::vector<std::uint8_t> kPng = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13,
                                        'I', 'H', 'D', 'R', 0, 0, 0x05, 0x78, 0, 0, 0x05, 0x78,
                                        8, 2, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0};
// Every field set, with Cyrillic, emoji and XML specials, and a cover.
AudioTags every_field() {
  AudioTags tags;
  tags.title = "Голос врага: «победы» & <провалы> \"q\" 'a' 🎙️";
  tags.artist = "Анна Петрова";
  tags.album = "Голос врага";
  tags.track = 7;
  tags.date = "2026-12-01";
  tags.description = "Строка 1\nLine 2 & <b>bold</b> 🚀";
  tags.language = "ru";
  tags.department = "sales";
  tags.encoder = "crosstalk test";
  tags.cover = Cover{kPng, *util::probe_image(kPng)};
  return tags;
}
}  // namespace

TEST(AudioTags, EveryFieldRoundTripsWithCyrillicEmojiAndSpecials) {
  test::TempDir dir;
  make_opus(dir / "e.opus");
  AudioTags tags = every_field();
  tags.chapters = {{0, "Вступление & <intro>"}, {83456, "Глава 2 🎙️"}, {3723004, "Long"}};
  ASSERT_TRUE(write_tags(dir / "e.opus", tags));
  {
    TagLib::Ogg::Opus::File file((dir / "e.opus").c_str());
    EXPECT_EQ(file.tag()->fieldListMap()["CHAPTER002"].front().to8Bit(true), "00:01:23.456");
    EXPECT_EQ(file.tag()->fieldListMap()["CHAPTER003"].front().to8Bit(true), "01:02:03.004");
  }
  auto back = read_tags(dir / "e.opus");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, tags);
  EXPECT_EQ(back->cover->image.width, 1400u);
  EXPECT_EQ(back->cover->image.bits_per_pixel, 24u);

  // Replacing: fields left empty disappear, the cover and chapters can go.
  AudioTags fewer;
  fewer.title = "Only a title";
  fewer.genre = "";
  ASSERT_TRUE(write_tags(dir / "e.opus", fewer));
  back = read_tags(dir / "e.opus");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, fewer);
  EXPECT_FALSE(back->cover);
}

TEST(AudioTags, ReadingSomethingElseFailsCleanly) {
  test::TempDir dir;
  test::write_bytes(dir / "x.opus", "not opus");
  auto tags = read_tags(dir / "x.opus");
  ASSERT_FALSE(tags);
  EXPECT_NE(tags.error().message.find("x.opus"), std::string::npos);
  EXPECT_FALSE(write_tags(dir / "x.opus", AudioTags{}));
}

TEST(AudioTags, CoverChecks) {
  test::TempDir dir;
  test::write_bytes(dir / "text.jpg", "I am text");
  test::write_bytes(dir / "big.png", std::string(kPng.begin(), kPng.end()) + std::string(kMaxCoverBytes, '\0'));
  test::write_bytes(dir / "ok.png", std::string(kPng.begin(), kPng.end()));
  EXPECT_NE(load_cover(dir / "text.jpg").error().message.find("not a JPEG or PNG"), std::string::npos);
  EXPECT_NE(load_cover(dir / "big.png").error().message.find("limit is 1024 KiB"), std::string::npos);
  EXPECT_NE(load_cover(dir / "none.png").error().message.find("not found"), std::string::npos);
  auto ok = load_cover(dir / "ok.png");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->image.mime_type, "image/png");
}

TEST(AudioTags, Id3v23RoundTripsEveryFieldCoverAndChapters) {
  test::TempDir dir;
  // An MP3 from our writer, then the same tags as the Opus test.
  {
    auto file = util::OutputFile::create_new(dir / "e.mp3");
    ASSERT_TRUE(file);
    FileSink sink(*file);
    auto writer = Mp3Writer::create({}, sink);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write(test::sine(48000 * 5, 440, kOpusRate)));
    ASSERT_TRUE(writer->finish());
    ASSERT_TRUE(file->close());
  }
  AudioTags tags = every_field();
  tags.chapters = {{0, "Вступление & <intro>"}, {1500, "Глава 2 🎙️"}};
  ASSERT_TRUE(write_mp3_tags(dir / "e.mp3", mp3_tags_of(tags), 5000));
  auto back = read_mp3_tags(dir / "e.mp3");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, mp3_tags_of(tags));
  EXPECT_NE(back->encoder.find("LAME"), std::string::npos);
  auto probe = probe_mp3(dir / "e.mp3");
  ASSERT_TRUE(probe) << probe.error().message;
  EXPECT_EQ(probe->sample_rate, 48000);
  EXPECT_NEAR(probe->seconds(), 5.0, kMp3LengthSlackFrames * 1152.0 / 48000);
  // Re-tagging with fewer fields removes the rest.
  AudioTags fewer;
  fewer.title = "Only";
  fewer.genre = "";
  ASSERT_TRUE(write_mp3_tags(dir / "e.mp3", fewer, 5000));
  back = read_mp3_tags(dir / "e.mp3");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, fewer);
  EXPECT_FALSE(read_mp3_tags(dir / "missing.mp3"));
}
