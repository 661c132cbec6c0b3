// What `crosstalk stats` keeps between runs (.stats-state in the show
// folder, written atomically): how far each log was read, the downloads
// counted, the 24-hour windows still open, and what they were counted
// against (agent list, episode files), so a change of rules recounts all.
#pragma once

#include <boost/filesystem/path.hpp>
#include <optional>

#include "crosstalk/error.hpp"
#include "crosstalk/stats/counter.hpp"
#include "crosstalk/stats/log_files.hpp"

namespace crosstalk::stats {

// Serialises marks, rules, files and the counter's downloads, windows, tally.
std::string encode_state(const FileMarks& marks, std::uint64_t rules, const FileTable& files,
                         const Counter& counter);

// Restores into `counter` (made with the current files and agents) when the
// saved state was made with the same rules and the same sizes and thresholds
// for every file both know; nullopt: recount from the start.
struct Restored {
  FileMarks marks;
};
std::optional<Restored> decode_state(std::string_view bytes, std::uint64_t rules,
                                     const FileTable& files, Counter& counter);

}  // namespace crosstalk::stats
