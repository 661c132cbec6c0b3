// What `crosstalk stats` keeps between runs, in two files of the show folder:
//
// - `.stats-downloads`, the journal: the downloads counted, as fixed-size
//   records after a header naming its generation (a random number). Runs
//   only append to it; a recount writes a new one (temp + rename) under a new
//   generation.
// - `.stats-state` (small, temp + rename): how far each log was read, what
//   the counting was made with (agent list and rules, episode files), the
//   tally, the 24-hour windows still open, and the journal's generation and
//   how many of its records are valid. Records past that count (a run that
//   died between the two writes) are a torn tail: ignored, then overwritten.
#pragma once

#include <boost/filesystem/path.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crosstalk/error.hpp"
#include "crosstalk/stats/counter.hpp"
#include "crosstalk/stats/log_files.hpp"

namespace crosstalk::stats {

// The small state: marks, rules, files, the journal's generation and record
// count (the counter's downloads), and the counter's windows and tally.
std::string encode_state(const FileMarks& marks, std::uint64_t rules, const FileTable& files,
                         const Counter& counter, std::uint64_t generation);

// Restores all but the downloads into `counter` (made with the current files
// and agents) when the saved state was made with the same rules and the same
// sizes and thresholds for every file both know; nullopt: recount from the
// start.
struct Restored {
  FileMarks marks;
  std::uint64_t generation = 0;
  std::uint64_t downloads = 0;  // valid records in the journal
};
std::optional<Restored> decode_state(std::string_view bytes, std::uint64_t rules,
                                     const FileTable& files, Counter& counter);

// The journal: its header, records, and reading back `count` records of
// generation `generation` (false when it is another journal or too short).
constexpr std::size_t kJournalHeader = 16, kJournalRecord = 32;
std::string encode_journal_header(std::uint64_t generation);
std::string encode_downloads(const Downloads& downloads, std::size_t from);
// The records where they lie in `bytes` (which must outlive the span, and
// start 8-byte aligned, as a mapping or an allocation does).
std::optional<std::span<const Download>> journal_records(std::string_view bytes,
                                                         std::uint64_t generation,
                                                         std::uint64_t count);

}  // namespace crosstalk::stats
