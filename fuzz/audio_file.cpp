// Reading audio files (libsndfile for WAV/FLAC/AIFF/Ogg, FFmpeg for the
// rest) from any bytes: open either refuses with a message or gives a
// reader whose reads stay within what it was given and what the file said.
#include <cmath>
#include <vector>

#include "crosstalk/recorder/audio_file_reader.hpp"
#include "fuzz_support.hpp"

using namespace crosstalk;

namespace {

// Reads at most `budget` frames; returns the frames read, or -1 on an error.
long long read_some(recorder::AudioFileReader& reader, std::uint64_t budget) {
  const auto& info = reader.info();
  std::vector<float> block(static_cast<std::size_t>(info.channels) * 1024);
  std::uint64_t total = 0;
  while (total < budget) {
    auto got = reader.read(block);
    if (!got) return -1;
    if (*got == 0) break;
    if (*got > 1024) fuzz::fail("read() returned more frames than fit");
    total += *got;
  }
  if (total > info.frames) fuzz::fail("read more frames than the file said it holds");
  return static_cast<long long>(total);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::work_dir() / "input";
  fuzz::write_bytes(file, fuzz::as_text(data, size));
  (void)recorder::read_input_tags(file);
  auto reader = recorder::AudioFileReader::open(file);
  if (!reader) {
    if (reader.error().message.empty()) fuzz::fail("a refusal without a message");
    return 0;
  }
  const auto& info = reader->info();
  if (info.channels < 1 || info.channels > recorder::kMaxInputChannels || info.frames == 0)
    fuzz::fail("open() accepted what it promises to refuse");
  const long long first = read_some(*reader, 1 << 16);
  // The encoder reads a file again (another()) and seeks in it.
  auto again = reader->another();
  if (!again) return 0;
  const long long second = read_some(*again, 1 << 16);
  if (first >= 0 && second >= 0 && first != second) fuzz::fail("two readings of one file differ in length");
  if (again->seek(info.frames / 2)) (void)read_some(*again, 4096);
  return 0;
}
