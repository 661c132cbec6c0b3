// The two Ogg Opus header packets, byte for byte (RFC 7845 §5.1, §5.2).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/error.hpp"

namespace crosstalk::recorder {

struct OpusHead {
  std::uint8_t channels = 1;        // 1 or 2 (mapping family 0)
  std::uint16_t pre_skip = 0;       // 48 kHz samples to drop at the start
  std::uint32_t input_rate = 48000; // the source's rate, informational
  std::int16_t output_gain = 0;     // Q7.8 dB; muxers should write 0
};

struct Comment {
  std::string name;   // ASCII 0x20-0x7D without '='
  std::string value;  // UTF-8
};

// 19 bytes: "OpusHead", version 1, channels, pre-skip, rate, gain, family 0.
std::vector<std::uint8_t> make_opus_head(const OpusHead& head);
Result<OpusHead> parse_opus_head(std::span<const std::uint8_t> packet);

// "OpusTags", vendor, count, NAME=value comments; no framing bit.
std::vector<std::uint8_t> make_opus_tags(std::string_view vendor,
                                         const std::vector<Comment>& comments);

bool is_valid_comment_name(std::string_view name);

}  // namespace crosstalk::recorder
