// Downloads grouped by listener, for the report's one pass over the
// listeners (report.cpp), and the index of them a run leaves in the show
// folder, `.stats-downloads-by-listener`: the journal's first records as
// that run grouped them, so that the next run groups only the downloads
// after them (a year's downloads took milliseconds to group, every run).
// The index is derived data: missing, stale or damaged, it is made again.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "crosstalk/error.hpp"
#include "crosstalk/stats/counter.hpp"

namespace crosstalk::stats {

// Group g holds every download of listener key[g], in their journal order:
// items[start[g] .. start[g + 1]). Groups are in the order of before():
// by bucket (the top `bits` bits of a Fibonacci hash of the listener), then
// by listener; two groupings with the same bits therefore merge in order.
struct ByListener {
  std::span<const Download> items;
  std::span<const std::uint32_t> start;  // groups() + 1 entries
  std::span<const std::uint64_t> key;
  unsigned bits = 8;
  std::shared_ptr<const void> keeps;  // the memory or the mapping the spans are in

  std::size_t groups() const { return key.size(); }
  std::span<const Download> group(std::size_t g) const {
    return items.subspan(start[g], start[g + 1] - start[g]);
  }
  std::uint64_t bucket(std::uint64_t listener) const {
    return (listener * 0x9e3779b97f4a7c15ull) >> (64 - bits);
  }
  bool before(std::uint64_t a, std::uint64_t b) const {
    const auto x = bucket(a), y = bucket(b);
    return x != y ? x < y : a < b;
  }
};

// The bits for grouping `downloads` downloads: a bucket per four or so.
unsigned grouping_bits(std::size_t downloads);

// downloads[from ..] grouped (a copy, in large pages where the system has them).
ByListener group_by_listener(const Downloads& downloads, std::size_t from, unsigned bits);

// The index file: `grouped` as the first grouped.items.size() records of the
// journal of `generation`, written atomically (temp + rename, synced).
Result<void> save_by_listener(const boost::filesystem::path& path, std::uint64_t generation,
                              const ByListener& grouped);

// The index, mapped, when it belongs to the journal of `generation` and
// holds at most `records` of its records (the journal's valid ones: a run
// that died before saving its state may have left an index of more);
// nullopt otherwise.
std::optional<ByListener> load_by_listener(const boost::filesystem::path& path,
                                           std::uint64_t generation, std::uint64_t records);

}  // namespace crosstalk::stats
