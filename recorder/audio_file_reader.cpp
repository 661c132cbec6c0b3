// AudioFileReader: picks the decoder (libsndfile, else FFmpeg) and makes the
// checks common to both: the file is there and readable, rate, channels,
// length, and a file that ends before its stated length.
#include "crosstalk/recorder/audio_file_reader.hpp"

#include <boost/filesystem/operations.hpp>
#include <cstdio>
#include <string_view>

#include "audio_source.hpp"
#include "crosstalk/i18n/i18n.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::recorder {

namespace {
// RIFF/RF64 (WAV), FORM (AIFF), fLaC, OggS.
bool sndfile_magic(std::string_view magic) {
  for (std::string_view m : {"RIFF", "RF64", "FORM", "fLaC", "OggS"})
    if (magic == m) return true;
  return false;
}

// The checks before any decoder sees the file; then whether it is one for
// libsndfile. It only sees the containers it is exact for: given an MP3,
// its decoder (mpg123) writes notes to stderr.
Result<bool> for_sndfile(const fs::path& path) {
  const std::string name = path.string();
  boost::system::error_code ec;
  auto status = fs::status(path, ec);
  if (!fs::exists(status)) return bad_input(i18n::tr("{1}: no such file (check the path)", name));
  if (fs::is_directory(status)) return bad_input(i18n::tr("{1}: is a folder, not an audio file", name));
  std::FILE* probe = std::fopen(name.c_str(), "rb");
  if (!probe) return bad_input(i18n::tr("{1}: cannot read the file (check its permissions)", name));
  char magic[4] = {};
  const bool sndfile_kind = std::fread(magic, 1, 4, probe) == 4 && sndfile_magic(std::string_view(magic, 4));
  std::fclose(probe);
  return sndfile_kind;
}

}  // namespace

struct AudioFileReader::Impl {
  std::unique_ptr<AudioSource> source;
  std::string path;
  std::uint64_t frames_read = 0;
};

AudioFileReader::AudioFileReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AudioFileReader::AudioFileReader(AudioFileReader&&) noexcept = default;
AudioFileReader& AudioFileReader::operator=(AudioFileReader&&) noexcept = default;
AudioFileReader::~AudioFileReader() = default;

Result<AudioFileReader> AudioFileReader::open(const fs::path& path) {
  const std::string name = path.string();
  auto sndfile_kind = for_sndfile(path);
  if (!sndfile_kind) return std::unexpected(sndfile_kind.error());
  Result<std::unique_ptr<AudioSource>> source = nullptr;
  if (*sndfile_kind) source = open_with_sndfile(name);
  if (source && !*source) source = open_with_ffmpeg(name);
  if (!source) return std::unexpected(source.error());
  const AudioFileInfo& info = (*source)->info();
  if (info.sample_rate < kMinInputRate || info.sample_rate > kMaxInputRate)
    return bad_input(i18n::tr("{1}: sample rate {2} Hz is not supported (8000 to 192000 Hz)", name, info.sample_rate));
  if (info.channels < 1 || info.channels > kMaxInputChannels)
    return bad_input(i18n::tr("{1}: {2} channels are not supported (1 to 8)", name, info.channels));
  if (info.frames == 0) return bad_input(i18n::tr("{1}: the file holds no audio (zero samples)", name));
  return AudioFileReader(std::make_unique<Impl>(Impl{std::move(*source), name}));
}

Result<AudioFileReader> AudioFileReader::another() const {
  auto source = impl_->source->another();
  if (!source) return std::unexpected(source.error());
  return AudioFileReader(std::make_unique<Impl>(Impl{std::move(*source), impl_->path}));
}

Result<InputTags> read_input_tags(const fs::path& path) {
  auto sndfile_kind = for_sndfile(path);
  if (!sndfile_kind) return std::unexpected(sndfile_kind.error());
  if (*sndfile_kind) {
    auto source = open_with_sndfile(path.string());
    if (!source) return std::unexpected(source.error());
    if (*source) return InputTags{(*source)->info().title, (*source)->info().artist};
  }
  auto info = probe_with_ffmpeg(path.string());
  if (!info) return std::unexpected(info.error());
  return InputTags{info->title, info->artist};
}

const AudioFileInfo& AudioFileReader::info() const { return impl_->source->info(); }

Result<std::size_t> AudioFileReader::read(std::span<float> out) {
  Impl& m = *impl_;
  auto got = m.source->read(out);
  if (!got) return got;
  m.frames_read += *got;
  const std::uint64_t frames = m.source->info().frames;
  if (*got == 0 && m.frames_read < frames)
    return bad_input(
        i18n::tr("{1}: the file is truncated after {2} of {3} samples; export it again", m.path, m.frames_read, frames));
  return got;
}

Result<void> AudioFileReader::seek(std::uint64_t frame) {
  Impl& m = *impl_;
  if (auto r = m.source->seek(frame); !r) return r;
  m.frames_read = frame;
  return {};
}

}  // namespace crosstalk::recorder
