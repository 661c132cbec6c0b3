// Messages in the reader's language: the built-in Russian catalogue, {1}…
// filled in, English as written, per thread.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "catalogue.hpp"
#include "crosstalk/i18n/i18n.hpp"

using namespace crosstalk;

TEST(I18n, RussianFromTheCatalogueEnglishAsWritten) {
  i18n::ScopedLanguage ru("ru_RU.UTF-8");
  EXPECT_EQ(i18n::language(), "ru");
  EXPECT_EQ(i18n::tr("no such episode"), "такого выпуска нет");
  EXPECT_EQ(i18n::tr("episode {1} is already published; unpublish it first to schedule it again", 10000),
            "выпуск 10000 уже опубликован; чтобы запланировать его снова, сначала снимите его с публикации");
  // The arguments go in as they are: braces, quotes, Cyrillic, emoji.
  EXPECT_EQ(i18n::tr("no episode {1}", "«7» & {2} 🎙"), "выпуска «7» & {2} 🎙 нет");
  // Not in the catalogue: the English text, filled in.
  EXPECT_EQ(i18n::tr("not in the catalogue {1}", 5), "not in the catalogue 5");
  {
    i18n::ScopedLanguage en("en");
    EXPECT_EQ(i18n::tr("no episode {1}", 12), "no episode 12");
  }
  EXPECT_EQ(i18n::language(), "ru");
}

TEST(I18n, TheLanguageIsPerThread) {
  i18n::ScopedLanguage ru("ru");
  std::string other;
  std::thread([&] { other = i18n::tr("no such episode"); }).join();
  EXPECT_EQ(other, "no such episode");  // a new thread starts in English
  EXPECT_EQ(i18n::tr("no such episode"), "такого выпуска нет");
}

TEST(I18n, TheEnvironmentNamesTheLanguage) {
  struct Restore {  // the variables as they were
    std::map<std::string, std::optional<std::string>> saved;
    Restore() {
      for (const char* n : {"LC_ALL", "LC_MESSAGES", "LANG"})
        saved[n] = std::getenv(n) ? std::optional<std::string>(std::getenv(n)) : std::nullopt;
    }
    ~Restore() {
      for (auto& [n, v] : saved) v ? ::setenv(n.c_str(), v->c_str(), 1) : ::unsetenv(n.c_str());
    }
  } restore;
  ::setenv("LC_ALL", "", 1);
  ::setenv("LC_MESSAGES", "", 1);
  ::setenv("LANG", "ru_RU.UTF-8", 1);
  EXPECT_EQ(i18n::language_from_environment(), "ru");
  ::setenv("LC_ALL", "C.UTF-8", 1);
  EXPECT_EQ(i18n::language_from_environment(), "en");
  ::unsetenv("LC_ALL");
  ::unsetenv("LC_MESSAGES");
  ::unsetenv("LANG");
  EXPECT_EQ(i18n::language_from_environment(), "en");
}

// Every message of the built-in catalogue is found by its original: the
// table read here on its own (the format of GNU MO files: a count, then
// tables of (length, offset) at offsets 12 and 16), first and last entries
// and non-ASCII originals included.
TEST(I18n, EveryMessageOfTheCatalogueIsFound) {
  const std::string_view mo = i18n::russian_catalogue();
  auto word = [&mo](std::size_t at) {
    std::uint32_t w = 0;
    std::memcpy(&w, mo.data() + at, 4);
    return w;
  };
  ASSERT_EQ(word(0), 0x950412deu);
  const std::uint32_t count = word(8), originals = word(12), translations = word(16);
  ASSERT_GT(count, 400u);
  std::size_t checked = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string original(mo.substr(word(originals + 8 * i + 4), word(originals + 8 * i)));
    const std::string_view translation = mo.substr(word(translations + 8 * i + 4), word(translations + 8 * i));
    if (original.empty()) continue;  // the header
    EXPECT_EQ(i18n::detail::translate_to("ru", original.c_str(), {}), translation) << original;
    EXPECT_EQ(i18n::detail::translate_to("en", original.c_str(), {}), original);
    ++checked;
  }
  EXPECT_EQ(checked, count - 1);
}

TEST(I18n, OnlyNumberedBracesAreFilledIn) {
  i18n::ScopedLanguage en("en");
  EXPECT_EQ(i18n::tr("{1}{2} {3} {0} {} {x} {12345} {1", "a", "b"), "ab {3} {0} {} {x} {12345} {1");
  EXPECT_EQ(i18n::detail::translate_to("en", "{10}/{11}/{1}", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "Y"}),
            "X/Y/1");
  // Without arguments a message is as written, braces and all.
  EXPECT_EQ(i18n::tr("send {\"token\": \"...\"} from the sign-in link"), "send {\"token\": \"...\"} from the sign-in link");
}
