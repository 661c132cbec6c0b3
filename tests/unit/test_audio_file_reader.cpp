// AudioFileReader: formats it reads, and the bad files it refuses.
#include <gtest/gtest.h>
#include <sndfile.h>

#include "crosstalk/recorder/audio_file_reader.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::recorder;
namespace fs = boost::filesystem;

namespace {
void write_sound(const fs::path& path, int format, int rate, int channels, std::size_t frames) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
  auto pcm = test::sine(frames, 440, rate, channels);
  sf_writef_float(f, pcm.data(), static_cast<sf_count_t>(frames));
  sf_close(f);
}

std::uint64_t read_all(AudioFileReader& reader) {
  std::vector<float> block(1000 * static_cast<std::size_t>(reader.info().channels));
  std::uint64_t total = 0;
  for (;;) {
    auto n = reader.read(block);
    EXPECT_TRUE(n);
    if (!n || *n == 0) return total;
    total += *n;
  }
}
}  // namespace

TEST(AudioFileReader, ReadsWavFlacAiffAtTheirRates) {
  test::TempDir dir;
  struct Case { const char* name; int format; int rate; int channels; const char* label; };
  for (auto c : {Case{"a.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, "WAV 16-bit"},
                 Case{"b.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 96000, 2, "WAV 24-bit"},
                 Case{"c.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 1, "WAV float"},
                 Case{"d.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 192000, 2, "FLAC 16-bit"},
                 Case{"e.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_32, 22050, 6, "AIFF 32-bit"}}) {
    write_sound(dir / c.name, c.format, c.rate, c.channels, 12345);
    auto reader = AudioFileReader::open(dir / c.name);
    ASSERT_TRUE(reader) << c.name << ": " << reader.error().message;
    EXPECT_EQ(reader->info().sample_rate, c.rate);
    EXPECT_EQ(reader->info().channels, c.channels);
    EXPECT_EQ(reader->info().frames, 12345u);
    EXPECT_EQ(reader->info().format, c.label);
    EXPECT_EQ(read_all(*reader), 12345u) << c.name;
  }
}

TEST(AudioFileReader, RefusesBadFilesWithOneClearLine) {
  test::TempDir dir;
  test::write_bytes(dir / "text.wav", "hello, I am a text file\n");
  write_sound(dir / "empty.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 0);
  write_sound(dir / "slow.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 4000, 1, 1000);
  write_sound(dir / "full.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 16000);
  auto full = test::read_bytes(dir / "full.wav");
  test::write_bytes(dir / "cut.wav", std::string(full.begin(), full.begin() + 20000));
  fs::create_directory(dir / "folder.wav");
  struct Case { const char* name; const char* says; };
  for (auto c : {Case{"missing.wav", "no such file"}, Case{"text.wav", "not a readable"},
                 Case{"empty.wav", "zero samples"}, Case{"slow.wav", "4000 Hz is not supported"},
                 Case{"cut.wav", "truncated"}, Case{"folder.wav", "is a folder"}}) {
    auto reader = AudioFileReader::open(dir / c.name);
    ASSERT_FALSE(reader) << c.name;
    EXPECT_EQ(reader.error().kind, ErrorKind::BadInput);
    EXPECT_NE(reader.error().message.find(c.says), std::string::npos) << reader.error().message;
    EXPECT_NE(reader.error().message.find(c.name), std::string::npos) << "names the file";
    EXPECT_EQ(reader.error().message.find('\n'), std::string::npos) << "one line";
  }
}
