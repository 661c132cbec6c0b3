// POSIX implementation of the platform layer (Linux, macOS): raw file
// descriptors, fsync and signal handling. Nothing else in crosstalk includes
// <unistd.h> or <fcntl.h>.
#include <fcntl.h>
#include <sys/socket.h>
#include <poll.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif
#include <termios.h>
#ifdef __linux__
#include <sys/sendfile.h>
#endif
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>
#include <utility>

#include "crosstalk/util/output_file.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::util {

namespace platform {

void report_file_size_limit_as_error() { ::signal(SIGXFSZ, SIG_IGN); }

void report_broken_pipe_as_error() { ::signal(SIGPIPE, SIG_IGN); }

int usable_cores() {
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::uint64_t raise_open_file_limit() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return static_cast<std::uint64_t>(limit.rlim_cur);
}

SilencedStderr::SilencedStderr(const boost::filesystem::path& log) {
  std::fflush(stderr);
  saved_ = ::dup(2);
  int null = log.empty() ? ::open("/dev/null", O_WRONLY | O_CLOEXEC)
                         : ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (null >= 0) {
    ::dup2(null, 2);
    ::close(null);
  }
}

SilencedStderr::~SilencedStderr() {
  std::fflush(stderr);
  if (saved_ >= 0) {
    ::dup2(saved_, 2);
    ::close(saved_);
  }
}

Keyboard::Keyboard() {
  static_assert(sizeof(termios) <= sizeof(saved_));
  termios t{};
  if (!::isatty(0) || ::tcgetattr(0, &t) != 0) return;
  std::memcpy(saved_, &t, sizeof t);
  t.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  active_ = ::tcsetattr(0, TCSANOW, &t) == 0;
}

Keyboard::~Keyboard() {
  if (!active_) return;
  termios t{};
  std::memcpy(&t, saved_, sizeof t);
  ::tcsetattr(0, TCSANOW, &t);
}

int Keyboard::poll() {
  if (!active_) return -1;
  pollfd p{0, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return -1;
  unsigned char c = 0;
  return ::read(0, &c, 1) == 1 ? c : -1;
}

bool interactive_terminal() { return ::isatty(0) && ::isatty(1); }

namespace {
// $`variable` when it is an absolute path (XDG base directories), else
// ~/`fallback`; on macOS, ~/Library/Application Support for both.
boost::filesystem::path xdg_dir([[maybe_unused]] const char* variable, [[maybe_unused]] const char* fallback) {
  const char* home = std::getenv("HOME");
  const boost::filesystem::path base = home && *home ? home : "/tmp";
#ifdef __APPLE__
  return base / "Library" / "Application Support";
#else
  if (const char* xdg = std::getenv(variable); xdg && *xdg == '/') return xdg;
  return base / fallback;
#endif
}
}  // namespace

boost::filesystem::path user_data_dir() { return xdg_dir("XDG_DATA_HOME", ".local/share"); }

boost::filesystem::path user_config_dir() { return xdg_dir("XDG_CONFIG_HOME", ".config"); }

std::string error_text(int error_number) { return std::strerror(error_number); }

std::string user_name() {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buffer[4096];
  if (::getpwuid_r(::geteuid(), &pw, buffer, sizeof buffer, &found) == 0 && found && found->pw_name[0])
    return found->pw_name;
  return "uid " + std::to_string(::geteuid());
}

Result<void> append_line(const boost::filesystem::path& path, std::string_view line) {
  std::string text(line);
  text += '\n';
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return failure(path.string() + ": cannot open to append: " + error_text(errno));
  struct stat before {};
  const bool sized = ::fstat(fd, &before) == 0;
  char last = '\n';  // a line cut short by a crash must not swallow this one
  if (sized && before.st_size > 0 && ::pread(fd, &last, 1, before.st_size - 1) == 1 && last != '\n')
    text.insert(text.begin(), '\n');
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int err = errno;
  if (n > 0 && n != static_cast<ssize_t>(text.size()) && sized)
    (void)!::ftruncate(fd, before.st_size);  // no half line for the next one to run into
  const bool synced = n >= 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size()))
    return failure(path.string() + ": cannot append: " + (n < 0 ? error_text(err) : std::string("the disk is full")));
  if (!synced) return failure(path.string() + ": cannot sync: " + error_text(errno));
  return {};
}

Result<void> write_tail(const boost::filesystem::path& path, std::uint64_t offset, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return failure(path.string() + ": cannot open to write: " + error_text(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return failure(path.string() + ": cannot write: " + (n < 0 ? error_text(err) : std::string("the disk is full")));
    }
    done += static_cast<std::size_t>(n);
  }
  const bool cut = ::ftruncate(fd, static_cast<off_t>(offset + bytes.size())) == 0;
  const int cut_err = errno;
  const bool synced = cut && ::fsync(fd) == 0;
  const int sync_err = errno;
  ::close(fd);
  if (!cut) return failure(path.string() + ": cannot cut: " + error_text(cut_err));
  if (!synced) return failure(path.string() + ": cannot sync: " + error_text(sync_err));
  return {};
}

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

namespace {
std::int64_t nanoseconds(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }
#ifdef __APPLE__
std::int64_t mtime_of(const struct stat& st) { return nanoseconds(st.st_mtimespec); }
std::int64_t ctime_of(const struct stat& st) { return nanoseconds(st.st_ctimespec); }
#else
std::int64_t mtime_of(const struct stat& st) { return nanoseconds(st.st_mtim); }
std::int64_t ctime_of(const struct stat& st) { return nanoseconds(st.st_ctim); }
#endif
}  // namespace

std::optional<FileStamp> stat_stamp(const boost::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{mtime_of(st), static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino),
                   ctime_of(st)};
}

std::optional<ServedFile> ServedFile::open_beneath(const boost::filesystem::path& root,
                                                   const std::vector<std::string>& parts) {
  if (parts.empty()) return std::nullopt;
  int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return std::nullopt;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    int next = ::openat(dir, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(dir);
    if (next < 0) return std::nullopt;
    dir = next;
  }
  int fd = ::openat(dir, parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  ::close(dir);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  return ServedFile(fd, static_cast<std::uint64_t>(st.st_size), mtime_of(st));
}

ServedFile::ServedFile(ServedFile&& other) noexcept
    : handle_(std::exchange(other.handle_, -1)), size_(other.size_), mtime_ns_(other.mtime_ns_) {}

ServedFile& ServedFile::operator=(ServedFile&& other) noexcept {
  if (this != &other) {
    if (handle_ >= 0) ::close(handle_);
    handle_ = std::exchange(other.handle_, -1);
    size_ = other.size_;
    mtime_ns_ = other.mtime_ns_;
  }
  return *this;
}

ServedFile::~ServedFile() {
  if (handle_ >= 0) ::close(handle_);
}

std::int64_t ServedFile::read_at(void* buffer, std::size_t n, std::uint64_t offset) const {
  for (;;) {
    ssize_t got = ::pread(handle_, buffer, n, static_cast<off_t>(offset));
    if (got >= 0) return got;
    if (errno != EINTR) return -1;
  }
}

std::int64_t ServedFile::send_to(int socket, std::uint64_t offset, std::size_t n) const {
  for (;;) {
#ifdef __linux__
    off_t at = static_cast<off_t>(offset);
    ssize_t sent = ::sendfile(socket, handle_, &at, n);
#else
    char buffer[65536];
    ssize_t got = ::pread(handle_, buffer, n < sizeof buffer ? n : sizeof buffer, static_cast<off_t>(offset));
    if (got <= 0) return got == 0 ? -1 : (errno == EINTR ? 0 : -1);
    ssize_t sent = ::send(socket, buffer, static_cast<std::size_t>(got), 0);
#endif
    if (sent > 0) return sent;
    if (sent == 0) return -1;  // the file shrank
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
  }
}

namespace {
#ifdef F_OFD_SETLK
constexpr int kTryLock = F_OFD_SETLK;
#else
constexpr int kTryLock = F_SETLK;
#endif

// The first line of the lock file: who holds it, as they wrote it.
std::string holder_of(int fd) {
  char buf[256];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  std::string text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  text = text.substr(0, text.find('\n'));
  return text.empty() ? "another process (it did not say who)" : text;
}

// "host H, pid P, since 2026-11-29T10:00:00Z"
std::string holder_note() {
  char host[256] = "?";
  if (::gethostname(host, sizeof host) != 0) std::strcpy(host, "?");
  host[sizeof host - 1] = '\0';
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  char since[32] = "?";
  if (::gmtime_r(&now, &utc)) std::strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string("host ") + host + ", pid " + std::to_string(::getpid()) + ", since " + since + "\n";
}
}  // namespace

Result<FileLock> FileLock::acquire(const boost::filesystem::path& path, const LockWait& wait) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    int err = errno;
    std::string msg = path.string() + ": cannot open the lock file: " + error_text(err);
    if (err == EACCES || err == EROFS || err == EPERM)
      return bad_input(msg + " (you need write access to the show folder)");
    return failure(msg);
  }
#ifdef __linux__
  // FUSE (sshfs and others): the kernel keeps the lock on this computer and
  // never asks the server; a second machine's lock would succeed too.
  constexpr long kFuseMagic = 0x65735546;
  if (struct statfs fs {}; !wait.local_only_is_fine && ::fstatfs(fd, &fs) == 0 && fs.f_type == kFuseMagic) {
    ::close(fd);
    return bad_input(path.string() + ": the show folder is on a FUSE file system (sshfs?), whose locks do not reach "
                     "other computers, so two of them could take the same episode number; share it over NFSv4 or "
                     "SMB, or set CROSSTALK_SINGLE_WRITER=1 if only this computer changes the show");
  }
#endif
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file; l_pid 0, as OFD locks need
  const auto start = std::chrono::steady_clock::now();
  auto pause = std::chrono::milliseconds(5);
  bool reported = false;
  // Polled rather than F_OFD_SETLKW, so that waiting can be reported and ended.
  while (::fcntl(fd, kTryLock, &lock) != 0) {
    int err = errno;
    if (err == EINTR) continue;
    if (err != EAGAIN && err != EACCES) {
      ::close(fd);
      return failure(path.string() + ": cannot lock the show (" + error_text(err) +
                     "); the share may not support locks");
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited >= wait.give_up_after) {
      std::string holder = holder_of(fd);
      ::close(fd);
      return failure(path.string() + ": still held by " + holder + " after " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait.give_up_after).count()) +
                     " s; gave up" + (wait.give_up_hint.empty() ? "" : "; " + wait.give_up_hint));
    }
    if (!reported && waited >= wait.report_after) {
      reported = true;
      if (wait.waiting) wait.waiting(holder_of(fd));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
  const std::string note = holder_note();  // only informative: a failure to write it changes nothing
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, note.data(), note.size(), 0) < 0) errno = 0;
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : handle_(std::exchange(other.handle_, -1)) {}

FileLock::~FileLock() {
  if (handle_ >= 0) ::close(handle_);  // closing releases the lock
}

LargeBlock allocate_large(std::size_t bytes) {
  if (bytes == 0) return LargeBlock(nullptr, LargeBlockFree{0});
#ifdef MADV_HUGEPAGE
  // Whole 2 MiB pages at a 2 MiB boundary: the mapping is made larger by
  // one such page, then trimmed to the aligned part.
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  const std::size_t size = (bytes + kHuge - 1) / kHuge * kHuge;
  void* raw = ::mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return LargeBlock(nullptr, LargeBlockFree{0});
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHuge - 1) / kHuge * kHuge;
  if (aligned > start) ::munmap(raw, aligned - start);
  if (const std::uintptr_t end = start + size + kHuge; end > aligned + size)
    ::munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  void* block = reinterpret_cast<void*>(aligned);
  ::madvise(block, size, MADV_HUGEPAGE);  // a hint: without it, 4 KiB pages
  return LargeBlock(block, LargeBlockFree{size});
#else
  return LargeBlock(std::calloc(1, bytes), LargeBlockFree{0});
#endif
}

void LargeBlockFree::operator()(void* block) const {
#ifdef MADV_HUGEPAGE
  if (block) ::munmap(block, bytes);
#else
  std::free(block);
#endif
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

Result<void> OutputFile::write_at(std::uint64_t offset, std::span<const std::uint8_t> bytes) {
  if (handle_ < 0) return failure(shown_as_.string() + ": write after close");
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(handle_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error(shown_as_, "cannot write", errno));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
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
