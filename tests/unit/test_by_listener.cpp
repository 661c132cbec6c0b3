// The downloads grouped by listener, and their index file: every download
// once, in the group of its listener, groups in merge order; the index reads
// back only for its own journal and undamaged.
#include <gtest/gtest.h>

#include <boost/filesystem/operations.hpp>
#include <fstream>
#include <map>

#include "crosstalk/stats/by_listener.hpp"
#include "crosstalk/util/read_file.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
namespace fs = boost::filesystem;

namespace {

stats::Downloads some_downloads(std::size_t n) {
  stats::Downloads d;
  for (std::size_t i = 0; i < n; ++i) {
    // 37 listeners, some of them subscribers (the top bit), in no order.
    const std::uint64_t listener = ((i * 7919) % 37 + 1) * 0x0123456789abcdefull;
    d.push_back(stats::Download{static_cast<std::int64_t>(1'795'000'000 + i), listener,
                                listener & 1, static_cast<std::int32_t>(i % 5), 0,
                                static_cast<std::uint8_t>(i % 3)});
  }
  return d;
}

// Every download of [from, n) once, in its listener's group, in journal order
// within it; groups in before() order.
void expect_grouped(const stats::ByListener& g, const stats::Downloads& d, std::size_t from) {
  ASSERT_EQ(g.items.size(), d.size() - from);
  ASSERT_EQ(g.start.size(), g.groups() + 1);
  std::map<std::uint64_t, std::vector<std::int64_t>> expected, got;
  for (std::size_t i = from; i < d.size(); ++i) expected[d[i].listener].push_back(d[i].time);
  for (std::size_t k = 0; k < g.groups(); ++k) {
    if (k > 0) {
      EXPECT_TRUE(g.before(g.key[k - 1], g.key[k])) << k;
    }
    ASSERT_FALSE(g.group(k).empty());
    for (const stats::Download& x : g.group(k)) {
      EXPECT_EQ(x.listener, g.key[k]);
      got[x.listener].push_back(x.time);
    }
  }
  EXPECT_EQ(got, expected);
}

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p.string(), std::ios::binary) << bytes;
}

}  // namespace

TEST(StatsByListener, GroupsEveryDownloadOnceInMergeOrder) {
  const stats::Downloads d = some_downloads(1000);
  const unsigned bits = stats::grouping_bits(d.size());
  expect_grouped(stats::group_by_listener(d, 0, bits), d, 0);
  // The downloads after an index, with its bits: the same order, so the two merge.
  const stats::ByListener rest = stats::group_by_listener(d, 600, bits);
  expect_grouped(rest, d, 600);
  EXPECT_EQ(rest.bits, bits);
  // Nothing after it: no groups, and a start to end on.
  const stats::ByListener none = stats::group_by_listener(d, d.size(), bits);
  EXPECT_EQ(none.groups(), 0u);
  ASSERT_EQ(none.start.size(), 1u);
  EXPECT_EQ(none.start[0], 0u);
  // A year of a company's downloads: in large pages, grouped the same way; and the last
  // thousand of them with the year's bits (sorted, not counted into 32,768 buckets).
  const stats::Downloads many = some_downloads(100'000);
  const unsigned year = stats::grouping_bits(many.size());
  expect_grouped(stats::group_by_listener(many, 0, year), many, 0);
  expect_grouped(stats::group_by_listener(many, 99'000, year), many, 99'000);
}

TEST(StatsByListener, TheIndexReadsBackOnlyForItsJournalAndUndamaged) {
  test::TempDir dir;
  const fs::path path = dir.path() / ".stats-downloads-by-listener";
  const stats::Downloads d = some_downloads(1000);
  const stats::ByListener g = stats::group_by_listener(d, 0, stats::grouping_bits(d.size()));
  ASSERT_TRUE(stats::save_by_listener(path, 42, g));
  auto back = stats::load_by_listener(path, 42, 1000);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->bits, g.bits);
  expect_grouped(*back, d, 0);
  EXPECT_TRUE(stats::load_by_listener(path, 42, 5000));  // a journal that grew since
  // Another journal's, or more records than the state vouches for (a run
  // that died before saving its state): not read.
  EXPECT_FALSE(stats::load_by_listener(path, 43, 1000));
  EXPECT_FALSE(stats::load_by_listener(path, 42, 999));
  // Damaged: cut short, a group start out of order, keys out of order, not an index.
  const std::string bytes = *util::read_file(path);
  write(path, bytes.substr(0, bytes.size() - 1));
  EXPECT_FALSE(stats::load_by_listener(path, 42, 1000));
  const std::size_t keys = 32 + 1000 * sizeof(stats::Download), starts = keys + g.groups() * 8;
  std::string bad = bytes;
  bad.replace(starts + 4, 4, "\xff\xff\xff\xff");  // the second group's start
  write(path, bad);
  EXPECT_FALSE(stats::load_by_listener(path, 42, 1000));
  bad = bytes;
  std::swap_ranges(bad.begin() + static_cast<long>(keys), bad.begin() + static_cast<long>(keys) + 8,
                   bad.begin() + static_cast<long>(keys) + 8);
  write(path, bad);
  EXPECT_FALSE(stats::load_by_listener(path, 42, 1000));
  write(path, "CTDOWN01" + bytes.substr(8));
  EXPECT_FALSE(stats::load_by_listener(path, 42, 1000));
  write(path, "");
  EXPECT_FALSE(stats::load_by_listener(path, 42, 1000));
  fs::remove(path);
  EXPECT_FALSE(stats::load_by_listener(path, 42, 1000));
}
