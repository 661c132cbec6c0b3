// Test helpers: a temporary folder per test, and Ogg page parsing through
// libogg for checking what the writer produced.
#pragma once

#include <ogg/ogg.h>

#include <boost/filesystem.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace crosstalk::test {

class TempDir {
 public:
  TempDir() : path_(boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("crosstalk-test-%%%%%%%%")) {
    boost::filesystem::create_directories(path_);
  }
  ~TempDir() {
    boost::system::error_code ec;
    boost::filesystem::remove_all(path_, ec);
  }
  const boost::filesystem::path& path() const { return path_; }
  boost::filesystem::path operator/(const char* name) const { return path_ / name; }

 private:
  boost::filesystem::path path_;
};

struct Page {
  bool bos = false, eos = false, continued = false;
  std::int64_t granule = 0;
  long sequence = 0;
  std::uint32_t serial = 0;
  int packets_completed = 0;
  std::vector<std::vector<std::uint8_t>> packets;  // packets that end on this page
};

inline std::vector<Page> parse_pages(const std::vector<std::uint8_t>& bytes) {
  std::vector<Page> pages;
  ogg_sync_state sync;
  ogg_sync_init(&sync);
  char* buffer = ogg_sync_buffer(&sync, static_cast<long>(bytes.size()));
  if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
  ogg_sync_wrote(&sync, static_cast<long>(bytes.size()));
  ogg_stream_state stream;
  bool stream_ready = false;
  ogg_page og;
  while (ogg_sync_pageout(&sync, &og) == 1) {
    Page p;
    p.bos = ogg_page_bos(&og);
    p.eos = ogg_page_eos(&og);
    p.continued = ogg_page_continued(&og);
    p.granule = ogg_page_granulepos(&og);
    p.sequence = ogg_page_pageno(&og);
    p.serial = static_cast<std::uint32_t>(ogg_page_serialno(&og));
    p.packets_completed = ogg_page_packets(&og);
    if (!stream_ready) {
      ogg_stream_init(&stream, ogg_page_serialno(&og));
      stream_ready = true;
    }
    ogg_stream_pagein(&stream, &og);
    ogg_packet op;
    while (ogg_stream_packetout(&stream, &op) == 1)
      p.packets.emplace_back(op.packet, op.packet + op.bytes);
    pages.push_back(std::move(p));
  }
  if (stream_ready) ogg_stream_clear(&stream);
  ogg_sync_clear(&sync);
  return pages;
}

inline std::vector<std::uint8_t> read_bytes(const boost::filesystem::path& p) {
  std::ifstream in(p.string(), std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const boost::filesystem::path& p, const std::string& s) {
  std::ofstream out(p.string(), std::ios::binary);
  out << s;
}

inline std::vector<float> sine(std::size_t frames, double freq, int rate, int channels = 1) {
  std::vector<float> v(frames * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c)
      v[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
          static_cast<float>(0.5 * std::sin(2 * M_PI * freq * static_cast<double>(i) / rate));
  return v;
}

}  // namespace crosstalk::test
