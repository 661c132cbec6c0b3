// WavWriter over libsndfile.
#include "crosstalk/recorder/wav_writer.hpp"

#include <sndfile.h>

#include <string>

namespace crosstalk::recorder {

struct WavWriter::Impl {
  SNDFILE* file = nullptr;
  int channels = 1;
  std::string name;
  ~Impl() {
    if (file) sf_close(file);
  }
};

WavWriter::WavWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WavWriter::WavWriter(WavWriter&&) noexcept = default;
WavWriter& WavWriter::operator=(WavWriter&&) noexcept = default;
WavWriter::~WavWriter() = default;

Result<WavWriter> WavWriter::create(const boost::filesystem::path& path, int rate, int channels) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
  auto impl = std::make_unique<Impl>();
  impl->file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!impl->file) return failure(path.string() + ": cannot create: " + sf_strerror(nullptr));
  // A hot mic gives samples above full scale: clip them (libsndfile wraps
  // them around to the other sign otherwise).
  sf_command(impl->file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  impl->channels = channels;
  impl->name = path.string();
  return WavWriter(std::move(impl));
}

Result<void> WavWriter::write(std::span<const float> samples) {
  const sf_count_t frames = static_cast<sf_count_t>(samples.size() / static_cast<std::size_t>(impl_->channels));
  if (sf_writef_float(impl_->file, samples.data(), frames) != frames)
    return failure(impl_->name + ": cannot write: " + sf_strerror(impl_->file) + " (the disk may be full)");
  return {};
}

Result<void> WavWriter::close() {
  if (!impl_->file) return {};
  const int e = sf_close(impl_->file);
  impl_->file = nullptr;
  if (e != 0) return failure(impl_->name + ": cannot finish: " + sf_error_number(e));
  return {};
}

}  // namespace crosstalk::recorder
