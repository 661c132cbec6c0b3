// OpusHead / OpusTags bytes exactly as RFC 7845 §5.1-5.2 lays them out.
#include <gtest/gtest.h>

#include "crosstalk/recorder/opus_header.hpp"

using namespace crosstalk::recorder;

TEST(OpusHeader, HeadIsNineteenLittleEndianBytes) {
  auto bytes = make_opus_head({1, 312, 44100, 0});
  std::vector<std::uint8_t> expected = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd',
                                        1,              // version
                                        1,              // channels
                                        0x38, 0x01,     // pre-skip 312
                                        0x44, 0xAC, 0x00, 0x00,  // 44100 Hz
                                        0x00, 0x00,     // output gain 0
                                        0};             // mapping family 0
  EXPECT_EQ(bytes, expected);
}

TEST(OpusHeader, HeadRoundTripsIncludingNegativeGain) {
  OpusHead head{2, 3840, 96000, -256};
  auto parsed = parse_opus_head(make_opus_head(head));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->channels, 2);
  EXPECT_EQ(parsed->pre_skip, 3840);
  EXPECT_EQ(parsed->input_rate, 96000u);
  EXPECT_EQ(parsed->output_gain, -256);
}

TEST(OpusHeader, ParseRejectsOtherPackets) {
  std::vector<std::uint8_t> junk(19, 'x');
  EXPECT_FALSE(parse_opus_head(junk));
  auto head = make_opus_head({1, 312, 48000, 0});
  head[8] = 0x10;  // major version 1: incompatible
  EXPECT_FALSE(parse_opus_head(head));
  EXPECT_FALSE(parse_opus_head(std::span(head).first(18)));
}

TEST(OpusHeader, TagsLayoutHasVendorCountAndCommentsWithoutFramingBit) {
  auto bytes = make_opus_tags("libopus 1.3.1", {{"TITLE", "Привет"}, {"ARTIST", "A&B"}});
  std::string s(bytes.begin(), bytes.end());
  ASSERT_EQ(s.substr(0, 8), "OpusTags");
  EXPECT_EQ(bytes[8], 13);  // vendor length, little-endian u32
  EXPECT_EQ(s.substr(12, 13), "libopus 1.3.1");
  EXPECT_EQ(bytes[25], 2);  // comment count
  const std::string title = "TITLE=Привет";
  EXPECT_EQ(bytes[29], title.size());
  EXPECT_EQ(s.substr(33, title.size()), title);
  EXPECT_EQ(s.substr(s.size() - 10), "ARTIST=A&B");  // nothing after the last comment
}

TEST(OpusHeader, CommentNamesAreAsciiWithoutEquals) {
  EXPECT_TRUE(is_valid_comment_name("TITLE"));
  EXPECT_TRUE(is_valid_comment_name("CHAPTER001NAME"));
  EXPECT_FALSE(is_valid_comment_name(""));
  EXPECT_FALSE(is_valid_comment_name("A=B"));
  EXPECT_FALSE(is_valid_comment_name("ИМЯ"));
  EXPECT_FALSE(is_valid_comment_name("TAB\t"));
  EXPECT_FALSE(is_valid_comment_name("~"));
}
