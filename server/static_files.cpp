// Request → file decisions for `crosstalk serve`.
#include "crosstalk/server/static_files.hpp"

#include <boost/filesystem/operations.hpp>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <date/date.h>

namespace fs = boost::filesystem;

namespace crosstalk::server {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string origin_form(std::string_view target) {
  auto scheme_is = [&target](std::string_view scheme) {
    if (target.size() < scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(target[i])) != scheme[i]) return false;
    return true;
  };
  const std::size_t skip = scheme_is("http://") ? 7 : scheme_is("https://") ? 8 : 0;
  if (skip == 0) return std::string(target);
  const std::size_t path = target.find_first_of("/?#", skip);
  if (path == std::string_view::npos) return "/";
  return (target[path] == '/' ? "" : "/") + std::string(target.substr(path));
}

std::optional<std::vector<std::string>> target_parts(std::string_view target) {
  if (auto q = target.find_first_of("?#"); q != std::string_view::npos) target = target.substr(0, q);
  if (target.empty() || target[0] != '/') return std::nullopt;
  std::string path;
  for (std::size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    if (c == '%') {
      if (i + 2 >= target.size() || hex_value(target[i + 1]) < 0 || hex_value(target[i + 2]) < 0) return std::nullopt;
      c = static_cast<char>(hex_value(target[i + 1]) * 16 + hex_value(target[i + 2]));
      if (c == '/' || c == '\\' || c == '\0') return std::nullopt;  // encoded separators, NUL
      i += 2;
    } else if (c == '\\' || c == '\0') {
      return std::nullopt;
    }
    path += c;
  }
  if (path == "/") path = "/index.html";
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    if (part.empty() || part[0] == '.') return std::nullopt;  // "..", ".", dot-files, "//", folders
    parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

std::optional<OpenedTarget> open_target(const fs::path& root, std::string_view target) {
  auto parts = target_parts(target);
  if (!parts) return std::nullopt;
  auto file = util::platform::ServedFile::open_beneath(root, *parts);
  if (!file) return std::nullopt;
  return OpenedTarget{std::move(*file), parts->back()};
}

std::string content_type(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".opus" || ext == ".ogg") return "audio/ogg";
  if (ext == ".mp3") return "audio/mpeg";
  if (ext == ".xml") return "application/rss+xml; charset=utf-8";
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";  // chapters; as nginx's snippet serves them
  return "application/octet-stream";
}

std::string cache_control(const fs::path& file) {
  const std::string ext = file.extension().string();
  // Feeds and the page change at every publish: clients revalidate (cheap
  // 304s thanks to the validators). Audio and covers never change in place.
  if (ext == ".xml" || ext == ".html") return "no-cache";
  return "public, max-age=86400";
}

std::string etag(std::uint64_t size, std::int64_t mtime_ns) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_ns));
  return buf;
}

// Through Howard Hinnant's date (portable; no gmtime_r/timegm/strptime).
std::string http_date(std::int64_t unix_seconds) {
  // Most responses name the same few files: remember the last one per thread.
  thread_local std::int64_t last_seconds = -1;
  thread_local std::string last_text;
  if (unix_seconds != last_seconds) {
    last_text = date::format("%a, %d %b %Y %H:%M:%S GMT", date::sys_seconds{std::chrono::seconds{unix_seconds}});
    last_seconds = unix_seconds;
  }
  return last_text;
}

// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (what every client sends back).
std::optional<std::int64_t> parse_http_date(std::string_view t) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (t.size() != 29 || t.substr(3, 2) != ", " || t.substr(25) != " GMT") return std::nullopt;
  auto num = [&t](std::size_t at, std::size_t n, int& v) {
    auto r = std::from_chars(t.data() + at, t.data() + at + n, v);
    return r.ec == std::errc() && r.ptr == t.data() + at + n;
  };
  int day, year, h, m, sec;
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i)
    if (t.substr(8, 3) == kMonths[i]) month = i + 1;
  if (!month || !num(5, 2, day) || !num(12, 4, year) || !num(17, 2, h) || !num(20, 2, m) || !num(23, 2, sec))
    return std::nullopt;
  date::year_month_day ymd{date::year{year}, date::month{month}, date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || h > 23 || m > 59 || sec > 60) return std::nullopt;
  return (date::sys_days{ymd}.time_since_epoch() / std::chrono::seconds{1}) + h * 3600 + m * 60 + sec;
}

RangeKind parse_range(std::string_view h, std::uint64_t size, ByteRange& out) {
  if (h.substr(0, 6) != "bytes=" || h.find(',') != std::string_view::npos) return RangeKind::None;
  h.remove_prefix(6);
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return RangeKind::None;
  auto number = [](std::string_view s, std::uint64_t& v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  std::uint64_t a = 0, b = 0;
  std::string_view first = h.substr(0, dash), last = h.substr(dash + 1);
  if (first.empty()) {  // suffix: the last n bytes
    if (!number(last, b)) return RangeKind::None;
    if (b == 0 || size == 0) return RangeKind::Unsatisfiable;
    out = {size > b ? size - b : 0, size - 1};
    return RangeKind::Satisfiable;
  }
  if (!number(first, a)) return RangeKind::None;
  if (last.empty()) b = size ? size - 1 : 0;
  else if (!number(last, b) || b < a) return RangeKind::None;
  if (a >= size) return RangeKind::Unsatisfiable;
  out = {a, std::min(b, size - 1)};
  return RangeKind::Satisfiable;
}

}  // namespace crosstalk::server
