// What `crosstalk serve` answers for a request, decided without any network
// code: which file under public/ a target names (or why none), its type,
// validators and the byte range asked for. Pure functions, unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/filesystem/path.hpp>

namespace crosstalk::server {

// The file under `root` that `target` ("/episodes/0001-marketing.opus?x=1")
// names, or empty: anything outside root (.., %2e%2e, encoded slashes,
// backslashes, NUL, symlinks leading out), folders, dot-files.
std::optional<boost::filesystem::path> resolve_target(const boost::filesystem::path& root,
                                                      std::string_view target);

std::string content_type(const boost::filesystem::path& file);
std::string cache_control(const boost::filesystem::path& file);

// "\"<size hex>-<mtime ns hex>\"" and an HTTP date.
std::string etag(std::uint64_t size, std::int64_t mtime_ns);
std::string http_date(std::int64_t unix_seconds);
std::optional<std::int64_t> parse_http_date(std::string_view text);

struct ByteRange {
  std::uint64_t first = 0, last = 0;  // inclusive
};
enum class RangeKind { None, Satisfiable, Unsatisfiable };
// One "bytes=a-b", "bytes=a-" or "bytes=-n"; several ranges are answered
// with the whole file (None), as RFC 9110 allows.
RangeKind parse_range(std::string_view header, std::uint64_t size, ByteRange& out);

}  // namespace crosstalk::server
