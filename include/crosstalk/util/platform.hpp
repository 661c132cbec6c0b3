// The platform layer: the few OS-specific calls the portable code needs.
// Implemented for POSIX (Linux, macOS) in util/platform_posix.cpp; a Windows
// port adds platform_windows.cpp with the same functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::util::platform {

// Writes past a file-size limit fail with an error instead of killing the
// process (SIGXFSZ), so a full disk or quota is reported like any I/O error.
void report_file_size_limit_as_error();

// Flushes a file or folder entry to disk (fsync); for folders this makes a
// rename durable.
Result<void> sync_path(const boost::filesystem::path& path);

// An exclusive lock on a file (created if missing), held until destroyed.
// POSIX record locks (fcntl): honoured across machines on NFS (v4, or v3 with
// lockd) and on SMB mounts by Linux cifs; not on file systems without lock
// support (then acquire() fails and says so).
class FileLock {
 public:
  static Result<FileLock> acquire(const boost::filesystem::path& path);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int handle) : handle_(handle) {}
  int handle_ = -1;
};

// A file's modification time (ns) and size from one stat; empty if missing.
struct FileStamp {
  std::int64_t mtime_ns = 0;
  std::uint64_t size = 0;
};
std::optional<FileStamp> stat_stamp(const boost::filesystem::path& path);

// Text of an OS error number, e.g. "No space left on device".
std::string error_text(int error_number);

}  // namespace crosstalk::util::platform
