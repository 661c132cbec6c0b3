// One scanner for both: the length of the valid, allowed character at a
// position, or 0.
#include "crosstalk/util/xml_text.hpp"

#include "crosstalk/i18n/i18n.hpp"

#include <cstdint>
#include <cstdio>

namespace crosstalk::util {

namespace {

// UTF-8 as RFC 3629 says (no overlongs, no surrogates, at most U+10FFFF).
// Sets `code` to the code point; returns the sequence's length, or 0 when
// the bytes at `i` do not start a valid one.
std::size_t utf8_length(std::string_view s, std::size_t i, std::uint32_t& code) {
  const auto byte = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  std::size_t n;
  std::uint32_t min;
  if (b0 < 0x80) {
    code = b0;
    return 1;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, min = 0x80, code = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, min = 0x800, code = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, min = 0x10000, code = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

bool allowed(std::uint32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF);
}

}  // namespace

std::optional<std::string> xml_text_problem(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t code = 0;
    const std::size_t n = utf8_length(text, i, code);
    if (n == 0) return i18n::tr("invalid UTF-8 at byte {1}, which XML 1.0 forbids", i + 1);
    if (!allowed(code)) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(code));
      return i18n::tr("a control character ({1}) at byte {2}, which XML 1.0 forbids", hex, i + 1);
    }
    i += n;
  }
  return std::nullopt;
}

std::string xml_safe_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t code = 0;
    const std::size_t n = utf8_length(text, i, code);
    if (n > 0 && allowed(code)) out.append(text, i, n);
    else out += "\xEF\xBF\xBD";  // U+FFFD
    i += n > 0 ? n : 1;
  }
  return out;
}

}  // namespace crosstalk::util
