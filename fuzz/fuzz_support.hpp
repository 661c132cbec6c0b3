// What the fuzz targets share: a private temporary folder per process and
// writing an input into a file there (the code under test reads files).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/filesystem/operations.hpp>
#include <boost/filesystem/path.hpp>

namespace crosstalk::fuzz {

// A folder of our own under $TMPDIR (or /tmp), removed at exit.
inline const boost::filesystem::path& work_dir() {
  static const boost::filesystem::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/crosstalk-fuzz-XXXXXX";
    if (!::mkdtemp(pattern.data())) std::abort();
    static const std::string keep = pattern;
    std::atexit([] {
      boost::system::error_code ec;
      boost::filesystem::remove_all(keep, ec);
    });
    return boost::filesystem::path(pattern);
  }();
  return dir;
}

inline void write_bytes(const boost::filesystem::path& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  if (std::fclose(f) != 0) std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken promise of the code under test: a crash libFuzzer reports (and
// keeps the input of).
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

}  // namespace crosstalk::fuzz
