// Loading and saving the state and its journal (see the header).
#include "crosstalk/stats/store.hpp"

#include <boost/filesystem/operations.hpp>
#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <chrono>
#include <memory>
#include <random>

#include "crosstalk/stats/state.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/platform.hpp"
#include "crosstalk/util/read_file.hpp"

namespace crosstalk::stats {

namespace {

std::uint64_t new_generation() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// The journal mapped and read in place (Downloads), for as long as the
// counter lives; a run only ever appends past the records it maps.
bool load_journal(const boost::filesystem::path& path, std::uint64_t generation,
                  std::uint64_t count, Downloads& out) {
  namespace ipc = boost::interprocess;
  try {
    ipc::file_mapping file(path.c_str(), ipc::read_only);
    auto region = std::make_shared<ipc::mapped_region>(file, ipc::read_only);
    const auto records = journal_records(
        {static_cast<const char*>(region->get_address()), region->get_size()}, generation, count);
    if (!records) return false;
    out.restore(*records, std::move(region));
    return true;
  } catch (const ipc::interprocess_exception&) {  // missing, unreadable or empty
    return false;
  }
}

}  // namespace

Store new_store() {
  Store store;
  store.generation = new_generation();
  return store;
}

Store load_store(const StorePaths& paths, std::uint64_t rules, const FileTable& files,
                 Counter& counter) {
  if (auto saved = util::read_file(paths.state))
    if (auto restored = decode_state(*saved, rules, files, counter))
      if (load_journal(paths.journal, restored->generation, restored->downloads,
                       counter.downloads)) {
        Store store;
        store.marks = std::move(restored->marks);
        store.generation = restored->generation;
        store.saved_downloads = restored->downloads;
        store.fresh = false;
        return store;
      }
  // Other rules or files, damaged or missing: count again from the start.
  counter.reset();
  Store fresh = new_store();
  boost::system::error_code ec;
  fresh.keep_old_journal = boost::filesystem::file_size(paths.journal, ec) > kJournalHeader && !ec;
  return fresh;
}

boost::filesystem::path kept_journal(const boost::filesystem::path& journal, std::int64_t now) {
  // Two recounts in one second (another agent list right after a damaged
  // state) must not overwrite the first one's kept journal.
  boost::filesystem::path kept = journal.string() + ".before-recount-" + std::to_string(now);
  for (int n = 2; boost::filesystem::exists(kept); ++n)
    kept = journal.string() + ".before-recount-" + std::to_string(now) + "-" + std::to_string(n);
  return kept;
}

Result<void> save_store(const StorePaths& paths, Store& store, std::uint64_t rules,
                        const FileTable& files, const Counter& counter) {
  if (store.fresh) {
    if (store.keep_old_journal) {
      boost::system::error_code ec;
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      boost::filesystem::rename(paths.journal, kept_journal(paths.journal, now), ec);
      if (ec && boost::filesystem::exists(paths.journal))
        return failure(paths.journal.string() + ": cannot keep it before a recount: " +
                       ec.message() + " (move it away to recount)");
      store.keep_old_journal = false;
    }
    const std::string journal =
        encode_journal_header(store.generation) + encode_downloads(counter.downloads, 0);
    if (auto w = util::write_file_atomically(paths.journal, bytes_of(journal)); !w)
      return std::unexpected(w.error());
  } else if (counter.downloads.size() > store.saved_downloads) {
    const std::string tail = encode_downloads(counter.downloads, store.saved_downloads);
    if (auto w = util::platform::write_tail(
            paths.journal, kJournalHeader + store.saved_downloads * kJournalRecord, tail);
        !w)
      return std::unexpected(w.error());
  }
  const std::string state = encode_state(store.marks, rules, files, counter, store.generation);
  if (auto w = util::write_file_atomically(paths.state, bytes_of(state)); !w)
    return std::unexpected(w.error());
  store.saved_downloads = counter.downloads.size();
  store.fresh = false;
  return {};
}

}  // namespace crosstalk::stats
