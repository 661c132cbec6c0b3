// AtomicFile: writes a file under a temporary name in the target's folder and
// renames it over the target on commit(). The destructor never commits: a
// half-written file is removed, and the old target stays as it was.
#pragma once

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/util/output_file.hpp"

namespace crosstalk::util {

// Whether a commit waits for the disk: Synced (the file, then its folder:
// after a crash, the new file or the old one), or Unsynced, for derived data
// that is checked when read (after a crash, the new file, the old one, or a
// damaged one).
enum class Durability { Synced, Unsynced };

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
  // (Unsynced: closes and renames).
  Result<void> commit(Durability durability = Durability::Synced);

 private:
  AtomicFile(OutputFile file, boost::filesystem::path temp, boost::filesystem::path target);
  OutputFile file_;
  boost::filesystem::path temp_;
  boost::filesystem::path target_;
  bool committed_ = false;
};

// Writes bytes to path atomically (temp + rename).
Result<void> write_file_atomically(const boost::filesystem::path& path,
                                   std::span<const std::uint8_t> bytes,
                                   Durability durability = Durability::Synced);

// Replaces `path` atomically only when its bytes differ, so unchanged files
// keep their mtime (stable HTTP validators). True when it wrote.
Result<bool> write_file_if_changed(const boost::filesystem::path& path, std::string_view content);

}  // namespace crosstalk::util
