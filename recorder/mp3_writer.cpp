// Mp3Writer: LAME's buffer API, fed in blocks; the info frame is patched in
// at the stream's start when it ends (ByteSink::patch).
#include "crosstalk/recorder/mp3_writer.hpp"

#include <lame/lame.h>

#include <optional>
#include <vector>

namespace crosstalk::recorder {

struct Mp3Writer::Impl {
  lame_global_flags* lame = nullptr;
  ByteSink* sink = nullptr;
  Mp3Settings settings;
  std::vector<unsigned char> out;
  std::vector<float> left, right;
  Mp3Summary summary;
  std::optional<Error> error;

  ~Impl() {
    if (lame) lame_close(lame);
  }

  Result<void> emit(int n) {
    if (n < 0) return fail("LAME failed to encode (code " + std::to_string(n) + ")");
    if (n == 0) return {};
    summary.bytes += static_cast<std::uint64_t>(n);
    auto r = sink->write(std::span<const std::uint8_t>(out.data(), static_cast<std::size_t>(n)));
    if (!r) error = r.error();
    return r;
  }
  Result<void> fail(std::string message) {
    error = Error{ErrorKind::Failed, "MP3 encoding: " + std::move(message)};
    return std::unexpected(*error);
  }
};

Mp3Writer::Mp3Writer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mp3Writer::Mp3Writer(Mp3Writer&&) noexcept = default;
Mp3Writer& Mp3Writer::operator=(Mp3Writer&&) noexcept = default;
Mp3Writer::~Mp3Writer() = default;

std::string mp3_encoder_vendor() { return std::string("LAME ") + get_lame_short_version(); }

Result<Mp3Writer> Mp3Writer::create(const Mp3Settings& s, ByteSink& sink) {
  if (s.channels != 1 && s.channels != 2) return bad_input("MP3: 1 or 2 channels only");
  auto impl = std::make_unique<Impl>();
  impl->settings = s;
  impl->sink = &sink;
  impl->summary.bitrate_kbps = s.bitrate_kbps;
  impl->lame = lame_init();
  if (!impl->lame) return failure("MP3 encoding: LAME could not start (out of memory?)");
  lame_global_flags* l = impl->lame;
  lame_set_num_channels(l, s.channels);
  lame_set_in_samplerate(l, s.sample_rate);
  lame_set_out_samplerate(l, s.sample_rate);
  lame_set_mode(l, s.channels == 1 ? MONO : JOINT_STEREO);
  lame_set_VBR(l, vbr_off);
  lame_set_brate(l, s.bitrate_kbps);
  lame_set_quality(l, s.quality);
  lame_set_bWriteVbrTag(l, 1);  // the Xing/LAME "Info" frame: delay, padding, length
  if (lame_init_params(l) < 0)
    return bad_input("MP3 encoding: LAME refuses " + std::to_string(s.bitrate_kbps) + " kbit/s at " +
                     std::to_string(s.sample_rate) + " Hz; choose another <mp3-bitrate> in show.xml");
  return Mp3Writer(std::move(impl));
}

Result<void> Mp3Writer::write(std::span<const float> pcm) {
  Impl& m = *impl_;
  if (m.error) return std::unexpected(*m.error);
  const auto channels = static_cast<std::size_t>(m.settings.channels);
  if (pcm.size() % channels != 0) return m.fail("a block of PCM is not whole frames");
  const std::size_t frames = pcm.size() / channels;
  if (frames == 0) return {};
  m.out.resize(frames * 5 / 4 + 7200);  // LAME's documented worst case
  int n;
  if (channels == 1) {
    n = lame_encode_buffer_ieee_float(m.lame, pcm.data(), nullptr, static_cast<int>(frames), m.out.data(),
                                      static_cast<int>(m.out.size()));
  } else {
    n = lame_encode_buffer_interleaved_ieee_float(m.lame, pcm.data(), static_cast<int>(frames), m.out.data(),
                                                  static_cast<int>(m.out.size()));
  }
  m.summary.input_samples += frames;
  return m.emit(n);
}

Result<Mp3Summary> Mp3Writer::finish() {
  Impl& m = *impl_;
  if (m.error) return std::unexpected(*m.error);
  m.out.resize(7200);
  if (auto r = m.emit(lame_encode_flush(m.lame, m.out.data(), static_cast<int>(m.out.size()))); !r)
    return std::unexpected(r.error());
  m.out.resize(2880);
  const std::size_t tag = lame_get_lametag_frame(m.lame, m.out.data(), m.out.size());
  if (tag == 0 || tag > m.out.size()) return std::unexpected(*(m.fail("LAME gave no info frame"), m.error));
  if (auto r = m.sink->patch(0, std::span<const std::uint8_t>(m.out.data(), tag)); !r) {
    m.error = r.error();
    return std::unexpected(r.error());
  }
  return m.summary;
}

}  // namespace crosstalk::recorder
