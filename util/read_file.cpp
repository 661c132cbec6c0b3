// read_file: one fopen, one size query, one fread.
#include "crosstalk/util/read_file.hpp"

#include <cstdio>
#include <memory>

namespace crosstalk::util {

std::optional<std::string> read_file(const boost::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return std::nullopt;
  std::string out;
  char buffer[65536];
  for (;;) {
    std::size_t n = std::fread(buffer, 1, sizeof buffer, f.get());
    out.append(buffer, n);
    if (n < sizeof buffer) break;
  }
  if (std::ferror(f.get())) return std::nullopt;
  return out;
}

}  // namespace crosstalk::util
