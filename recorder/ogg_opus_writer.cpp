// Streaming Ogg Opus encoder: libopus makes 20 ms packets, libogg frames them
// into pages; this file decides granules, page flushes and end trimming
// (RFC 7845 §3, §4).
#include "crosstalk/recorder/ogg_opus_writer.hpp"

#include <ogg/ogg.h>
#include <opus/opus.h>

#include <algorithm>
#include <optional>
#include <random>

namespace crosstalk::recorder {

namespace {
constexpr int kMaxPacketBytes = 4000;  // libopus' recommended ceiling

std::uint32_t random_serial() {
  std::random_device rd;
  return static_cast<std::uint32_t>(rd());
}
}  // namespace

std::string encoder_vendor() { return opus_get_version_string(); }

struct OggOpusWriter::Impl {
  ByteSink* sink = nullptr;
  OpusEncoder* encoder = nullptr;
  ogg_stream_state stream{};
  bool stream_ready = false;
  int channels = 1;
  std::uint16_t pre_skip = 0;
  std::int64_t max_page_samples = kOpusRate;

  std::vector<float> frame;         // one 20 ms frame being filled
  std::size_t frame_fill = 0;       // samples per channel in `frame`
  std::uint64_t input_samples = 0;  // per channel, all written so far
  std::uint64_t coded_samples = 0;  // per channel, covered by encoded packets

  // The newest packet is held back one frame: only finish() knows whether it
  // is the last one, which gets the trimmed granule and the EOS flag.
  std::vector<std::uint8_t> held;
  std::int64_t held_granule = 0;
  bool has_held = false;
  std::int64_t packetno = 0;
  std::int64_t last_page_granule = 0;

  std::optional<Error> error;  // sticky
  bool finished = false;
  EncodeSummary summary;

  ~Impl() {
    if (encoder) opus_encoder_destroy(encoder);
    if (stream_ready) ogg_stream_clear(&stream);
  }

  Result<void> fail(Error e) {
    error = e;
    return std::unexpected(std::move(e));
  }

  Result<void> write_page(const ogg_page& page) {
    if (auto r = sink->write({page.header, static_cast<std::size_t>(page.header_len)}); !r)
      return fail(r.error());
    if (auto r = sink->write({page.body, static_cast<std::size_t>(page.body_len)}); !r)
      return fail(r.error());
    summary.pages += 1;
    summary.bytes += static_cast<std::uint64_t>(page.header_len + page.body_len);
    std::int64_t granule = ogg_page_granulepos(&page);
    if (granule >= 0) last_page_granule = granule;
    return {};
  }

  // Writes complete pages; with `force`, also the partial one (a flush).
  Result<void> drain_pages(bool force) {
    ogg_page page;
    while (ogg_stream_pageout(&stream, &page) != 0)
      if (auto r = write_page(page); !r) return r;
    if (force)
      while (ogg_stream_flush(&stream, &page) != 0)
        if (auto r = write_page(page); !r) return r;
    return {};
  }

  Result<void> submit(std::span<const std::uint8_t> bytes, std::int64_t granule, bool bos,
                      bool eos) {
    ogg_packet packet{};
    packet.packet = const_cast<unsigned char*>(bytes.data());
    packet.bytes = static_cast<long>(bytes.size());
    packet.b_o_s = bos ? 1 : 0;
    packet.e_o_s = eos ? 1 : 0;
    packet.granulepos = granule;
    packet.packetno = packetno++;
    if (ogg_stream_packetin(&stream, &packet) != 0) return fail({ErrorKind::Failed, "libogg failed"});
    return {};
  }

  // Hands the held packet to libogg and keeps pages no longer than allowed.
  Result<void> release_held(std::int64_t granule, bool eos) {
    if (!has_held) return {};
    has_held = false;
    if (auto r = submit(held, granule, false, eos); !r) return r;
    summary.packets += 1;
    bool page_due = granule - last_page_granule >= max_page_samples;
    return drain_pages(eos || page_due);
  }

  Result<void> encode_frame() {
    std::vector<std::uint8_t> packet(kMaxPacketBytes);
    opus_int32 n = opus_encode_float(encoder, frame.data(), kFrameSamples, packet.data(),
                                     kMaxPacketBytes);
    if (n < 0)
      return fail({ErrorKind::Failed, std::string("Opus encoder failed: ") + opus_strerror(n)});
    packet.resize(static_cast<std::size_t>(n));
    coded_samples += kFrameSamples;
    if (auto r = release_held(held_granule, false); !r) return r;
    held = std::move(packet);
    held_granule = static_cast<std::int64_t>(coded_samples);
    has_held = true;
    frame_fill = 0;
    return {};
  }

  Result<void> check_usable() const {
    if (error) return std::unexpected(*error);
    if (finished) return std::unexpected(Error{ErrorKind::Failed, "the stream is already finished"});
    return {};
  }
};

OggOpusWriter::OggOpusWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OggOpusWriter::OggOpusWriter(OggOpusWriter&&) noexcept = default;
OggOpusWriter& OggOpusWriter::operator=(OggOpusWriter&&) noexcept = default;
OggOpusWriter::~OggOpusWriter() = default;

Result<OggOpusWriter> OggOpusWriter::create(const EncoderSettings& s, std::vector<Comment> comments,
                                            ByteSink& sink) {
  if (s.channels != 1 && s.channels != 2) return bad_input("channels must be 1 or 2");
  if (s.bitrate < 6000 || s.bitrate > 256000 * s.channels)
    return bad_input("bitrate must be between 6 and " + std::to_string(256 * s.channels) +
                     " kbit/s");
  if (s.max_page_ms < 20) return bad_input("pages must hold at least one 20 ms frame");
  for (const Comment& c : comments)
    if (!is_valid_comment_name(c.name)) return bad_input("invalid tag name '" + c.name + "'");

  auto impl = std::make_unique<Impl>();
  impl->sink = &sink;
  impl->channels = s.channels;
  impl->max_page_samples = static_cast<std::int64_t>(s.max_page_ms) * (kOpusRate / 1000);
  impl->frame.assign(static_cast<std::size_t>(kFrameSamples * s.channels), 0.0f);

  int err = OPUS_OK;
  impl->encoder = opus_encoder_create(kOpusRate, s.channels, OPUS_APPLICATION_AUDIO, &err);
  if (err != OPUS_OK) return failure(std::string("Opus encoder: ") + opus_strerror(err));
  OpusEncoder* enc = impl->encoder;
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(s.bitrate));
  opus_encoder_ctl(enc, OPUS_SET_VBR(1));
  opus_encoder_ctl(enc, OPUS_SET_VBR_CONSTRAINT(0));
  opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(s.complexity));
  opus_encoder_ctl(enc, OPUS_SET_LSB_DEPTH(std::clamp(s.lsb_depth, 8, 24)));
  // Asked after the application is set (RFC 7845 §7): 312 for AUDIO at 48 kHz.
  opus_int32 lookahead = 0;
  opus_encoder_ctl(enc, OPUS_GET_LOOKAHEAD(&lookahead));
  impl->pre_skip = static_cast<std::uint16_t>(lookahead);
  impl->summary.pre_skip = impl->pre_skip;

  std::uint32_t serial = s.serial != 0 ? s.serial : random_serial();
  if (ogg_stream_init(&impl->stream, static_cast<int>(serial)) != 0) return failure("libogg init failed");
  impl->stream_ready = true;

  // Page 0: OpusHead alone, BOS, granule 0.
  auto head = make_opus_head({static_cast<std::uint8_t>(s.channels), impl->pre_skip, s.input_rate, 0});
  if (auto r = impl->submit(head, 0, true, false); !r) return std::unexpected(r.error());
  if (auto r = impl->drain_pages(true); !r) return std::unexpected(r.error());
  // Page 1…: OpusTags, ending its page (flushed), granule 0.
  auto tags = make_opus_tags(encoder_vendor(), comments);
  if (auto r = impl->submit(tags, 0, false, false); !r) return std::unexpected(r.error());
  if (auto r = impl->drain_pages(true); !r) return std::unexpected(r.error());
  return OggOpusWriter(std::move(impl));
}

Result<void> OggOpusWriter::write(std::span<const float> pcm) {
  Impl& m = *impl_;
  if (auto r = m.check_usable(); !r) return r;
  const auto ch = static_cast<std::size_t>(m.channels);
  if (pcm.size() % ch != 0) return bad_input("sample count is not a multiple of the channel count");
  std::size_t frames = pcm.size() / ch;
  std::size_t done = 0;
  while (done < frames) {
    std::size_t take = std::min(frames - done, kFrameSamples - m.frame_fill);
    std::copy_n(pcm.begin() + static_cast<std::ptrdiff_t>(done * ch), take * ch,
                m.frame.begin() + static_cast<std::ptrdiff_t>(m.frame_fill * ch));
    m.frame_fill += take;
    done += take;
    m.input_samples += take;
    if (m.frame_fill == kFrameSamples)
      if (auto r = m.encode_frame(); !r) return r;
  }
  return {};
}

Result<EncodeSummary> OggOpusWriter::finish() {
  Impl& m = *impl_;
  if (auto r = m.check_usable(); !r) return std::unexpected(r.error());
  // Decoders drop pre_skip samples, so packets must cover input + pre_skip;
  // pad with silence, then trim the excess (< one frame) through the granule.
  const std::uint64_t final_granule = m.input_samples + m.pre_skip;
  while (m.coded_samples < final_granule) {
    std::fill(m.frame.begin() + static_cast<std::ptrdiff_t>(m.frame_fill * m.channels),
              m.frame.end(), 0.0f);
    m.frame_fill = kFrameSamples;
    if (auto r = m.encode_frame(); !r) return std::unexpected(r.error());
  }
  if (auto r = m.release_held(static_cast<std::int64_t>(final_granule), true); !r)
    return std::unexpected(r.error());
  m.finished = true;
  m.summary.input_samples = m.input_samples;
  m.summary.final_granule = final_granule;
  return m.summary;
}

std::uint16_t OggOpusWriter::pre_skip() const { return impl_->pre_skip; }
std::uint64_t OggOpusWriter::samples_written() const { return impl_->input_samples; }

}  // namespace crosstalk::recorder
