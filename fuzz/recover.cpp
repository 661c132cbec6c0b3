// `crosstalk recover`'s page scanner on any bytes: it either refuses with a
// message or leaves a file that is whole (recovering it again changes
// nothing) and ends with an end-of-stream page.
#include <ogg/ogg.h>

#include "crosstalk/recorder/recover.hpp"
#include "crosstalk/util/read_file.hpp"
#include "fuzz_support.hpp"

using namespace crosstalk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::work_dir() / "recording.opus";
  fuzz::write_bytes(file, fuzz::as_text(data, size));
  auto first = recorder::recover_opus(file);
  if (!first) {
    if (first.error().message.empty()) fuzz::fail("a refusal without a message");
    return 0;
  }
  auto again = recorder::recover_opus(file);
  if (!again) fuzz::fail("a recovered file is refused");
  if (!again->was_complete || again->bytes_dropped != 0 || again->pages != first->pages)
    fuzz::fail("recovering a recovered file changed it");
  // Every byte of it is a whole page, the last one ends the stream.
  auto bytes = util::read_file(file);
  if (!bytes) fuzz::fail("the recovered file cannot be read");
  ogg_sync_state sync;
  ogg_sync_init(&sync);
  char* buffer = ogg_sync_buffer(&sync, static_cast<long>(bytes->size()));
  std::copy(bytes->begin(), bytes->end(), buffer);
  ogg_sync_wrote(&sync, static_cast<long>(bytes->size()));
  ogg_page page;
  std::uint64_t pages = 0, whole = 0;
  bool eos = false;
  while (ogg_sync_pageout(&sync, &page) == 1) {
    ++pages;
    whole += static_cast<std::uint64_t>(page.header_len + page.body_len);
    eos = ogg_page_eos(&page) != 0;
  }
  ogg_sync_clear(&sync);
  if (whole != bytes->size() || pages != first->pages || !eos)
    fuzz::fail("the recovered file is not whole pages ending the stream");
  return 0;
}
