// Cover images are recognised by their bytes, with their size.
#include <gtest/gtest.h>

#include "crosstalk/util/image_info.hpp"

using crosstalk::util::probe_image;

TEST(ImageInfo, Png) {
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13,
                                   'I', 'H', 'D', 'R', 0, 0, 0x05, 0x78, 0, 0, 0x05, 0x78,
                                   8, 6, 0, 0, 0, 0, 0, 0, 0};
  auto info = probe_image(png);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->mime_type, "image/png");
  EXPECT_EQ(info->width, 1400u);
  EXPECT_EQ(info->height, 1400u);
  EXPECT_EQ(info->bits_per_pixel, 32u);  // RGBA, 8 bits each
}

TEST(ImageInfo, JpegSizeFromStartOfFrameAfterOtherSegments) {
  std::vector<std::uint8_t> jpg = {0xFF, 0xD8,                              // SOI
                                   0xFF, 0xE0, 0x00, 0x04, 'J', 'F',        // APP0, 2 bytes
                                   0xFF, 0xC0, 0x00, 0x11, 8,               // SOF0, precision 8
                                   0x0B, 0xB8,                              // height 3000
                                   0x05, 0x78,                              // width 1400
                                   3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // 3 components
  auto info = probe_image(jpg);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->mime_type, "image/jpeg");
  EXPECT_EQ(info->width, 1400u);
  EXPECT_EQ(info->height, 3000u);
  EXPECT_EQ(info->bits_per_pixel, 24u);
}

TEST(ImageInfo, RejectsTextAndTruncatedHeaders) {
  std::string text = "this is not an image, just text renamed .jpg";
  EXPECT_FALSE(probe_image({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}));
  std::vector<std::uint8_t> cut = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10};
  EXPECT_FALSE(probe_image(cut));
  EXPECT_FALSE(probe_image({}));
}
