// read_file: one fopen, one size query, one fread.
#include "crosstalk/util/read_file.hpp"

#include <cstdio>
#include <memory>
#include <vector>

#include "crosstalk/util/output_file.hpp"

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

namespace crosstalk::util {

Result<void> copy_file(const boost::filesystem::path& from, const boost::filesystem::path& to) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(from.c_str(), "rb"), &std::fclose);
  if (!in) return failure(from.string() + ": cannot open to copy");
  auto out = OutputFile::create_new(to);
  if (!out) return std::unexpected(out.error());
  std::vector<std::uint8_t> buffer(65536);
  for (;;) {
    std::size_t n = std::fread(buffer.data(), 1, buffer.size(), in.get());
    if (n > 0)
      if (auto r = out->write_all({buffer.data(), n}); !r) return r;
    if (n < buffer.size()) break;
  }
  if (std::ferror(in.get())) return failure(from.string() + ": read error while copying");
  return out->close();
}

}  // namespace crosstalk::util
