// OpusHead and OpusTags packets, field by field as RFC 7845 lays them out.
#include "crosstalk/recorder/opus_header.hpp"

#include <cstring>

namespace crosstalk::recorder {

namespace {
void put_le16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put_le16(out, static_cast<std::uint16_t>(v & 0xFFFF));
  put_le16(out, static_cast<std::uint16_t>(v >> 16));
}
void put_bytes(std::vector<std::uint8_t>& out, std::string_view s) {
  // resize + memcpy: GCC 12 warns falsely (-Wstringop-overflow) on insert here.
  std::size_t at = out.size();
  out.resize(at + s.size());
  if (!s.empty()) std::memcpy(out.data() + at, s.data(), s.size());
}
void put_string(std::vector<std::uint8_t>& out, std::string_view s) {
  put_le32(out, static_cast<std::uint32_t>(s.size()));
  put_bytes(out, s);
}
std::uint32_t le16(const std::uint8_t* p) { return p[0] | (std::uint32_t{p[1]} << 8); }
std::uint32_t le32(const std::uint8_t* p) { return le16(p) | (le16(p + 2) << 16); }
}  // namespace

std::vector<std::uint8_t> make_opus_head(const OpusHead& head) {
  std::vector<std::uint8_t> out;
  out.reserve(19);
  put_bytes(out, "OpusHead");                                     // 0: magic signature
  out.push_back(1);                                               // 8: version
  out.push_back(head.channels);                                   // 9: output channel count
  put_le16(out, head.pre_skip);                                   // 10: pre-skip
  put_le32(out, head.input_rate);                                 // 12: input sample rate
  put_le16(out, static_cast<std::uint16_t>(head.output_gain));    // 16: output gain
  out.push_back(0);                                               // 18: mapping family 0
  return out;
}

Result<OpusHead> parse_opus_head(std::span<const std::uint8_t> p) {
  if (p.size() < 19 || std::memcmp(p.data(), "OpusHead", 8) != 0)
    return bad_input("not an OpusHead packet");
  if ((p[8] & 0xF0) != 0) return bad_input("unsupported Opus header version");
  OpusHead head;
  head.channels = p[9];
  head.pre_skip = static_cast<std::uint16_t>(le16(&p[10]));
  head.input_rate = le32(&p[12]);
  head.output_gain = static_cast<std::int16_t>(le16(&p[16]));
  if (head.channels == 0) return bad_input("OpusHead has zero channels");
  return head;
}

bool is_valid_comment_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c < 0x20 || c > 0x7D || c == '=') return false;
  return true;
}

std::vector<std::uint8_t> make_opus_tags(std::string_view vendor,
                                         const std::vector<Comment>& comments) {
  std::vector<std::uint8_t> out;
  put_bytes(out, "OpusTags");
  put_string(out, vendor);
  put_le32(out, static_cast<std::uint32_t>(comments.size()));
  for (const Comment& c : comments) put_string(out, c.name + "=" + c.value);
  return out;
}

}  // namespace crosstalk::recorder
