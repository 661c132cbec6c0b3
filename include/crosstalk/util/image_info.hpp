// Recognises cover images (JPEG, PNG) from their bytes and reads their size,
// without decoding them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace crosstalk::util {

struct ImageInfo {
  std::string mime_type;  // "image/jpeg" or "image/png"
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t bits_per_pixel = 0;
  bool operator==(const ImageInfo&) const = default;
};

// Empty when the bytes are neither a JPEG nor a PNG with a readable size.
std::optional<ImageInfo> probe_image(std::span<const std::uint8_t> bytes);

}  // namespace crosstalk::util
