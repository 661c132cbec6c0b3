// util::xml_text_problem / xml_safe_text: what XML 1.0 can carry.
#include <gtest/gtest.h>

#include "crosstalk/util/xml_text.hpp"

using crosstalk::util::xml_safe_text;
using crosstalk::util::xml_text_problem;

TEST(XmlText, CleanTextPassesUnchanged) {
  for (const char* s : {"", "Голос врага & <b>", "tab\tLF\nCR\r", "🎙️ U+10FFFF: \xF4\x8F\xBF\xBF", "DEL \x7F, NEL \xC2\x85"}) {
    EXPECT_FALSE(xml_text_problem(s)) << s;
    EXPECT_EQ(xml_safe_text(s), s);
  }
}

TEST(XmlText, ControlCharactersAreNamedAndReplaced) {
  EXPECT_EQ(*xml_text_problem("ab\x0b"), "a control character (U+000B) at byte 3, which XML 1.0 forbids");
  EXPECT_EQ(xml_safe_text(std::string("a\0b\x1f", 4)), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  EXPECT_EQ(xml_safe_text("\xEF\xBF\xBE"), "\xEF\xBF\xBD");  // U+FFFE
}

TEST(XmlText, InvalidUtf8IsNamedAndEachByteReplaced) {
  EXPECT_EQ(*xml_text_problem("ok\xFF"), "invalid UTF-8 at byte 3, which XML 1.0 forbids");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(xml_safe_text("\xC0\xAF"), fffd + fffd);            // overlong '/'
  EXPECT_EQ(xml_safe_text("\xED\xA0\x80"), fffd + fffd + fffd);  // a surrogate
  EXPECT_EQ(xml_safe_text("\xD0\xD0 x"), fffd + fffd + " x");    // a lead byte without its continuation
  EXPECT_EQ(xml_safe_text("\xE2\x82"), fffd + fffd);             // cut short at the end
  EXPECT_EQ(xml_safe_text("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // above U+10FFFF
}
