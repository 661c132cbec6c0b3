// WavWriter: libsndfile's WAV, written in the libsndfile module (wav_sink.hpp).
#include "crosstalk/recorder/wav_writer.hpp"

#include "wav_sink.hpp"

namespace crosstalk::recorder {

struct WavWriter::Impl {
  std::unique_ptr<WavSink> sink;
};

WavWriter::WavWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WavWriter::WavWriter(WavWriter&&) noexcept = default;
WavWriter& WavWriter::operator=(WavWriter&&) noexcept = default;
WavWriter::~WavWriter() = default;

Result<WavWriter> WavWriter::create(const boost::filesystem::path& path, int rate, int channels) {
  auto sink = create_wav_with_sndfile(path, rate, channels);
  if (!sink) return std::unexpected(sink.error());
  return WavWriter(std::make_unique<Impl>(Impl{std::move(*sink)}));
}

Result<void> WavWriter::write(std::span<const float> samples) {
  return impl_->sink->write(samples);
}

Result<void> WavWriter::close() { return impl_->sink->close(); }

}  // namespace crosstalk::recorder
