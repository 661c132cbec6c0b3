// AudioFileReader: formats it reads (libsndfile's, and MP3 through FFmpeg:
// exact length, seeking, a second reader), and the bad files it refuses.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>

#include "crosstalk/recorder/audio_file_reader.hpp"
#include "crosstalk/recorder/mp3_writer.hpp"
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

std::vector<float> read_samples(AudioFileReader& reader, std::size_t block_frames = 1000) {
  std::vector<float> block(block_frames * static_cast<std::size_t>(reader.info().channels)), all;
  for (;;) {
    auto n = reader.read(block);
    EXPECT_TRUE(n) << n.error().message;
    if (!n || *n == 0) return all;
    all.insert(all.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(*n * static_cast<std::size_t>(reader.info().channels)));
  }
}

std::uint64_t read_all(AudioFileReader& reader) {
  return read_samples(reader).size() / static_cast<std::size_t>(reader.info().channels);
}

// An MP3 made by our LAME writer (its info frame states delay and padding).
std::vector<float> write_mp3(const fs::path& path, const std::vector<float>& pcm, int channels) {
  MemorySink sink;
  Mp3Settings settings;
  settings.channels = channels;
  auto writer = Mp3Writer::create(settings, sink);
  EXPECT_TRUE(writer);
  EXPECT_TRUE(writer->write(pcm));
  EXPECT_TRUE(writer->finish());
  test::write_bytes(path, std::string(sink.data.begin(), sink.data.end()));
  return pcm;
}

// Each file refused as bad input, in one line naming it and saying what.
struct Refusal {
  const char* name;
  const char* says;
};
void expect_refused(const test::TempDir& dir, std::initializer_list<Refusal> cases) {
  for (const Refusal& c : cases) {
    auto reader = AudioFileReader::open(dir / c.name);
    ASSERT_FALSE(reader) << c.name;
    EXPECT_EQ(reader.error().kind, ErrorKind::BadInput);
    EXPECT_NE(reader.error().message.find(c.says), std::string::npos) << reader.error().message;
    EXPECT_NE(reader.error().message.find(c.name), std::string::npos) << "names the file";
    EXPECT_EQ(reader.error().message.find('\n'), std::string::npos) << "one line";
  }
}

// 100 Hz → 3 kHz: no shift of it looks like itself (a sine would).
std::vector<float> chirp(std::size_t frames, int channels) {
  std::vector<float> pcm(frames * static_cast<std::size_t>(channels));
  const double seconds = static_cast<double>(frames) / 48000;
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / 48000;
    const double v = 0.4 * std::sin(2 * M_PI * (100 * t + (3000 - 100) * t * t / (2 * seconds)));
    for (int c = 0; c < channels; ++c) pcm[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] = static_cast<float>(v);
  }
  return pcm;
}

double correlation(std::span<const float> a, std::span<const float> b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    ab += double{a[i]} * b[i];
    aa += double{a[i]} * a[i];
    bb += double{b[i]} * b[i];
  }
  return ab / std::sqrt(aa * bb);
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
  expect_refused(dir, {{"missing.wav", "no such file"}, {"text.wav", "not a readable"},
                       {"empty.wav", "zero samples"}, {"slow.wav", "4000 Hz is not supported"},
                       {"cut.wav", "truncated"}, {"folder.wav", "is a folder"}});
}

TEST(AudioFileReader, ReadsMp3ThroughFfmpegToTheExactSample) {
  test::TempDir dir;
  for (int channels : {1, 2}) {
    const std::size_t frames = 48000 + 123;  // not a whole number of MP3 frames
    auto pcm = write_mp3(dir / "a.mp3", chirp(frames, channels), channels);
    auto reader = AudioFileReader::open(dir / "a.mp3");
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ(reader->info().format, "MP3");
    EXPECT_EQ(reader->info().channels, channels);
    EXPECT_EQ(reader->info().sample_rate, 48000);
    EXPECT_EQ(reader->info().frames, frames) << "LAME's delay and padding dropped";
    auto decoded = read_samples(*reader);
    ASSERT_EQ(decoded.size(), pcm.size());
    EXPECT_GT(correlation(decoded, pcm), 0.99) << "in step with the source: no delay left at the start";
  }
}

TEST(AudioFileReader, AnFfmpegReaderSeeksAndReadsAgainExactly) {
  test::TempDir dir;
  write_mp3(dir / "a.mp3", chirp(30000, 1), 1);
  auto reader = AudioFileReader::open(dir / "a.mp3");
  ASSERT_TRUE(reader) << reader.error().message;
  const auto whole = read_samples(*reader, 777);
  ASSERT_EQ(whole.size(), 30000u);
  for (std::uint64_t at : {20000u, 5000u, 0u, 29999u}) {  // ahead, back, to the start, to the last sample
    ASSERT_TRUE(reader->seek(at));
    auto rest = read_samples(*reader, 333);
    ASSERT_EQ(rest.size(), whole.size() - at) << at;
    EXPECT_TRUE(std::equal(rest.begin(), rest.end(), whole.begin() + static_cast<std::ptrdiff_t>(at))) << at;
  }
  auto second = reader->another();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->info().frames, 30000u);
  EXPECT_EQ(read_samples(*second), whole);
}

TEST(AudioFileReader, RefusesCutAndDamagedMp3sWithOneClearLine) {
  test::TempDir dir;
  write_mp3(dir / "whole.mp3", chirp(48000 * 4, 1), 1);
  const auto bytes = test::read_bytes(dir / "whole.mp3");
  test::write_bytes(dir / "cut.mp3", std::string(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 3)));
  std::string damaged(bytes.begin(), bytes.end());
  for (std::size_t i = damaged.size() / 2; i < damaged.size() / 2 + 2000; ++i) damaged[i] = static_cast<char>(i * 7919 % 251);
  test::write_bytes(dir / "damaged.mp3", damaged);
  test::write_bytes(dir / "noise.m4a", std::string(5000, '\x5a'));
  expect_refused(dir, {{"cut.mp3", "truncated"}, {"damaged.mp3", "damaged at 0:00:0"},
                       {"noise.m4a", "not a readable audio file"}});
}
