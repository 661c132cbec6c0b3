// Reads a whole (small) file into memory in one go.
#pragma once

#include <optional>
#include <string>

#include <boost/filesystem/path.hpp>

namespace crosstalk::util {

// Empty optional when the file cannot be opened or read.
std::optional<std::string> read_file(const boost::filesystem::path& path);

}  // namespace crosstalk::util
