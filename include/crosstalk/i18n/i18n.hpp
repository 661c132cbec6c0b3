// Messages in the reader's language: Russian or English (the msgid).
// The catalogue is i18n/ru.po (GNU gettext), compiled by msgfmt at build
// time and built into the binary, where a message is looked up in place;
// the {1}, {2}… of a message are filled in. The language is per thread: the CLI takes it
// from the environment (LC_ALL, LC_MESSAGES, LANG), the studio from each
// request's Accept-Language. Machine output (--json, logs) never goes
// through here.
#pragma once

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace crosstalk::i18n {

// "ru" or "en": anything but Russian is English.
std::string normalise(std::string_view language);
// What the environment asks for: the first of LC_ALL, LC_MESSAGES, LANG
// that is set ("ru_RU.UTF-8" → "ru"); "en" when none is.
std::string language_from_environment();

// This thread's language ("en" until set).
void set_language(std::string_view language);
const std::string& language();

// Sets this thread's language for a scope (a request, a job).
class ScopedLanguage {
 public:
  explicit ScopedLanguage(std::string_view language) : previous_(i18n::language()) { set_language(language); }
  ~ScopedLanguage() { set_language(previous_); }
  ScopedLanguage(const ScopedLanguage&) = delete;
  ScopedLanguage& operator=(const ScopedLanguage&) = delete;

 private:
  std::string previous_;
};

namespace detail {
std::string translate(const char* msgid, std::initializer_list<std::string> args);
std::string translate_to(const std::string& language, const char* msgid, std::initializer_list<std::string> args);
// translate's type: what each module loaded at run time (FFmpeg's, the
// recording one) is handed by util::load_module, to translate with the
// binary's catalogue (recorder/module_i18n.cpp).
using TranslateFn = std::string(const char* msgid, std::initializer_list<std::string> args);
inline std::string text(std::string_view s) { return std::string(s); }
inline std::string text(const char* s) { return s; }
inline std::string text(const std::string& s) { return s; }
template <class T>
  requires std::integral<T>
std::string text(T v) {
  return std::to_string(v);
}
}  // namespace detail

// `msgid` (an English string literal, the catalogue's key) in this thread's
// language, with {1}, {2}… replaced by `args` in order (text or integers).
template <class... Args>
std::string tr(const char* msgid, const Args&... args) {
  return detail::translate(msgid, {detail::text(args)...});
}

// `f` wrapped to run in this thread's language on another thread (a new
// thread starts in English).
template <class F>
auto in_this_language(F f) {
  return [language = i18n::language(), f = std::move(f)](auto&&... args) {
    const ScopedLanguage scope(language);
    return f(std::forward<decltype(args)>(args)...);
  };
}

// A message twice: in English (machine output such as --json, which stays
// stable) and in this thread's language (for the person reading).
struct Text {
  std::string english;
  std::string local;
};
template <class... Args>
Text tr_both(const char* msgid, const Args&... args) {
  return {detail::translate_to("en", msgid, {detail::text(args)...}), detail::translate(msgid, {detail::text(args)...})};
}

}  // namespace crosstalk::i18n
