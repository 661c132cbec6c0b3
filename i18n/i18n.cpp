// The catalogue built into the binary (ru.mo from i18n/ru.po) through
// Boost.Locale's gettext reader; a thread-local language.
#include "crosstalk/i18n/i18n.hpp"

#include <boost/locale/format.hpp>
#include <boost/locale/gnu_gettext.hpp>
#include <boost/locale/message.hpp>
#include <cstdlib>
#include <locale>
#include <vector>

#include "catalogue.hpp"

namespace crosstalk::i18n {

namespace {

thread_local std::string current = "en";

// The Russian messages: the classic locale (numbers as they are) with the
// gettext facet, which asks for <path>/ru/LC_MESSAGES/crosstalk.mo and gets
// the built-in catalogue instead of a file.
const std::locale& russian() {
  static const std::locale locale = [] {
    namespace gettext = boost::locale::gnu_gettext;
    gettext::messages_info info;
    info.language = "ru";
    info.encoding = "UTF-8";
    info.domains.emplace_back("crosstalk");
    info.paths.emplace_back("built-in");
    info.callback = [](const std::string& file, const std::string&) {
      const std::string_view mo = russian_catalogue();
      if (file.find("/ru/LC_MESSAGES/crosstalk.mo") == std::string::npos) return std::vector<char>();
      return std::vector<char>(mo.begin(), mo.end());
    };
    return std::locale(std::locale::classic(), gettext::create_messages_facet<char>(info));
  }();
  return locale;
}

}  // namespace

std::string normalise(std::string_view language) {
  return language.substr(0, 2) == "ru" ? "ru" : "en";
}

std::string language_from_environment() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"})
    if (const char* value = std::getenv(name); value && *value) return normalise(value);
  return "en";
}

void set_language(std::string_view language) { current = normalise(language); }
const std::string& language() { return current; }

namespace detail {
std::string translate(const char* msgid, std::initializer_list<std::string> args) {
  return translate_to(current, msgid, args);
}

std::string translate_to(const std::string& language, const char* msgid, std::initializer_list<std::string> args) {
  const std::locale& locale = language == "ru" ? russian() : std::locale::classic();
  std::string pattern = language == "ru" ? boost::locale::translate(msgid).str(locale) : std::string(msgid);
  if (args.size() == 0) return pattern;
  boost::locale::format format(pattern);
  for (const std::string& a : args) format % a;
  return format.str(locale);
}
}  // namespace detail

}  // namespace crosstalk::i18n
