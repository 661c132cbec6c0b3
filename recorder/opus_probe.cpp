// probe_opus: libogg's page sync over the file in 64 KiB reads.
#include "crosstalk/recorder/opus_probe.hpp"

#include <ogg/ogg.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace crosstalk::recorder {

Result<OpusProbe> probe_opus(const boost::filesystem::path& path) {
  const std::string name = path.string();
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!file) return bad_input(name + ": cannot open");
  ogg_sync_state sync;
  ogg_sync_init(&sync);
  OpusProbe probe;
  bool have_head = false;
  ogg_page page;
  for (;;) {
    int r = ogg_sync_pageout(&sync, &page);
    if (r == 1) {
      probe.pages += 1;
      if (!have_head) {
        if (!ogg_page_bos(&page) || page.body_len < 19) break;
        auto head = parse_opus_head({page.body, static_cast<std::size_t>(page.body_len)});
        if (!head) break;
        probe.head = *head;
        have_head = true;
      }
      if (ogg_page_granulepos(&page) > 0) probe.last_granule = ogg_page_granulepos(&page);
      if (ogg_page_eos(&page)) probe.has_eos = true;
      continue;
    }
    if (r < 0) continue;  // skipped bytes: resync
    char* buffer = ogg_sync_buffer(&sync, 65536);
    std::size_t n = std::fread(buffer, 1, 65536, file.get());
    if (n == 0) break;
    ogg_sync_wrote(&sync, static_cast<long>(n));
  }
  ogg_sync_clear(&sync);
  if (!have_head) return bad_input(name + ": not an Ogg Opus file");
  return probe;
}

}  // namespace crosstalk::recorder
