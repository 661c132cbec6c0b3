// libsndfile behind AudioFileReader: opens, checks rate/channels/length and
// spots truncated files (libsndfile reads those quietly to the cut).
#include "crosstalk/recorder/audio_file_reader.hpp"

#include <sndfile.h>

#include <boost/filesystem/operations.hpp>
#include <cinttypes>
#include <cstdio>
#include <sstream>

namespace fs = boost::filesystem;

namespace crosstalk::recorder {

namespace {

std::string describe_format(int format) {
  std::string major;
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV: major = "WAV"; break;
    case SF_FORMAT_WAVEX: major = "WAV"; break;
    case SF_FORMAT_RF64: major = "RF64"; break;
    case SF_FORMAT_AIFF: major = "AIFF"; break;
    case SF_FORMAT_FLAC: major = "FLAC"; break;
    case SF_FORMAT_OGG: major = (format & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS ? "Ogg Opus" : "Ogg"; break;
    default: major = "audio"; break;
  }
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: return major + " 8-bit";
    case SF_FORMAT_PCM_16: return major + " 16-bit";
    case SF_FORMAT_PCM_24: return major + " 24-bit";
    case SF_FORMAT_PCM_32: return major + " 32-bit";
    case SF_FORMAT_FLOAT: return major + " float";
    case SF_FORMAT_DOUBLE: return major + " double";
    default: return major;
  }
}

int significant_bits(int format) {
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: return 8;
    case SF_FORMAT_PCM_16: return 16;
    default: return 24;
  }
}

bool supported_container(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV: case SF_FORMAT_WAVEX: case SF_FORMAT_RF64:
    case SF_FORMAT_AIFF: case SF_FORMAT_FLAC: return true;
    // Ogg Opus (our own episodes: the MP3 rendition of an episode imported
    // before renditions existed is made from it).
    case SF_FORMAT_OGG: return (format & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS;
    default: return false;
  }
}

// libsndfile logs "data : 32000 (should be 19956)" when the header promises
// more audio than the file holds. (A smaller or zero size is what streaming
// writers leave, and is harmless.)
bool header_promises_more_than_file(SNDFILE* file) {
  char log[8192] = {};
  sf_command(file, SFC_GET_LOG_INFO, log, sizeof log);
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("data", 0) != 0 && line.rfind("SSND", 0) != 0) continue;
    unsigned long long declared = 0, actual = 0;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (std::sscanf(line.c_str() + colon + 1, " %llu (should be %llu)", &declared, &actual) == 2 &&
        declared > actual && declared != 0xFFFFFFFFull)
      return true;
  }
  return false;
}

}  // namespace

struct AudioFileReader::Impl {
  SNDFILE* file = nullptr;
  AudioFileInfo info;
  std::string path;
  std::uint64_t frames_read = 0;
  ~Impl() {
    if (file) sf_close(file);
  }
};

AudioFileReader::AudioFileReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AudioFileReader::AudioFileReader(AudioFileReader&&) noexcept = default;
AudioFileReader& AudioFileReader::operator=(AudioFileReader&&) noexcept = default;
AudioFileReader::~AudioFileReader() = default;

Result<AudioFileReader> AudioFileReader::open(const fs::path& path) {
  const std::string name = path.string();
  boost::system::error_code ec;
  auto status = fs::status(path, ec);
  if (!fs::exists(status)) return bad_input(name + ": no such file (check the path)");
  if (fs::is_directory(status)) return bad_input(name + ": is a folder, not an audio file");

  auto impl = std::make_unique<Impl>();
  impl->path = name;
  SF_INFO sf{};
  impl->file = sf_open(name.c_str(), SFM_READ, &sf);
  if (!impl->file) {
    std::string why = sf_strerror(nullptr);
    std::FILE* probe = std::fopen(name.c_str(), "rb");
    if (!probe) return bad_input(name + ": cannot read the file (check its permissions)");
    std::fclose(probe);
    return bad_input(name + ": not a readable WAV, FLAC, AIFF or Ogg Opus file (" + why + ")");
  }
  if (!supported_container(sf.format))
    return bad_input(name + ": unsupported audio format (use WAV, FLAC, AIFF or Ogg Opus)");
  AudioFileInfo& info = impl->info;
  info.sample_rate = sf.samplerate;
  info.channels = sf.channels;
  info.frames = sf.frames > 0 ? static_cast<std::uint64_t>(sf.frames) : 0;
  info.bits = significant_bits(sf.format);
  info.format = describe_format(sf.format);

  if (info.sample_rate < kMinInputRate || info.sample_rate > kMaxInputRate)
    return bad_input(name + ": sample rate " + std::to_string(info.sample_rate) +
                     " Hz is not supported (8000 to 192000 Hz)");
  if (info.channels < 1 || info.channels > kMaxInputChannels)
    return bad_input(name + ": " + std::to_string(info.channels) +
                     " channels are not supported (1 to 8)");
  if (header_promises_more_than_file(impl->file))
    return bad_input(name + ": the file is truncated (its header promises more audio than it "
                            "holds); export it again");
  if (info.frames == 0) return bad_input(name + ": the file holds no audio (zero samples)");
  sf_command(impl->file, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
  return AudioFileReader(std::move(impl));
}

const AudioFileInfo& AudioFileReader::info() const { return impl_->info; }

Result<std::size_t> AudioFileReader::read(std::span<float> out) {
  Impl& m = *impl_;
  const auto ch = static_cast<std::size_t>(m.info.channels);
  sf_count_t want = static_cast<sf_count_t>(out.size() / ch);
  sf_count_t got = sf_readf_float(m.file, out.data(), want);
  if (got < 0 || sf_error(m.file) != SF_ERR_NO_ERROR)
    return bad_input(m.path + ": the audio data is damaged (" + sf_strerror(m.file) + ")");
  m.frames_read += static_cast<std::uint64_t>(got);
  if (got == 0 && m.frames_read < m.info.frames)
    return bad_input(m.path + ": the file is truncated after " + std::to_string(m.frames_read) +
                     " of " + std::to_string(m.info.frames) + " samples; export it again");
  return static_cast<std::size_t>(got);
}

Result<void> AudioFileReader::seek(std::uint64_t frame) {
  Impl& m = *impl_;
  if (sf_seek(m.file, static_cast<sf_count_t>(frame), SEEK_SET) < 0)
    return failure(m.path + ": cannot seek in the audio (" + sf_strerror(m.file) + ")");
  m.frames_read = frame;
  return {};
}

}  // namespace crosstalk::recorder
