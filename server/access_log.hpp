// Where `crosstalk serve` writes one line per request: standard output (the
// journal under systemd), or a file given with --access-log, appended to
// and opened again on SIGHUP so logrotate can move it away.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "crosstalk/error.hpp"

namespace crosstalk::server {

class AccessLog {
 public:
  AccessLog() = default;
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;
  ~AccessLog();

  // From now on lines go to `path` (created if missing, appended to).
  Result<void> open(const std::string& path);
  // After a rotation: lines so far stay in the file as it was moved, the
  // next ones go to a new file at the path. A failure keeps the old file.
  Result<void> reopen();
  // One whole line, written at once and flushed (none lost or split on a stop).
  void write(const std::string& line);

 private:
  std::mutex mutex_;
  std::string path_;
  std::FILE* file_ = nullptr;  // nullptr: stdout
};

}  // namespace crosstalk::server
