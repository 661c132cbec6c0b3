// recover_opus: keep the complete pages, end the stream properly.
#include "crosstalk/recorder/recover.hpp"

#include <ogg/ogg.h>

#include <cstring>
#include <vector>

#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/read_file.hpp"

namespace crosstalk::recorder {

namespace {
struct RawPage {
  std::vector<unsigned char> header, body;
  ogg_int64_t granule = -1;
  bool eos = false;
};

// Reads `file` and keeps its complete pages up to the first end of stream,
// without a last page that holds only the start of a packet.
struct Scan {
  std::vector<RawPage> pages;
  std::uint64_t kept_bytes = 0;
  RecoverReport report;
};

Result<Scan> scan(const boost::filesystem::path& file) {
  auto data = util::read_file(file);
  if (!data) return bad_input(file.string() + ": cannot read it");
  // (libogg gives no buffer for zero bytes: found by fuzz/recover.cpp)
  if (data->empty())
    return bad_input(file.string() + ": the file is empty (cut before anything was written); nothing to recover");
  ogg_sync_state sync;
  ogg_sync_init(&sync);
  char* buffer = ogg_sync_buffer(&sync, static_cast<long>(data->size()));
  std::memcpy(buffer, data->data(), data->size());
  ogg_sync_wrote(&sync, static_cast<long>(data->size()));
  Scan s;
  std::vector<RawPage>& pages = s.pages;
  ogg_page page;
  for (;;) {
    const int r = ogg_sync_pageout(&sync, &page);
    if (r != 1) break;  // 0: need more data (a torn page), -1: garbage — stop at the last good page
    RawPage p;
    p.header.assign(page.header, page.header + page.header_len);
    p.body.assign(page.body, page.body + page.body_len);
    p.granule = ogg_page_granulepos(&page);
    p.eos = ogg_page_eos(&page) != 0;
    s.kept_bytes += p.header.size() + p.body.size();
    pages.push_back(std::move(p));
    if (pages.back().eos) break;
  }
  ogg_sync_clear(&sync);
  if (pages.size() < 2 || pages[0].body.size() < 19 || std::memcmp(pages[0].body.data(), "OpusHead", 8) != 0)
    return bad_input(file.string() + ": not an Ogg Opus recording (no OpusHead page); nothing to recover");
  RecoverReport& report = s.report;
  report.was_complete = pages.back().eos;
  // A last page holding only the start of a packet has no granule: drop it.
  while (pages.size() > 2 && pages.back().granule == -1) {
    s.kept_bytes -= pages.back().header.size() + pages.back().body.size();
    pages.pop_back();
  }
  if (pages.size() < 3) return bad_input(file.string() + ": no audio survived; nothing to recover");
  const unsigned pre_skip = pages[0].body[10] | (pages[0].body[11] << 8);
  report.seconds = static_cast<double>(std::max<ogg_int64_t>(0, pages.back().granule - pre_skip)) / 48000.0;
  report.pages = pages.size();
  report.bytes_dropped = data->size() - s.kept_bytes;
  return s;
}

}  // namespace

Result<RecoverReport> inspect_recording(const boost::filesystem::path& file) {
  auto s = scan(file);
  if (!s) return std::unexpected(s.error());
  return s->report;
}

Result<RecoverReport> recover_opus(const boost::filesystem::path& file) {
  auto s = scan(file);
  if (!s) return std::unexpected(s.error());
  std::vector<RawPage>& pages = s->pages;
  const std::uint64_t kept_bytes = s->kept_bytes;
  const RecoverReport& report = s->report;
  RawPage& last = pages.back();
  if (report.was_complete && report.bytes_dropped == 0) return report;
  last.header[5] |= 0x04;  // end of stream
  ogg_page fixed{last.header.data(), static_cast<long>(last.header.size()), last.body.data(),
                 static_cast<long>(last.body.size())};
  ogg_page_checksum_set(&fixed);
  std::string out;
  out.reserve(kept_bytes);
  for (const auto& p : pages) {
    out.append(reinterpret_cast<const char*>(p.header.data()), p.header.size());
    out.append(reinterpret_cast<const char*>(p.body.data()), p.body.size());
  }
  if (auto r = util::write_file_atomically(file, {reinterpret_cast<const std::uint8_t*>(out.data()), out.size()}); !r)
    return std::unexpected(r.error());
  return report;
}

}  // namespace crosstalk::recorder
