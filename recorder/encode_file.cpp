// encode_file: streams a WAV/FLAC/AIFF file into a tagged Ogg Opus file in
// fixed-size blocks, so memory stays flat whatever the input's length.
#include "crosstalk/recorder/encode_file.hpp"

#include <boost/filesystem/operations.hpp>
#include <optional>

#include "crosstalk/recorder/resampler.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/version.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::recorder {

namespace {

constexpr std::size_t kBlockFrames = 4096;

// Mono: the mean of all channels. Stereo: a stereo source as it is.
void mix_down(std::span<const float> in, int in_channels, std::size_t frames, int out_channels,
              std::vector<float>& out) {
  out.resize(frames * static_cast<std::size_t>(out_channels));
  if (in_channels == out_channels) {
    std::copy_n(in.begin(), out.size(), out.begin());
    return;
  }
  const float scale = 1.0f / static_cast<float>(in_channels);
  for (std::size_t f = 0; f < frames; ++f) {
    float sum = 0.0f;
    for (int c = 0; c < in_channels; ++c) sum += in[f * static_cast<std::size_t>(in_channels) + static_cast<std::size_t>(c)];
    out[f] = sum * scale;
  }
}

Result<void> check_paths(const fs::path& in, const fs::path& out) {
  boost::system::error_code ec;
  if (fs::is_directory(out, ec))
    return bad_input(out.string() + ": is a folder; give the output file's name, e.g. episode.opus");
  fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(folder, ec))
    return bad_input(out.string() + ": the folder " + folder.string() + " does not exist");
  bool same = fs::exists(out, ec) ? fs::equivalent(in, out, ec)
                                  : fs::weakly_canonical(in, ec) == fs::weakly_canonical(out, ec);
  if (same) return bad_input(out.string() + ": the output would overwrite the input; choose another name");
  return {};
}

}  // namespace

int default_bitrate(int channels) { return channels == 2 ? 96000 : 64000; }

std::string encoder_tag() {
  return std::string("crosstalk ") + kVersion + " (" + encoder_vendor() + ")";
}

Result<EncodeReport> encode_file(const fs::path& in, const fs::path& out,
                                 const EncodeOptions& options) {
  if (options.channels != 1 && options.channels != 2) return bad_input("--channels must be 1 or 2");
  auto reader = AudioFileReader::open(in);
  if (!reader) return std::unexpected(reader.error());
  if (auto r = check_paths(in, out); !r) return std::unexpected(r.error());
  const AudioFileInfo& info = reader->info();
  if (info.channels > 2 && options.channels == 2)
    return bad_input(in.string() + ": has " + std::to_string(info.channels) +
                     " channels; only a stereo source can stay stereo (use --channels 1 to downmix)");

  EncodeReport report;
  report.input = info;
  report.channels = info.channels == 1 ? 1 : options.channels;
  report.bitrate = options.bitrate > 0 ? options.bitrate : default_bitrate(report.channels);

  AudioTags tags = options.tags;
  if (tags.encoder.empty()) tags.encoder = encoder_tag();

  auto target = util::AtomicFile::create(out);
  if (!target) return std::unexpected(target.error());
  FileSink sink(target->file());
  EncoderSettings settings;
  settings.channels = report.channels;
  settings.bitrate = report.bitrate;
  settings.input_rate = static_cast<std::uint32_t>(info.sample_rate);
  settings.lsb_depth = info.bits;
  std::vector<Comment> comments{{"ENCODER", tags.encoder}};
  if (!tags.title.empty()) comments.push_back({"TITLE", tags.title});
  auto writer = OggOpusWriter::create(settings, std::move(comments), sink);
  if (!writer) return std::unexpected(writer.error());

  std::optional<Resampler> resampler;
  if (info.sample_rate != kOpusRate) {
    auto r = Resampler::create(info.sample_rate, kOpusRate, report.channels);
    if (!r) return std::unexpected(r.error());
    resampler.emplace(std::move(*r));
  }

  std::vector<float> block(kBlockFrames * static_cast<std::size_t>(info.channels));
  std::vector<float> mixed;
  for (;;) {
    auto frames = reader->read(block);
    if (!frames) return std::unexpected(frames.error());
    if (*frames == 0) break;
    mix_down(block, info.channels, *frames, report.channels, mixed);
    std::span<const float> pcm = mixed;
    if (resampler) {
      auto converted = resampler->process(mixed);
      if (!converted) return std::unexpected(converted.error());
      pcm = *converted;
    }
    if (auto r = writer->write(pcm); !r) return std::unexpected(r.error());
  }
  if (resampler) {
    auto tail = resampler->flush();
    if (!tail) return std::unexpected(tail.error());
    if (auto r = writer->write(*tail); !r) return std::unexpected(r.error());
  }
  auto summary = writer->finish();
  if (!summary) return std::unexpected(summary.error());
  report.stream = *summary;

  if (auto r = target->close(); !r) return std::unexpected(r.error());
  if (auto r = write_tags(target->temp_path(), tags); !r) return std::unexpected(r.error());
  boost::system::error_code ec;
  report.file_bytes = fs::file_size(target->temp_path(), ec);
  if (auto r = target->commit(); !r) return std::unexpected(r.error());
  return report;
}

}  // namespace crosstalk::recorder
