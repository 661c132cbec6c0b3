// The state and journal files of `crosstalk stats` (state.hpp says what they
// hold): loading them into a Counter, and saving only what a run changed —
// new downloads appended to the journal, then the small state replaced.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstdint>

#include "crosstalk/error.hpp"
#include "crosstalk/stats/counter.hpp"
#include "crosstalk/stats/log_files.hpp"

namespace crosstalk::stats {

struct StorePaths {
  boost::filesystem::path state, journal;
};

struct Store {
  FileMarks marks;
  std::uint64_t generation = 0;
  std::uint64_t saved_downloads = 0;  // the journal's valid records
  bool fresh = true;                  // counting from the start: a new journal
  // A journal that this recount replaces without being asked to (`--full`
  // asks): it holds downloads older than the logs still kept, so it is
  // kept beside (kept_journal()) instead of being overwritten.
  bool keep_old_journal = false;
};

// Where a replaced journal is kept: .stats-downloads.before-recount-SECONDS
// (-2, -3… when that name is taken).
boost::filesystem::path kept_journal(const boost::filesystem::path& journal, std::int64_t now);

// Counting from the start (`--full`): a new generation, nothing read.
Store new_store();

// Restores `counter` (made with the current files and agents). A fresh store
// (nothing restored, a new generation) when the files are missing, were made
// with other rules or files, disagree, or are damaged; an existing journal
// is then kept when the new one is saved (keep_old_journal).
Store load_store(const StorePaths& paths, std::uint64_t rules, const FileTable& files,
                 Counter& counter);

// Appends the downloads past `saved_downloads` to the journal (a fresh store
// writes a new journal, temp + rename), syncs it, then replaces the state
// (temp + rename). A crash between the two leaves the old state, which names
// the old count: the next run cuts the extra records and reads those lines
// again.
Result<void> save_store(const StorePaths& paths, Store& store, std::uint64_t rules,
                        const FileTable& files, const Counter& counter);

}  // namespace crosstalk::stats
