// The access log's file: open, append whole lines, reopen after rotation.
#include "access_log.hpp"

#include <cerrno>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::server {

namespace {
Result<std::FILE*> open_for_append(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "ae");  // e: close on exec
  if (!file)
    return failure(i18n::tr("--access-log {1}: cannot open for appending: {2} (is its folder there and writable by "
                            "this user?)",
                            path, util::platform::error_text(errno)));
  return file;
}
}  // namespace

AccessLog::~AccessLog() {
  if (file_) std::fclose(file_);
}

Result<void> AccessLog::open(const std::string& path) {
  auto file = open_for_append(path);
  if (!file) return std::unexpected(file.error());
  std::lock_guard lock(mutex_);
  if (file_) std::fclose(file_);
  file_ = *file;
  path_ = path;
  return {};
}

Result<void> AccessLog::reopen() {
  std::lock_guard lock(mutex_);
  if (!file_) return {};
  auto file = open_for_append(path_);
  if (!file) return std::unexpected(file.error());
  std::fclose(file_);
  file_ = *file;
  return {};
}

void AccessLog::write(const std::string& line) {
  std::lock_guard lock(mutex_);
  std::FILE* out = file_ ? file_ : stdout;
  std::fprintf(out, "%s\n", line.c_str());
  std::fflush(out);
}

}  // namespace crosstalk::server
