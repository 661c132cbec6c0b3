// possessive, padding by characters, and closest_match (optimal string
// alignment distance).
#include "crosstalk/util/words.hpp"

#include <algorithm>
#include <vector>

namespace crosstalk::util {

std::size_t text_width(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;  // UTF-8: count lead bytes only
  return n;
}

std::string pad_right(std::string_view text, std::size_t width) {
  const std::size_t n = text_width(text);
  return std::string(text) + std::string(n < width ? width - n : 0, ' ');
}

std::string pad_left(std::string_view text, std::size_t width) {
  const std::size_t n = text_width(text);
  return std::string(n < width ? width - n : 0, ' ') + std::string(text);
}

std::string possessive(std::string_view name) {
  std::string out(name);
  return out + (!out.empty() && out.back() == 's' ? "'" : "'s");
}

namespace {

// Levenshtein distance, with a swap of adjacent letters as one edit.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (!best || d < best_distance) {
      best = &c;
      best_distance = d;
    }
  }
  if (best && best_distance <= (word.size() <= 4 ? 1u : 2u)) return *best;
  const std::string* prefixed = nullptr;
  for (const std::string& c : candidates)
    if (word.size() >= 3 && c.rfind(word, 0) == 0) {
      if (prefixed) return std::nullopt;  // more than one: no guess
      prefixed = &c;
    }
  if (prefixed) return *prefixed;
  return std::nullopt;
}

}  // namespace crosstalk::util
