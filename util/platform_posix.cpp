// POSIX implementation of the platform layer (Linux, macOS): raw file
// descriptors, fsync and signal handling. Nothing else in crosstalk includes
// <unistd.h> or <fcntl.h>.
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "crosstalk/util/output_file.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::util {

namespace platform {

void report_file_size_limit_as_error() { ::signal(SIGXFSZ, SIG_IGN); }

std::string error_text(int error_number) { return std::strerror(error_number); }

Result<void> sync_path(const boost::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure(path.string() + ": cannot open to sync: " + error_text(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some file systems (and folders on some network shares) refuse fsync on a
  // folder; the data itself was synced, so that is not an error.
  if (rc != 0 && err != EINVAL && err != EBADF && err != EISDIR)
    return failure(path.string() + ": cannot sync to disk: " + error_text(err));
  return {};
}

std::optional<FileStamp> stat_stamp(const boost::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
#ifdef __APPLE__
  std::int64_t ns = static_cast<std::int64_t>(st.st_mtimespec.tv_sec) * 1000000000 + st.st_mtimespec.tv_nsec;
#else
  std::int64_t ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
#endif
  return FileStamp{ns, static_cast<std::uint64_t>(st.st_size)};
}

Result<FileLock> FileLock::acquire(const boost::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    int err = errno;
    std::string msg = path.string() + ": cannot open the lock file: " + error_text(err);
    if (err == EACCES || err == EROFS || err == EPERM)
      return bad_input(msg + " (you need write access to the show folder)");
    return failure(msg);
  }
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  while (::fcntl(fd, F_SETLKW, &lock) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    return failure(path.string() + ": cannot lock the show (" + error_text(err) +
                   "); the share may not support locks");
  }
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : handle_(std::exchange(other.handle_, -1)) {}

FileLock::~FileLock() {
  if (handle_ >= 0) ::close(handle_);  // closing releases the lock
}

}  // namespace platform

namespace {
Error io_error(const boost::filesystem::path& path, const char* what, int err) {
  std::string msg = path.string() + ": " + what + ": " + platform::error_text(err);
  if (err == ENOSPC || err == EFBIG || err == EDQUOT) msg += " (the disk or quota is full: free some space)";
  if (err == EACCES || err == EPERM || err == EROFS)
    return Error{ErrorKind::BadInput, msg + " (choose a folder you can write to)"};
  return Error{ErrorKind::Failed, msg};
}
}  // namespace

Result<OutputFile> OutputFile::create_new(const boost::filesystem::path& path,
                                          const boost::filesystem::path& shown_as) {
  const boost::filesystem::path& name = shown_as.empty() ? path : shown_as;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(io_error(name, "cannot create file", errno));
  return OutputFile(fd, path, name);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : handle_(std::exchange(other.handle_, -1)),
      path_(std::move(other.path_)),
      shown_as_(std::move(other.shown_as_)) {}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    if (handle_ >= 0) ::close(handle_);
    handle_ = std::exchange(other.handle_, -1);
    path_ = std::move(other.path_);
    shown_as_ = std::move(other.shown_as_);
  }
  return *this;
}

OutputFile::~OutputFile() {
  if (handle_ >= 0) ::close(handle_);
}

Result<void> OutputFile::write_all(std::span<const std::uint8_t> bytes) {
  if (handle_ < 0) return failure(shown_as_.string() + ": write after close");
  while (!bytes.empty()) {
    ssize_t n = ::write(handle_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error(shown_as_, "cannot write", errno));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> OutputFile::sync() {
  if (handle_ >= 0 && ::fsync(handle_) != 0)
    return std::unexpected(io_error(shown_as_, "cannot sync to disk", errno));
  return {};
}

Result<void> OutputFile::close() {
  if (handle_ < 0) return {};
  int fd = std::exchange(handle_, -1);
  if (::close(fd) != 0) return std::unexpected(io_error(shown_as_, "cannot close", errno));
  return {};
}

}  // namespace crosstalk::util
