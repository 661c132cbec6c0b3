// The counts the report's pass adds up over the listeners (report.cpp), and
// what they were counted under; kept by `crosstalk stats` in the show folder
// (`.stats-sums`) so that the next run passes over only the listeners with
// new downloads: the sums, minus those listeners' counts before, plus their
// counts now. Derived data: sums of another journal, of more downloads than
// the state vouches for, counted under other parameters, or damaged are not
// used, and the next run counts over everyone again.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crosstalk::stats {

struct Sums {
  // The counts. Every one is a sum over listeners (a distinct count is one
  // per listener who has it), so the counts of a set of listeners are the
  // sums of theirs; subtraction is modulo 2^64, as the results are never
  // negative.
  enum Kind {
    kTotals,  // downloads, over the volume limit, by unknown subscribers, listeners
    kPeriodDownloads,
    kPeriodListeners,
    kEpisodeDownloads,
    kEpisodeOpus,
    kEpisodeMp3,
    kEpisodeListeners,
    kEpisodeFirst7Days,
    kEpisodeFirst30Days,
    kAppDownloads,
    kAppListeners,
    kFeedDownloads,  // Opus, MP3
    kFeedListeners,
    kHeardByColumn,  // per subscriber s, [s * columns, (s + 1) * columns)
    kHeard,          // per subscriber
    kSubscriberDownloads,
    kKinds
  };
  enum Total {
    kDownloads,
    kUnrealisticVolume,
    kUnknownSubscriberDownloads,
    kListeners,
    kTotalCount
  };
  std::array<std::vector<std::uint64_t>, kKinds> counts;

  // What they count: the journal (its generation) up to `covered` downloads,
  // under report parameters (`parameters`: a hash of the episodes' rows,
  // the subscribers, the period kind; `excluded`: a hash of the address-days
  // over the volume limit), from `from` to `to` with periods starting at
  // `starts`. `first`, `last` (counted downloads), `latest` (any), `lowest`
  // and `highest` (episode numbers) are those of the covered downloads.
  std::uint64_t generation = 0, covered = 0, parameters = 0, excluded = 0;
  std::int64_t from = 0, to = 0, first = 0, last = 0, latest = 0;
  std::int32_t lowest = 0, highest = 0;
  std::vector<std::int64_t> starts;

  std::uint64_t total(Total t) const { return counts[kTotals][t]; }
  // Adds (or takes away) another's counts, element by element, growing to
  // the longer of the two (periods and apps only ever grow at their end).
  void add(const Sums& other);
  void subtract(const Sums& other);
};

std::string encode_sums(const Sums& sums);
std::optional<Sums> decode_sums(std::string_view bytes);  // nullopt when damaged

}  // namespace crosstalk::stats
