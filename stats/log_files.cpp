// Incremental reading of access logs, plain or gzipped (see the header).
#include "crosstalk/stats/log_files.hpp"

#include <zlib.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "crosstalk/stats/log_line.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::stats {

namespace {

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using Gz = std::unique_ptr<gzFile_s, GzCloser>;

struct Source {
  fs::path path;
  std::uint64_t fingerprint = 0;
  std::int64_t first_time = 0;
};

bool is_gz(const fs::path& p) { return p.extension() == ".gz"; }

// The uncompressed size mod 2^32 from a gzip file's trailer.
std::optional<std::uint32_t> gzip_isize(const fs::path& p) {
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) return std::nullopt;
  unsigned char b[4];
  const bool ok = std::fseek(f, -4, SEEK_END) == 0 && std::fread(b, 1, 4, f) == 4;
  std::fclose(f);
  if (!ok) return std::nullopt;
  return static_cast<std::uint32_t>(b[0] | b[1] << 8 | b[2] << 16 |
                                    static_cast<std::uint32_t>(b[3]) << 24);
}

// zlib's buffer: 32 KiB. A plain file is then read straight into ours (zlib
// copies through its own buffer any read smaller than twice it; ours asks
// for up to 128 KiB), and zlib's stays small: a quarter-megabyte buffer of
// its own, filled and copied from for every read, cost full recounts a
// tenth to a fifth of their time, depending on where the allocator put it.
Result<Gz> open(const fs::path& p) {
  Gz gz(gzopen(p.c_str(), "rb"));
  if (!gz) return failure(p.string() + ": cannot open the access log: " + std::strerror(errno));
  gzbuffer(gz.get(), 1 << 15);
  return gz;
}

// The first line (without its newline), or nullopt when there is no complete one yet.
std::optional<std::string> first_line(gzFile gz) {
  std::string line;
  char buf[4096];
  while (line.size() < (1 << 16)) {
    const int n = gzread(gz, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    const char* nl = static_cast<const char*>(std::memchr(buf, '\n', static_cast<std::size_t>(n)));
    if (nl) {
      line.append(buf, static_cast<std::size_t>(nl - buf));
      return line;
    }
    line.append(buf, static_cast<std::size_t>(n));
  }
  return line;  // an absurdly long first line: its first 64 KiB name the file
}

}  // namespace

std::vector<fs::path> with_rotated(const fs::path& path) {
  std::vector<fs::path> out;
  boost::system::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
      if (fs::is_regular_file(it->path(), ec)) out.push_back(it->path());
  } else {
    if (fs::exists(path, ec)) out.push_back(path);  // (missing for a moment while logs rotate)
    const std::string base = path.filename().string();
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.size() > base.size() && name.starts_with(base) &&
          (name[base.size()] == '.' || name[base.size()] == '-') &&
          fs::is_regular_file(it->path(), ec))
        out.push_back(it->path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<void> read_new_lines(const std::vector<fs::path>& files, FileMarks& marks,
                            const std::function<void(std::string_view line)>& on_line) {
  std::vector<Source> sources;
  for (const fs::path& p : files) {
    auto gz = open(p);
    if (!gz) return std::unexpected(gz.error());
    auto line = first_line(gz->get());
    if (!line) continue;  // empty, or no complete line yet
    Source s{p, fnv1a(*line), 0};
    if (std::any_of(sources.begin(), sources.end(),
                    [&](const Source& o) { return o.fingerprint == s.fingerprint; }))
      continue;  // the same log twice (a copy, or named twice)
    LogRecord r;
    if (parse_line(*line, r)) s.first_time = r.time;
    sources.push_back(std::move(s));
  }
  std::stable_sort(sources.begin(), sources.end(),
                   [](const Source& a, const Source& b) { return a.first_time < b.first_time; });
  // Made on the first file with something new (a run with nothing new
  // touches none of it); 128 KiB: a page fault less per 4 KiB not needed.
  std::vector<char> buffer;
  for (const Source& s : sources) {
    std::uint64_t done = marks.count(s.fingerprint) ? marks[s.fingerprint] : 0;
    boost::system::error_code ec;
    if (is_gz(s.path)) {
      if (auto isize = gzip_isize(s.path);
          isize && *isize == static_cast<std::uint32_t>(done) && done > 0)
        continue;
    } else {
      const auto size = fs::file_size(s.path, ec);
      if (!ec && size == done) continue;
      if (!ec && size < done) done = 0;  // shorter than what was read: another file after all
    }
    auto gz = open(s.path);
    if (!gz) return std::unexpected(gz.error());
    // gzdirect() looks at the header first: for a plain file gzseek is then
    // an lseek, not a read through everything before `done`.
    gzdirect(gz->get());
    if (done > 0 &&
        gzseek(gz->get(), static_cast<z_off_t>(done), SEEK_SET) != static_cast<z_off_t>(done))
      done = 0, gzrewind(gz->get());
    if (buffer.empty()) buffer.resize(128 << 10);
    std::size_t kept = 0;  // bytes of an incomplete line at the buffer's start
    for (;;) {
      if (kept == buffer.size()) buffer.resize(buffer.size() * 2);  // a line longer than the buffer
      const int n =
          gzread(gz->get(), buffer.data() + kept, static_cast<unsigned>(buffer.size() - kept));
      if (n < 0) {
        int code = 0;
        return failure(s.path.string() +
                       ": cannot read the access log: " + gzerror(gz->get(), &code));
      }
      if (n == 0) break;
      const std::size_t end = kept + static_cast<std::size_t>(n);
      std::size_t at = 0;
      while (at < end) {
        const char* nl = static_cast<const char*>(std::memchr(buffer.data() + at, '\n', end - at));
        if (!nl) break;
        const std::size_t len = static_cast<std::size_t>(nl - (buffer.data() + at));
        on_line(std::string_view(buffer.data() + at, len));
        at += len + 1;
        done += len + 1;
      }
      kept = end - at;
      std::memmove(buffer.data(), buffer.data() + at, kept);
    }
    marks[s.fingerprint] = done;  // an incomplete last line is read next time, whole
  }
  return {};
}

}  // namespace crosstalk::stats
