// Grouping downloads by listener, and the index file of a grouping (see the
// header).
#include "crosstalk/stats/by_listener.hpp"

#include <algorithm>
#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <cstring>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "binary.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::stats {

namespace {

constexpr char kMagic[8] = {'C', 'T', 'B', 'Y', 'L', 'I', 'S', '1'};
constexpr std::size_t kHeader = 32;  // magic, generation, records, groups (u32), bits (u32)

// A grouping's own memory: the copy (megabytes in large pages, a few
// downloads on the heap: a large page is zeroed whole), starts and keys.
struct Owned {
  util::platform::LargeBlock block;
  std::vector<Download> small;
  std::vector<std::uint32_t> start;
  std::vector<std::uint64_t> key;
};

template <class T>
std::span<const std::uint8_t> bytes_of(std::span<const T> s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size_bytes()};
}

}  // namespace

unsigned grouping_bits(std::size_t downloads) {
  unsigned bits = 8;
  while (bits < 22 && (std::size_t{1} << bits) < downloads / 4) ++bits;
  return bits;
}

// A counting sort on the bucket, then a stable sort by listener of each
// bucket that two listeners share; a few downloads against many buckets (a
// run's new ones, grouped like the index), a stable sort of them alone. The
// copy is what the pass reads in order (reading the downloads in place
// through indices made the pass more than twice as slow).
ByListener group_by_listener(const Downloads& downloads, std::size_t from, unsigned bits) {
  auto owned = std::make_shared<Owned>();
  ByListener out;
  out.bits = bits;
  const std::size_t n = downloads.size() > from ? downloads.size() - from : 0;
  Download* items = nullptr;
  if (n * 16 < (std::size_t{1} << bits)) {
    owned->small.reserve(n);
    for (std::size_t i = from; i < downloads.size(); ++i) owned->small.push_back(downloads[i]);
    std::stable_sort(owned->small.begin(), owned->small.end(),
                     [&out](const Download& x, const Download& y) {
                       return out.before(x.listener, y.listener);
                     });
    items = owned->small.data();
  } else {
    std::vector<std::uint32_t> first(std::size_t{1} << bits, 0);
    for (std::size_t i = from; i < downloads.size(); ++i)
      ++first[out.bucket(downloads[i].listener)];
    std::uint32_t sum = 0;
    for (auto& f : first) sum += std::exchange(f, sum);
    if (n * sizeof(Download) >= (std::size_t{1} << 20)) {
      owned->block = util::platform::allocate_large(n * sizeof(Download));
      if (!owned->block) throw std::bad_alloc();
      items = static_cast<Download*>(owned->block.get());
      std::uninitialized_default_construct_n(items, n);  // trivially destructible: nothing to undo
    } else {
      owned->small.resize(n);
      items = owned->small.data();
    }
    for (std::size_t i = from; i < downloads.size(); ++i) {
      const Download& d = downloads[i];
      items[first[out.bucket(d.listener)]++] = d;
    }
    // first[b] is now the end of bucket b.
    std::uint32_t begin = 0;
    for (const std::uint32_t end : first) {
      Download* const a = items + begin;
      Download* const b = items + end;
      if (end - begin > 1) {
        const std::uint64_t one = a->listener;
        if (std::any_of(a + 1, b, [one](const Download& d) { return d.listener != one; }))
          std::stable_sort(
              a, b, [](const Download& x, const Download& y) { return x.listener < y.listener; });
      }
      begin = end;
    }
  }
  owned->start.reserve(n / 8 + 2);
  owned->key.reserve(n / 8 + 1);
  for (std::size_t i = 0; i < n; ++i)
    if (i == 0 || items[i].listener != items[i - 1].listener) {
      owned->start.push_back(static_cast<std::uint32_t>(i));
      owned->key.push_back(items[i].listener);
    }
  owned->start.push_back(static_cast<std::uint32_t>(n));
  out.items = std::span<const Download>(items, n);
  out.start = owned->start;
  out.key = owned->key;
  out.keeps = std::move(owned);
  return out;
}

Result<void> save_by_listener(const boost::filesystem::path& path, std::uint64_t generation,
                              const ByListener& grouped) {
  Writer header;
  header.out.append(kMagic, sizeof kMagic);
  header.put<std::uint64_t>(generation);
  header.put<std::uint64_t>(grouped.items.size());
  header.put<std::uint32_t>(static_cast<std::uint32_t>(grouped.groups()));
  header.put<std::uint32_t>(grouped.bits);
  auto file = util::AtomicFile::create(path);
  if (!file) return std::unexpected(file.error());
  for (const auto part :
       {std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(header.out.data()),
                                      header.out.size()),
        bytes_of(grouped.items), bytes_of(grouped.key), bytes_of(grouped.start)})
    if (auto w = file->file().write_all(part); !w) return w;
  return file->commit();
}

std::optional<ByListener> load_by_listener(const boost::filesystem::path& path,
                                           std::uint64_t generation, std::uint64_t records) {
  namespace ipc = boost::interprocess;
  std::shared_ptr<ipc::mapped_region> region;
  try {
    ipc::file_mapping file(path.c_str(), ipc::read_only);
    region = std::make_shared<ipc::mapped_region>(file, ipc::read_only);
  } catch (const ipc::interprocess_exception&) {  // missing, unreadable or empty
    return std::nullopt;
  }
  const std::string_view bytes(static_cast<const char*>(region->get_address()), region->get_size());
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  Reader r{bytes.substr(sizeof kMagic, kHeader - sizeof kMagic)};
  const auto of = r.get<std::uint64_t>();
  const auto count = r.get<std::uint64_t>();
  const auto groups = r.get<std::uint32_t>();
  const auto bits = r.get<std::uint32_t>();
  if (of != generation || count > records || bits < 1 || bits > 32 || groups > count ||
      bytes.size() != kHeader + count * sizeof(Download) + std::uint64_t{groups} * 8 +
                          (std::uint64_t{groups} + 1) * 4)
    return std::nullopt;
  ByListener out;
  out.bits = bits;
  const char* at = bytes.data() + kHeader;  // the mapping is page-aligned, and so each array
  out.items = std::span(reinterpret_cast<const Download*>(at), count);
  out.key =
      std::span(reinterpret_cast<const std::uint64_t*>(at + count * sizeof(Download)), groups);
  out.start = std::span(reinterpret_cast<const std::uint32_t*>(at + count * sizeof(Download) +
                                                               std::uint64_t{groups} * 8),
                        std::size_t{groups} + 1);
  // Groups that are not empty, cover the records, and come in order: a
  // damaged index never reads past its records or merges out of order. (A
  // record damaged in place is found by the pass, which checks each one's
  // listener and episode: report.hpp, groups_damaged.)
  if (out.start.front() != 0 || out.start.back() != count) return std::nullopt;
  for (std::size_t g = 0; g < groups; ++g)
    if (out.start[g] >= out.start[g + 1] || (g > 0 && !out.before(out.key[g - 1], out.key[g])))
      return std::nullopt;
  out.keeps = std::move(region);
  return out;
}

}  // namespace crosstalk::stats
