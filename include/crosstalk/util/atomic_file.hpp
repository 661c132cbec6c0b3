// AtomicFile: writes a file under a temporary name in the target's folder and
// renames it over the target on commit(). The destructor never commits: a
// half-written file is removed, and the old target stays as it was.
#pragma once

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/util/output_file.hpp"

namespace crosstalk::util {

// How a replacement is made to last.
enum class Sync {
  // Synced, renamed, the folder synced: after a power cut, the old file or
  // the new one, complete. For everything a person made or would miss.
  durable,
  // Renamed only: a crash of the process still leaves the old file or the
  // new one, but after a power cut the new one may be damaged or lost. Only
  // for files derived from others, whose reader checks them and makes them
  // again (the stats state: a checksum, then a recount from the logs).
  rename_only,
};

class AtomicFile {
 public:
  static Result<AtomicFile> create(const boost::filesystem::path& target);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();  // removes the temporary file unless committed

  OutputFile& file() { return file_; }
  const boost::filesystem::path& temp_path() const { return temp_; }
  const boost::filesystem::path& target() const { return target_; }

  // Syncs and closes the temporary file (other code may then edit it by path,
  // e.g. TagLib), without making it visible under the target name.
  Result<void> close();
  // Closes if needed, syncs, renames over the target, syncs the folder
  // (Sync::rename_only: closes and renames).
  Result<void> commit(Sync sync = Sync::durable);

 private:
  AtomicFile(OutputFile file, boost::filesystem::path temp, boost::filesystem::path target);
  OutputFile file_;
  boost::filesystem::path temp_;
  boost::filesystem::path target_;
  bool committed_ = false;
};

// Writes bytes to path atomically (temp + rename).
Result<void> write_file_atomically(const boost::filesystem::path& path,
                                   std::span<const std::uint8_t> bytes, Sync sync = Sync::durable);

// Replaces `path` atomically only when its bytes differ, so unchanged files
// keep their mtime (stable HTTP validators). True when it wrote.
Result<bool> write_file_if_changed(const boost::filesystem::path& path, std::string_view content);

}  // namespace crosstalk::util
