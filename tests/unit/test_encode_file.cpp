// encode_file end to end in-process: TagLib reads back what the pipeline
// wrote, the length is exact, and failures leave nothing behind.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <mutex>

#include "crosstalk/recorder/encode_file.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::recorder;
namespace fs = boost::filesystem;

namespace {
void write_wav(const fs::path& path, int rate, int channels, std::size_t frames, float scale = 1.0f) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  auto pcm = test::sine(frames, 440, rate, channels);
  for (float& v : pcm) v *= scale;
  sf_writef_float(f, pcm.data(), static_cast<sf_count_t>(frames));
  sf_close(f);
}
}  // namespace

TEST(EncodeFile, TagLibReadsBackThePipelinesTagsAndCover) {
  test::TempDir dir;
  write_wav(dir / "in.wav", 44100, 2, 44100 * 2 + 17);
  const std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13,
                                         'I', 'H', 'D', 'R', 0, 0, 0, 64, 0, 0, 0, 64, 8, 2,
                                         0, 0, 0, 0, 0, 0, 0};
  EncodeOptions options;
  options.tags.title = "Эпизод & <7> \"q\" 'a' 🎙";
  options.tags.artist = "Ведущий";
  options.tags.track = 7;
  options.tags.department = "marketing";
  options.tags.cover = Cover{png, *util::probe_image(png)};
  auto report = encode_file(dir / "in.wav", dir / "out.opus", options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->stream.input_samples, 96019u);  // round(88217 * 48000 / 44100 = 96018.5)
  EXPECT_EQ(report->channels, 1);
  EXPECT_EQ(report->bitrate, 64000);
  EXPECT_EQ(report->file_bytes, fs::file_size(dir / "out.opus"));

  auto tags = read_tags(dir / "out.opus");
  ASSERT_TRUE(tags);
  AudioTags want = options.tags;
  want.encoder = encoder_tag();
  EXPECT_EQ(*tags, want);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
}

TEST(EncodeFile, FailureKeepsAnExistingOutput) {
  test::TempDir dir;
  test::write_bytes(dir / "bad.wav", "garbage");
  test::write_bytes(dir / "out.opus", "old");
  auto report = encode_file(dir / "bad.wav", dir / "out.opus", {});
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::BadInput);
  auto bytes = test::read_bytes(dir / "out.opus");
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
}

TEST(EncodeFile, AQuietInputIsRefusedOrRaisedByTheCapAsAsked) {
  test::TempDir dir;
  write_wav(dir / "quiet.wav", 48000, 1, 48000 * 3, 0.003f);  // a 440 Hz tone at about -60 LUFS
  EncodeOptions options;
  options.loudness.quiet_input = QuietInput::Refuse;
  auto refused = encode_file(dir / "quiet.wav", dir / "out.opus", options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::BadInput);
  for (const char* says : {"quiet.wav: too quiet to publish (-6", "more than the 20 dB allowed", "--max-gain 4"})
    EXPECT_NE(refused.error().message.find(says), std::string::npos) << refused.error().message;
  EXPECT_FALSE(fs::exists(dir / "out.opus"));
  options.loudness.quiet_input = QuietInput::RaiseByTheCap;
  auto raised = encode_file(dir / "quiet.wav", dir / "out.opus", options);
  ASSERT_TRUE(raised) << raised.error().message;
  EXPECT_TRUE(raised->loudness.gain_capped);
  EXPECT_DOUBLE_EQ(raised->loudness.gain_db, 20.0);
  options.loudness.quiet_input = QuietInput::Refuse;
  options.loudness.max_gain_db = 60;  // forced
  auto forced = encode_file(dir / "quiet.wav", dir / "out.opus", options);
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_FALSE(forced->loudness.gain_capped);
}

TEST(EncodeFile, ProgressRisesToOneThroughBothPasses) {
  test::TempDir dir;
  write_wav(dir / "in.wav", 44100, 1, 44100 * 5, 0.3f);
  for (bool normalize : {true, false}) {
    std::vector<double> heard;  // one thread reports at a time here: one Opus encoder
    std::mutex m;
    EncodeOptions options;
    options.loudness.normalize = normalize;
    options.mp3_path = dir / "out.mp3";
    options.progress = [&](double f) {
      std::lock_guard lock(m);
      heard.push_back(f);
    };
    auto report = encode_file(dir / "in.wav", dir / "out.opus", options);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_GE(heard.size(), 20u) << "normalize=" << normalize;
    EXPECT_TRUE(std::is_sorted(heard.begin(), heard.end()));
    EXPECT_GE(heard.back(), 0.97);  // the resampler's tail is the last percent or so
    EXPECT_LE(heard.back(), 1.0);
    if (normalize) {  // halfway once the measuring pass has read the file
      EXPECT_TRUE(std::any_of(heard.begin(), heard.end(), [](double f) { return f > 0.45 && f < 0.55; }));
    }
  }
}
