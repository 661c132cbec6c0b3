// Reads a whole (small) file into memory in one go; copies files.
#pragma once

#include <optional>
#include <string>

#include <boost/filesystem/path.hpp>

namespace crosstalk::util {

// Empty optional when the file cannot be opened or read.
std::optional<std::string> read_file(const boost::filesystem::path& path);

}  // namespace crosstalk::util

#include "crosstalk/error.hpp"

namespace crosstalk::util {

// Copies a file's bytes into a new file `to` (which must not exist), in
// 64 KiB blocks. (Boost 1.74's copy_file fails across file systems on some
// kernels: copy_file_range returns EXDEV and it does not fall back.)
Result<void> copy_file(const boost::filesystem::path& from, const boost::filesystem::path& to);

}  // namespace crosstalk::util
