// JPEG and PNG headers, just far enough to know the type and the size.
#include "crosstalk/util/image_info.hpp"

namespace crosstalk::util {

namespace {

std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t{p[0]} << 8) | p[1]; }
std::uint32_t be32(const std::uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }

std::optional<ImageInfo> probe_png(std::span<const std::uint8_t> b) {
  static const std::uint8_t magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() < 33 || !std::equal(magic, magic + 8, b.begin())) return std::nullopt;
  if (!std::equal(b.begin() + 12, b.begin() + 16, "IHDR")) return std::nullopt;
  ImageInfo info{"image/png", be32(&b[16]), be32(&b[20]), 0};
  std::uint32_t bit_depth = b[24];
  std::uint32_t colour_type = b[25];
  std::uint32_t samples = colour_type == 2 ? 3 : colour_type == 4 ? 2 : colour_type == 6 ? 4 : 1;
  info.bits_per_pixel = bit_depth * samples;
  if (info.width == 0 || info.height == 0) return std::nullopt;
  return info;
}

std::optional<ImageInfo> probe_jpeg(std::span<const std::uint8_t> b) {
  if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8 || b[2] != 0xFF) return std::nullopt;
  std::size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return std::nullopt;
    std::uint8_t marker = b[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      i += 2;  // markers without a length
      continue;
    }
    std::size_t length = be16(&b[i + 2]);
    if (length < 2) return std::nullopt;
    bool start_of_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
                          marker != 0xC8 && marker != 0xCC;
    if (start_of_frame) {
      if (i + 10 > b.size()) return std::nullopt;
      ImageInfo info{"image/jpeg", be16(&b[i + 7]), be16(&b[i + 5]),
                     std::uint32_t{b[i + 4]} * b[i + 9]};
      if (info.width == 0 || info.height == 0) return std::nullopt;
      return info;
    }
    i += 2 + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ImageInfo> probe_image(std::span<const std::uint8_t> bytes) {
  if (auto png = probe_png(bytes)) return png;
  return probe_jpeg(bytes);
}

}  // namespace crosstalk::util
