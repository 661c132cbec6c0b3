// The Russian forms of a date and time: "ДД.ММ.ГГГГ ЧЧ:ММ" and "Д месяца
// [ГГГГ [г.]] [в] ЧЧ:ММ", with the month's genitive, nominative or short name.
#include "russian_time.hpp"

#include <array>
#include <cstdio>
#include <regex>

namespace crosstalk::feed::detail {

namespace {

// Cyrillic capitals (U+0410–U+042F, Ё) to small letters; other bytes as they are.
std::string lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c == 0xD0 && next >= 0x90 && next <= 0x9F) {  // А–П → а–п
      out += '\xD0';
      out += static_cast<char>(next + 0x20);
      ++i;
    } else if (c == 0xD0 && next >= 0xA0 && next <= 0xAF) {  // Р–Я → р–я
      out += '\xD1';
      out += static_cast<char>(next - 0x20);
      ++i;
    } else if (c == 0xD0 && next == 0x81) {  // Ё → ё
      out += "\xD1\x91";
      ++i;
    } else {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
  }
  return out;
}

// The month a word names: its first three letters (янв, фев, мар, апр, мая/май,
// июн, июл, авг, сен, окт, ноя, дек); 0 for none.
int month_of(const std::string& word) {
  static const std::array<const char*, 12> stems = {"янв", "фев", "мар", "апр", "ма", "июн",
                                                    "июл", "авг", "сен", "окт", "ноя", "дек"};
  for (std::size_t i = 0; i < stems.size(); ++i) {
    const std::string stem = stems[i];
    if (word.rfind(stem, 0) != 0) continue;
    if (i == 4 && word != "мая" && word != "май") continue;  // "ма" alone would take "марта"
    return static_cast<int>(i) + 1;
  }
  return 0;
}

std::string iso(int year, int month, int day, int hour, int minute) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d", year, month, day, hour, minute);
  return text;
}

}  // namespace

std::optional<RussianTime> russian_time(std::string_view text, int year) {
  const std::string s = lower(text);
  std::smatch m;
  // 01.12.2026 10:00, 1.12.2026, 10:00, 01.12.2026 в 10:00
  static const std::regex numeric(R"(^\s*(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(?:в\s+)?(\d{1,2}):(\d{2})\s*$)");
  if (std::regex_match(s, m, numeric))
    return RussianTime{iso(std::stoi(m[3]), std::stoi(m[2]), std::stoi(m[1]), std::stoi(m[4]), std::stoi(m[5])), true};
  // 1 декабря 10:00, 1 декабря 2026 г. в 10:00, 1 дек. 2026, 10:00
  static const std::regex words(
      R"(^\s*(\d{1,2})\s+(\S+?)\.?(?:\s+(\d{4})(?:\s*г\.?)?)?,?\s+(?:в\s+)?(\d{1,2}):(\d{2})\s*$)");
  if (std::regex_match(s, m, words)) {
    const int month = month_of(m[2]);
    if (month == 0) return std::nullopt;
    const bool given = m[3].matched;
    return RussianTime{iso(given ? std::stoi(m[3]) : year, month, std::stoi(m[1]), std::stoi(m[4]), std::stoi(m[5])),
                       given};
  }
  return std::nullopt;
}

}  // namespace crosstalk::feed::detail
