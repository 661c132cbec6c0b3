// recover_wav: a live recording's lossless copy cut short keeps the header
// libsndfile wrote when it opened the file (sizes of nothing); this sets the
// RIFF and data sizes to the whole frames the file holds and drops a torn
// last frame, so the copy reads as what was recorded and delivery can
// normalise from it like any other.
#include <boost/filesystem/operations.hpp>
#include <cstring>
#include <fstream>
#include <vector>

#include "crosstalk/recorder/recover.hpp"
#include "crosstalk/util/platform.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::recorder {

namespace {

std::uint32_t le32(const unsigned char* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

void put_le32(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

}  // namespace

Result<RecoverReport> recover_wav(const fs::path& file) {
  boost::system::error_code ec;
  const std::uint64_t size = fs::file_size(file, ec);
  if (ec) return bad_input(file.string() + ": cannot read it: " + ec.message());
  std::fstream f(file.string(), std::ios::binary | std::ios::in | std::ios::out);
  if (!f) return bad_input(file.string() + ": cannot open it for writing");
  std::vector<unsigned char> head(static_cast<std::size_t>(std::min<std::uint64_t>(size, 65536)));
  f.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  if (head.size() < 12 || std::memcmp(head.data(), "RIFF", 4) != 0 || std::memcmp(head.data() + 8, "WAVE", 4) != 0)
    return bad_input(file.string() + ": not a WAV file; nothing to recover");
  // The chunks up to "data": "fmt " gives the frame size and the rate.
  std::size_t pos = 12, data_offset = 0;
  unsigned block_align = 0, rate = 0;
  while (pos + 8 <= head.size()) {
    const std::uint32_t length = le32(&head[pos + 4]);
    if (std::memcmp(&head[pos], "fmt ", 4) == 0 && pos + 8 + 16 <= head.size()) {
      rate = le32(&head[pos + 8 + 4]);
      block_align = head[pos + 8 + 12] | head[pos + 8 + 13] << 8;
    }
    if (std::memcmp(&head[pos], "data", 4) == 0) {
      data_offset = pos + 8;
      break;
    }
    pos += 8 + length + (length & 1);
  }
  if (!data_offset || !block_align || !rate)
    return bad_input(file.string() + ": its WAV header is incomplete (cut before any audio); nothing to recover");
  const std::uint64_t frames = (size - data_offset) / block_align;
  const std::uint64_t data_bytes = frames * block_align;
  if (data_bytes > 0xFFFFFFFFull - data_offset)
    return bad_input(file.string() + ": over 4 GiB, more than a WAV file can say; nothing recovered");
  RecoverReport report;
  report.seconds = static_cast<double>(frames) / rate;
  report.bytes_dropped = size - data_offset - data_bytes;
  const std::uint64_t riff_size = data_offset - 8 + data_bytes;
  report.was_complete = le32(&head[4]) == riff_size && le32(&head[data_offset - 4]) == data_bytes &&
                        report.bytes_dropped == 0;
  if (report.was_complete) return report;
  unsigned char field[4];
  put_le32(field, riff_size);
  f.seekp(4);
  f.write(reinterpret_cast<const char*>(field), 4);
  put_le32(field, data_bytes);
  f.seekp(static_cast<std::streamoff>(data_offset - 4));
  f.write(reinterpret_cast<const char*>(field), 4);
  f.close();
  if (!f) return failure(file.string() + ": cannot write its header (the disk may be full)");
  if (report.bytes_dropped) fs::resize_file(file, data_offset + data_bytes, ec);
  if (ec) return failure(file.string() + ": cannot drop its torn last frame: " + ec.message());
  if (auto r = util::platform::sync_path(file); !r) return std::unexpected(r.error());
  return report;
}

}  // namespace crosstalk::recorder
