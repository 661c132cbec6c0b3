// In the libsndfile module (see sndfile_module.cpp): the WAV behind
// WavWriter, 24-bit, written through libsndfile.
#include <sndfile.h>

#include <boost/config.hpp>
#include <string>

#include "wav_sink.hpp"

namespace crosstalk::recorder {

namespace {

class SndfileWav final : public WavSink {
 public:
  SndfileWav(SNDFILE* file, int channels, std::string name)
      : file_(file), channels_(channels), name_(std::move(name)) {}
  ~SndfileWav() override {
    if (file_) sf_close(file_);
  }

  Result<void> write(std::span<const float> samples) override {
    const sf_count_t frames =
        static_cast<sf_count_t>(samples.size() / static_cast<std::size_t>(channels_));
    if (sf_writef_float(file_, samples.data(), frames) != frames)
      return failure(name_ + ": cannot write: " + sf_strerror(file_) + " (the disk may be full)");
    return {};
  }

  Result<void> close() override {
    if (!file_) return {};
    const int e = sf_close(file_);
    file_ = nullptr;
    if (e != 0) return failure(name_ + ": cannot finish: " + sf_error_number(e));
    return {};
  }

 private:
  SNDFILE* file_;
  int channels_;
  std::string name_;
};

Result<std::unique_ptr<WavSink>> create_wav(const boost::filesystem::path& path, int rate,
                                            int channels) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file) return failure(path.string() + ": cannot create: " + sf_strerror(nullptr));
  // A hot mic gives samples above full scale: clip them (libsndfile wraps
  // them around to the other sign otherwise).
  sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  return std::make_unique<SndfileWav>(file, channels, path.string());
}

}  // namespace

}  // namespace crosstalk::recorder

extern "C" BOOST_SYMBOL_EXPORT void crosstalk_sndfile_create_wav(
    const boost::filesystem::path& path, const int& rate, const int& channels,
    crosstalk::Result<std::unique_ptr<crosstalk::recorder::WavSink>>& out) {
  out = crosstalk::recorder::create_wav(path, rate, channels);
}
