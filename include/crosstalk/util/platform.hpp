// The platform layer: the few OS-specific calls the portable code needs.
// Implemented for POSIX (Linux, macOS) in util/platform_posix.cpp; a Windows
// port adds platform_windows.cpp with the same functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::util::platform {

// Writes past a file-size limit fail with an error instead of killing the
// process (SIGXFSZ), so a full disk or quota is reported like any I/O error.
void report_file_size_limit_as_error();

// Writing to a connection the peer closed fails with an error instead of
// killing the process (SIGPIPE); sendfile has no flag for it.
void report_broken_pipe_as_error();

// Raises this process's limit of open files to the most it may have (the
// hard limit), as servers do: each connection is a descriptor. Returns the
// limit now in force.
std::uint64_t raise_open_file_limit();

// The cores this process may run on (its CPU affinity: `taskset` and
// container limits count), at least 1.
int usable_cores();

// Flushes a file or folder entry to disk (fsync); for folders this makes a
// rename durable.
Result<void> sync_path(const boost::filesystem::path& path);

// An exclusive lock on a file (created if missing), held until destroyed.
// Open-file-description record locks (fcntl F_OFD_SETLK; classic POSIX
// locks where there are none, as on macOS): honoured across machines on NFS
// (v4, or v3 with lockd) and on SMB mounts by Linux cifs; not on file
// systems without lock support (then acquire() fails and says so). On FUSE
// file systems (sshfs) locks succeed but stay on this computer (measured:
// bench/lock_sshfs.sh), so acquire() refuses there unless
// `local_only_is_fine`. Whoever takes it writes "host H, pid P, since T"
// into the file for those waiting.
struct LockWait {
  bool local_only_is_fine = false;                 // only this computer writes to the folder
  std::chrono::milliseconds report_after{2000};    // then `waiting` is called once
  std::chrono::milliseconds give_up_after{120000};  // then acquire() fails
  std::function<void(const std::string& holder)> waiting;  // what the file says of the holder
  std::string give_up_hint;                         // ends the message when it gives up
};
class FileLock {
 public:
  static Result<FileLock> acquire(const boost::filesystem::path& path, const LockWait& wait = {});
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int handle) : handle_(handle) {}
  int handle_ = -1;
};

// A file's modification time (ns) and size from one stat; empty if missing.
// Inode and change time too: a same-size edit within one mtime tick (or an
// mtime set back) still changes the stamp.
struct FileStamp {
  std::int64_t mtime_ns = 0;
  std::uint64_t size = 0;
  std::uint64_t inode = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
std::optional<FileStamp> stat_stamp(const boost::filesystem::path& path);

// A regular file opened read-only for serving. open_beneath() walks `parts`
// (clean names: no "", ".", "..") from `root` without following a symlink
// anywhere (as nginx's disable_symlinks does), so nothing outside root is
// reachable; folders and anything not a regular file are refused.
class ServedFile {
 public:
  static std::optional<ServedFile> open_beneath(const boost::filesystem::path& root,
                                                const std::vector<std::string>& parts);
  ServedFile(ServedFile&& other) noexcept;
  ServedFile& operator=(ServedFile&& other) noexcept;
  ServedFile(const ServedFile&) = delete;
  ServedFile& operator=(const ServedFile&) = delete;
  ~ServedFile();

  std::uint64_t size() const { return size_; }
  std::int64_t mtime_ns() const { return mtime_ns_; }
  // Up to n bytes at offset: the count read, 0 at the end, -1 on error.
  std::int64_t read_at(void* buffer, std::size_t n, std::uint64_t offset) const;
  // Up to n bytes from offset straight to a non-blocking socket (sendfile
  // where the OS has it): the count sent, 0 when the socket would block,
  // -1 on error.
  std::int64_t send_to(int socket, std::uint64_t offset, std::size_t n) const;

 private:
  ServedFile(int handle, std::uint64_t size, std::int64_t mtime_ns)
      : handle_(handle), size_(size), mtime_ns_(mtime_ns) {}
  int handle_ = -1;
  std::uint64_t size_ = 0;
  std::int64_t mtime_ns_ = 0;
};

// While alive, the process's standard error goes nowhere (or is appended to
// `log`): for libraries that print probing noise (ALSA and JACK inside
// Pa_Initialize) or complain from their own threads (PortAudio's ALSA code
// when a device vanishes).
class SilencedStderr {
 public:
  explicit SilencedStderr(const boost::filesystem::path& log = {});
  ~SilencedStderr();
  SilencedStderr(const SilencedStderr&) = delete;
  SilencedStderr& operator=(const SilencedStderr&) = delete;

 private:
  int saved_ = -1;
};

// Whether standard input and output are both a terminal (a person is watching).
bool interactive_terminal();

// Single keys from the terminal while alive: no line buffering, no echo
// (Ctrl-C still interrupts). Restores the terminal when destroyed.
class Keyboard {
 public:
  Keyboard();
  ~Keyboard();
  Keyboard(const Keyboard&) = delete;
  Keyboard& operator=(const Keyboard&) = delete;
  // A key pressed since the last call, or -1; never waits.
  int poll();

 private:
  bool active_ = false;
  unsigned char saved_[128] = {};  // the terminal's settings (struct termios)
};

// Where a user's application data lives: $XDG_DATA_HOME or ~/.local/share
// on Linux, ~/Library/Application Support on macOS (%LOCALAPPDATA% on Windows).
boost::filesystem::path user_data_dir();

// Where a user's settings live: $XDG_CONFIG_HOME or ~/.config on Linux,
// ~/Library/Application Support on macOS (%APPDATA% on Windows).
boost::filesystem::path user_config_dir();

// Who runs this process: the login name ("anna"), or "uid 1000" when the
// system has no name for it.
std::string user_name();

// Appends `line` to the file `path` (created when missing) in one write,
// so lines of concurrent writers never interleave, and syncs it.
Result<void> append_line(const boost::filesystem::path& path, std::string_view line);

// Writes `bytes` at `offset` of the file `path` (created when missing), cuts
// the file just after them (whatever followed, e.g. the torn tail of an
// append-only journal, goes) and syncs it: an append that replaces the tail.
Result<void> write_tail(const boost::filesystem::path& path, std::uint64_t offset,
                        std::string_view bytes);

// Zeroed memory for megabytes written once and read once (a year's
// downloads grouped for the stats pass): on Linux in 2 MiB pages where the
// kernel has them (transparent huge pages, asked for with madvise), so
// that touching it costs a few page faults instead of one per 4 KiB;
// elsewhere plain heap memory. Null when out of memory.
struct LargeBlockFree {
  std::size_t bytes = 0;
  void operator()(void* block) const;
};
using LargeBlock = std::unique_ptr<void, LargeBlockFree>;
LargeBlock allocate_large(std::size_t bytes);

// Text of an OS error number, e.g. "No space left on device".
std::string error_text(int error_number);

}  // namespace crosstalk::util::platform
