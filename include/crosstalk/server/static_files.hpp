// What `crosstalk serve` answers for a request, decided without any network
// code: which file under public/ a target names (or why none), its type,
// validators and the byte range asked for. Pure functions, unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/filesystem/path.hpp>
#include <vector>

#include "crosstalk/util/platform.hpp"

namespace crosstalk::server {

// A hex digit's value (either case), or -1: for %XX in targets.
int hex_value(char c);

// The origin form of a request target: the absolute form proxies send
// ("http://host:8080/feed.xml?x", which servers must accept: RFC 9112
// 3.2.2) loses its scheme and authority ("/feed.xml?x"; "http://host" is
// "/"); any other target is returned as it is.
std::string origin_form(std::string_view target);

// The path parts a target ("/episodes/0001-marketing.opus?x=1") names under
// the web root ("/" is index.html), or empty: "..", "%2e%2e", encoded
// slashes, backslashes, NUL, "//", dot-files.
std::optional<std::vector<std::string>> target_parts(std::string_view target);

// The regular file under `root` that `target` names, opened; empty for the
// refusals above, folders, missing files and any symlink on the way.
struct OpenedTarget {
  util::platform::ServedFile file;
  std::string name;  // the last part, e.g. "feed.xml"
};
std::optional<OpenedTarget> open_target(const boost::filesystem::path& root, std::string_view target);

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
