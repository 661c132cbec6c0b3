// The platform layer: the few OS-specific calls the portable code needs.
// Implemented for POSIX (Linux, macOS) in util/platform_posix.cpp; a Windows
// port adds platform_windows.cpp with the same functions.
#pragma once

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

// Text of an OS error number, e.g. "No space left on device".
std::string error_text(int error_number);

}  // namespace crosstalk::util::platform
