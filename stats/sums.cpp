// The report's sums and their bytes (see the header).
#include "crosstalk/stats/sums.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "binary.hpp"

namespace crosstalk::stats {

namespace {

constexpr char kMagic[8] = {'C', 'T', 'S', 'U', 'M', 'S', '0', '1'};

// zlib's CRC-32 (a company's sums are a few hundred KiB, read and written
// by every run: FNV-1a, a byte at a time, took a fifth of a millisecond).
std::uint64_t checksum(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), n);
    bytes.remove_prefix(n);
  }
  return crc;
}

template <class Op>
void each(std::array<std::vector<std::uint64_t>, Sums::kKinds>& mine,
          const std::array<std::vector<std::uint64_t>, Sums::kKinds>& theirs, Op op) {
  for (std::size_t k = 0; k < mine.size(); ++k) {
    if (mine[k].size() < theirs[k].size()) mine[k].resize(theirs[k].size());
    for (std::size_t i = 0; i < theirs[k].size(); ++i) mine[k][i] = op(mine[k][i], theirs[k][i]);
  }
}

}  // namespace

void Sums::add(const Sums& other) {
  each(counts, other.counts, [](std::uint64_t a, std::uint64_t b) { return a + b; });
}

void Sums::subtract(const Sums& other) {
  each(counts, other.counts, [](std::uint64_t a, std::uint64_t b) { return a - b; });
}

std::string encode_sums(const Sums& s) {
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  for (const std::uint64_t v : {s.generation, s.covered, s.parameters, s.excluded}) w.put(v);
  for (const std::int64_t v : {s.from, s.to, s.first, s.last, s.latest}) w.put(v);
  w.put(s.lowest);
  w.put(s.highest);
  w.put<std::uint64_t>(s.starts.size());
  for (const std::int64_t t : s.starts) w.put(t);
  for (const auto& v : s.counts) {
    w.put<std::uint64_t>(v.size());
    w.out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(std::uint64_t));
  }
  w.put<std::uint64_t>(checksum(w.out));
  return std::move(w.out);
}

std::optional<Sums> decode_sums(std::string_view bytes) {
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  Reader check{bytes.substr(body.size())};
  if (check.get<std::uint64_t>() != checksum(body)) return std::nullopt;
  Reader r{body.substr(sizeof kMagic)};
  Sums s;
  for (std::uint64_t* v : {&s.generation, &s.covered, &s.parameters, &s.excluded})
    *v = r.get<std::uint64_t>();
  for (std::int64_t* v : {&s.from, &s.to, &s.first, &s.last, &s.latest}) *v = r.get<std::int64_t>();
  s.lowest = r.get<std::int32_t>();
  s.highest = r.get<std::int32_t>();
  s.starts.resize(r.count(sizeof(std::int64_t)));
  for (auto& t : s.starts) t = r.get<std::int64_t>();
  for (auto& v : s.counts) {
    v.resize(r.count(sizeof(std::uint64_t)));
    if (v.empty()) continue;
    std::memcpy(v.data(), r.in.data(), v.size() * sizeof(std::uint64_t));  // (count() checked)
    r.in.remove_prefix(v.size() * sizeof(std::uint64_t));
  }
  if (!r.ok || !r.in.empty()) return std::nullopt;
  return s;
}

}  // namespace crosstalk::stats
