// Messages in the reader's language: the built-in Russian catalogue, {1}…
// filled in, English as written, per thread.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>

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
