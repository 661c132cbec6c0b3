// The catalogue built into the binary (ru.mo, compiled by msgfmt from
// i18n/ru.po), looked up where it lies; {1}, {2}… filled in; a
// thread-local language.
//
// A .mo file is a table of its messages' originals, sorted, beside their
// translations (GNU gettext manual, "The Format of GNU MO Files"), so a
// lookup is a binary search. The catalogue has no plural forms and no
// contexts. Boost.Locale did this until round 2: Debian's build of it
// loads ICU (three libraries), a fifth of a bare start of every command
// (2.3 ms), for a lookup and a substitution.
#include "crosstalk/i18n/i18n.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "catalogue.hpp"

namespace crosstalk::i18n {

namespace {

thread_local std::string current = "en";

class MoFile {
 public:
  explicit MoFile(std::string_view data) : data_(data) {
    const std::uint32_t magic = word(0);
    swapped_ = magic == 0xde120495u;
    if (!swapped_ && magic != 0x950412deu) return;
    count_ = word(8);
    originals_ = word(12);
    translations_ = word(16);
  }

  // The translation of `msgid`; empty when there is none.
  std::string_view find(std::string_view msgid) const {
    std::uint32_t low = 0, high = count_;
    while (low < high) {
      const std::uint32_t middle = low + (high - low) / 2;
      const int order = string_at(originals_, middle).compare(msgid);
      if (order == 0) return string_at(translations_, middle);
      if (order < 0)
        low = middle + 1;
      else
        high = middle;
    }
    return {};
  }

 private:
  std::uint32_t word(std::size_t at) const {
    std::uint32_t w = 0;
    if (at + 4 > data_.size()) return 0;
    std::memcpy(&w, data_.data() + at, 4);
    return swapped_ ? __builtin_bswap32(w) : w;
  }
  // Entry i of a table of (length, offset) pairs.
  std::string_view string_at(std::uint32_t table, std::uint32_t i) const {
    const std::size_t entry = table + std::size_t{8} * i;
    const std::uint32_t length = word(entry), offset = word(entry + 4);
    if (std::size_t{offset} + length > data_.size()) return {};
    return data_.substr(offset, length);
  }

  std::string_view data_;
  bool swapped_ = false;
  std::uint32_t count_ = 0, originals_ = 0, translations_ = 0;
};

const MoFile& russian() {
  static const MoFile file(russian_catalogue());
  return file;
}

// `pattern` with each {N} replaced by args[N - 1]; other braces are text.
std::string fill_in(std::string_view pattern, std::initializer_list<std::string> args) {
  std::string out;
  out.reserve(pattern.size() + 32);
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      std::size_t j = i + 1, n = 0;
      while (j < pattern.size() && j < i + 4 && pattern[j] >= '0' && pattern[j] <= '9')
        n = n * 10 + static_cast<std::size_t>(pattern[j++] - '0');
      if (j > i + 1 && j < pattern.size() && pattern[j] == '}' && n >= 1 && n <= args.size()) {
        out += *(args.begin() + (n - 1));
        i = j + 1;
        continue;
      }
    }
    out += pattern[i++];
  }
  return out;
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
  std::string_view pattern = msgid;
  if (language == "ru")
    if (const std::string_view found = russian().find(pattern); !found.empty()) pattern = found;
  return args.size() == 0 ? std::string(pattern) : fill_in(pattern, args);
}
}  // namespace detail

}  // namespace crosstalk::i18n
