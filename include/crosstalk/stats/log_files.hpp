// Reading access logs incrementally: a file is known by its content (a hash
// of its first line), not its name, so a rotated file (access.log →
// access.log.1 → access.log.2.gz) is recognised and only what was added
// since the last run is read. Gzipped files through zlib.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::stats {

// First-line hash → bytes of its (uncompressed) content already read.
using FileMarks = std::map<std::uint64_t, std::uint64_t>;

// PATH and its rotated siblings in the same folder (PATH.1, PATH.2.gz,
// PATH-20261129, …), those that exist (PATH itself may be missing while
// logs rotate); a folder: every file in it.
std::vector<boost::filesystem::path> with_rotated(const boost::filesystem::path& path);

// Calls on_line for every complete line not read before (by `marks`),
// oldest file first (by the time on its first line), and moves the marks.
// A missing or unreadable file is an error naming it.
Result<void> read_new_lines(const std::vector<boost::filesystem::path>& files, FileMarks& marks,
                            const std::function<void(std::string_view line)>& on_line);

}  // namespace crosstalk::stats
