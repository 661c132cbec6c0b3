// In the libsndfile module (see sndfile_module.cpp): libsndfile behind
// AudioFileReader: WAV, FLAC, AIFF, Ogg Vorbis and Ogg
// Opus (exact lengths, tags); spots truncated files (libsndfile reads
// those quietly to the cut). Other formats are left to FFmpeg.
#include <sndfile.h>

#include <boost/config.hpp>
#include <cstdio>
#include <sstream>

#include "audio_source.hpp"
#include "crosstalk/i18n/i18n.hpp"

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
    case SF_FORMAT_OGG: major = (format & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS ? "Ogg Opus" : "Ogg Vorbis"; break;
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

// What libsndfile reads exactly; FFmpeg reads the rest.
bool ours(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV: case SF_FORMAT_WAVEX: case SF_FORMAT_RF64:
    case SF_FORMAT_AIFF: case SF_FORMAT_FLAC: return true;
    case SF_FORMAT_OGG: {
      const int codec = format & SF_FORMAT_SUBMASK;
      return codec == SF_FORMAT_OPUS || codec == SF_FORMAT_VORBIS;
    }
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

class SndfileSource final : public AudioSource {
 public:
  SndfileSource(std::string path, SNDFILE* file) : path_(std::move(path)), file_(file) {
    sf_command(file_, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
  }
  ~SndfileSource() override { sf_close(file_); }
  SndfileSource(const SndfileSource&) = delete;
  SndfileSource& operator=(const SndfileSource&) = delete;

  static Result<std::unique_ptr<AudioSource>> open(const std::string& path) {
    SF_INFO sf{};
    SNDFILE* file = sf_open(path.c_str(), SFM_READ, &sf);
    if (!file) return nullptr;
    auto source = std::make_unique<SndfileSource>(path, file);
    if (!ours(sf.format)) return nullptr;
    AudioFileInfo& info = source->info_;
    info.sample_rate = sf.samplerate;
    info.channels = sf.channels;
    info.frames = sf.frames > 0 ? static_cast<std::uint64_t>(sf.frames) : 0;
    info.bits = significant_bits(sf.format);
    info.format = describe_format(sf.format);
    if (const char* title = sf_get_string(file, SF_STR_TITLE)) info.title = title;
    if (const char* artist = sf_get_string(file, SF_STR_ARTIST)) info.artist = artist;
    if (header_promises_more_than_file(file))
      return bad_input(
          i18n::tr("{1}: the file is truncated (its header promises more audio than it holds); export it again", path));
    return source;
  }

  Result<std::size_t> read(std::span<float> out) override {
    const auto ch = static_cast<std::size_t>(info_.channels);
    sf_count_t got = sf_readf_float(file_, out.data(), static_cast<sf_count_t>(out.size() / ch));
    if (got < 0 || sf_error(file_) != SF_ERR_NO_ERROR)
      return bad_input(i18n::tr("{1}: the audio data is damaged ({2})", path_, sf_strerror(file_)));
    return static_cast<std::size_t>(got);
  }

  Result<void> seek(std::uint64_t frame) override {
    if (sf_seek(file_, static_cast<sf_count_t>(frame), SEEK_SET) < 0)
      return failure(i18n::tr("{1}: cannot seek in the audio ({2})", path_, sf_strerror(file_)));
    return {};
  }

  Result<std::unique_ptr<AudioSource>> another() const override {
    SF_INFO sf{};
    SNDFILE* file = sf_open(path_.c_str(), SFM_READ, &sf);
    if (!file) return failure(i18n::tr("{1}: cannot open it again ({2})", path_, sf_strerror(nullptr)));
    auto source = std::make_unique<SndfileSource>(path_, file);
    source->info_ = info_;
    return source;
  }

 private:
  std::string path_;
  SNDFILE* file_;
};

}  // namespace

}  // namespace crosstalk::recorder

// The module's entry point (sndfile_module.cpp calls it): nullptr when
// libsndfile does not read this format for us.
extern "C" BOOST_SYMBOL_EXPORT void crosstalk_sndfile_open(
    const std::string& path, crosstalk::Result<std::unique_ptr<crosstalk::recorder::AudioSource>>& out) {
  out = crosstalk::recorder::SndfileSource::open(path);
}
