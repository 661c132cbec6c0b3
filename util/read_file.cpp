// read_file: one fopen, one size query, one fread (and a check for more).
#include "crosstalk/util/read_file.hpp"

#include <cstdio>
#include <memory>
#include <vector>

#include <boost/filesystem/operations.hpp>

#include "crosstalk/util/output_file.hpp"

namespace crosstalk::util {

std::optional<std::string> read_file(const boost::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return std::nullopt;
  // Sized once from the file's length (no regrowing and copying a large
  // file), then read to its real end: a file that grew or has no length
  // (a pipe) is read whole all the same.
  boost::system::error_code ec;
  const auto size = boost::filesystem::file_size(path, ec);
  std::string out(ec ? 0 : size, '\0');
  out.resize(out.empty() ? 0 : std::fread(out.data(), 1, out.size(), f.get()));
  char buffer[65536];
  while (!std::feof(f.get()) && !std::ferror(f.get()))
    out.append(buffer, std::fread(buffer, 1, sizeof buffer, f.get()));
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
