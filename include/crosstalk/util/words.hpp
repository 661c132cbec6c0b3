// Small helpers for the words of messages: a possessive ("sales'",
// "marketing's") and the closest of some names to a mistyped one (for
// "did you mean …?").
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace crosstalk::util {

// `text` and spaces to `width` characters (UTF-8: a Cyrillic letter is two
// bytes, one column), or the spaces first (numbers and headings of number
// columns). Longer text is left whole.
std::size_t text_width(std::string_view text);
std::string pad_right(std::string_view text, std::size_t width);
std::string pad_left(std::string_view text, std::size_t width);

// English possessive of a name: "marketing's", "sales'".
std::string possessive(std::string_view name);

// The candidate `word` most likely mistypes: the nearest by edit distance
// (a swap of two neighbouring letters counts one), if it is at most 2 edits
// away (1 for words of up to 4 letters), or the only candidate that starts
// with `word` (3 letters or more). Empty when nothing is that close.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

}  // namespace crosstalk::util
