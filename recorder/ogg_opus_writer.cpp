// Streaming Ogg Opus encoder: libopus makes 20 ms packets (OpusFrameEncoder),
// libogg frames them into pages (OggOpusMuxer: granules, page flushes, end
// trimming; RFC 7845 §3, §4); OggOpusWriter joins the two.
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

// ---- OpusFrameEncoder ----

struct OpusFrameEncoder::Impl {
  OpusEncoder* encoder = nullptr;
  std::size_t frame_values = kFrameSamples;
  std::uint16_t lookahead = 0;
  std::vector<std::uint8_t> packet = std::vector<std::uint8_t>(kMaxPacketBytes);
  ~Impl() {
    if (encoder) opus_encoder_destroy(encoder);
  }
};

OpusFrameEncoder::OpusFrameEncoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OpusFrameEncoder::OpusFrameEncoder(OpusFrameEncoder&&) noexcept = default;
OpusFrameEncoder& OpusFrameEncoder::operator=(OpusFrameEncoder&&) noexcept = default;
OpusFrameEncoder::~OpusFrameEncoder() = default;

Result<OpusFrameEncoder> OpusFrameEncoder::create(const EncoderSettings& s) {
  if (s.channels != 1 && s.channels != 2) return bad_input("channels must be 1 or 2");
  if (s.bitrate < 6000 || s.bitrate > 256000 * s.channels)
    return bad_input("bitrate must be between 6 and " + std::to_string(256 * s.channels) +
                     " kbit/s");
  auto impl = std::make_unique<Impl>();
  impl->frame_values = static_cast<std::size_t>(kFrameSamples * s.channels);
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
  impl->lookahead = static_cast<std::uint16_t>(lookahead);
  return OpusFrameEncoder(std::move(impl));
}

Result<std::span<const std::uint8_t>> OpusFrameEncoder::encode(std::span<const float> frame) {
  Impl& m = *impl_;
  if (frame.size() != m.frame_values) return bad_input("an Opus frame is 20 ms of every channel");
  opus_int32 n = opus_encode_float(m.encoder, frame.data(), kFrameSamples, m.packet.data(), kMaxPacketBytes);
  if (n < 0) return failure(std::string("Opus encoder failed: ") + opus_strerror(n));
  return std::span<const std::uint8_t>(m.packet.data(), static_cast<std::size_t>(n));
}

void OpusFrameEncoder::set_prediction(bool enabled) {
  opus_encoder_ctl(impl_->encoder, OPUS_SET_PREDICTION_DISABLED(enabled ? 0 : 1));
}

std::uint16_t OpusFrameEncoder::lookahead() const { return impl_->lookahead; }

// ---- OggOpusMuxer ----

struct OggOpusMuxer::Impl {
  ByteSink* sink = nullptr;
  ogg_stream_state stream{};
  bool stream_ready = false;
  std::uint16_t pre_skip = 0;
  std::int64_t max_page_samples = kOpusRate;

  // The newest packet is held back one packet: only finish() knows whether
  // it is the last one, which gets the trimmed granule and the EOS flag.
  std::vector<std::uint8_t> held;
  bool has_held = false;
  std::uint64_t added = 0;  // packets given, the held one included
  std::int64_t packetno = 0;
  std::int64_t last_page_granule = 0;

  std::optional<Error> error;  // sticky
  bool finished = false;
  EncodeSummary summary;

  ~Impl() {
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

  Result<void> check_usable() const {
    if (error) return std::unexpected(*error);
    if (finished) return std::unexpected(Error{ErrorKind::Failed, "the stream is already finished"});
    return {};
  }
};

OggOpusMuxer::OggOpusMuxer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OggOpusMuxer::OggOpusMuxer(OggOpusMuxer&&) noexcept = default;
OggOpusMuxer& OggOpusMuxer::operator=(OggOpusMuxer&&) noexcept = default;
OggOpusMuxer::~OggOpusMuxer() = default;

Result<OggOpusMuxer> OggOpusMuxer::create(const EncoderSettings& s, std::uint16_t pre_skip,
                                          std::vector<Comment> comments, ByteSink& sink) {
  if (s.channels != 1 && s.channels != 2) return bad_input("channels must be 1 or 2");
  if (s.max_page_ms < 20) return bad_input("pages must hold at least one 20 ms frame");
  for (const Comment& c : comments)
    if (!is_valid_comment_name(c.name)) return bad_input("invalid tag name '" + c.name + "'");
  auto impl = std::make_unique<Impl>();
  impl->sink = &sink;
  impl->pre_skip = pre_skip;
  impl->summary.pre_skip = pre_skip;
  impl->max_page_samples = static_cast<std::int64_t>(s.max_page_ms) * (kOpusRate / 1000);
  std::uint32_t serial = s.serial != 0 ? s.serial : random_serial();
  if (ogg_stream_init(&impl->stream, static_cast<int>(serial)) != 0) return failure("libogg init failed");
  impl->stream_ready = true;

  // Page 0: OpusHead alone, BOS, granule 0.
  auto head = make_opus_head({static_cast<std::uint8_t>(s.channels), pre_skip, s.input_rate, 0});
  if (auto r = impl->submit(head, 0, true, false); !r) return std::unexpected(r.error());
  if (auto r = impl->drain_pages(true); !r) return std::unexpected(r.error());
  // Page 1…: OpusTags, ending its page (flushed), granule 0.
  auto tags = make_opus_tags(encoder_vendor(), comments);
  if (auto r = impl->submit(tags, 0, false, false); !r) return std::unexpected(r.error());
  if (auto r = impl->drain_pages(true); !r) return std::unexpected(r.error());
  return OggOpusMuxer(std::move(impl));
}

Result<void> OggOpusMuxer::add(std::span<const std::uint8_t> packet) {
  Impl& m = *impl_;
  if (auto r = m.check_usable(); !r) return r;
  // The held packet completes the samples of all packets before this one.
  if (auto r = m.release_held(static_cast<std::int64_t>(m.added * kFrameSamples), false); !r) return r;
  m.held.assign(packet.begin(), packet.end());
  m.has_held = true;
  m.added += 1;
  return {};
}

Result<EncodeSummary> OggOpusMuxer::finish(std::uint64_t input_samples) {
  Impl& m = *impl_;
  if (auto r = m.check_usable(); !r) return std::unexpected(r.error());
  // Decoders drop pre_skip samples, so packets must cover input + pre_skip;
  // the excess (< one packet) is trimmed through the last granule (§4.4).
  const std::uint64_t final_granule = input_samples + m.pre_skip;
  const std::uint64_t covered = m.added * kFrameSamples;
  if (m.added == 0 || covered < final_granule || covered - final_granule >= kFrameSamples)
    return std::unexpected(*(m.fail({ErrorKind::Failed, "Ogg Opus: " + std::to_string(m.added) +
                                                            " packets do not end a stream of " +
                                                            std::to_string(input_samples) + " samples"}),
                             m.error));
  if (auto r = m.release_held(static_cast<std::int64_t>(final_granule), true); !r)
    return std::unexpected(r.error());
  m.finished = true;
  m.summary.input_samples = input_samples;
  m.summary.final_granule = final_granule;
  return m.summary;
}

std::uint64_t OggOpusMuxer::packets() const { return impl_->added; }

// ---- OggOpusWriter ----

struct OggOpusWriter::Impl {
  Impl(OpusFrameEncoder e, OggOpusMuxer m, int ch)
      : encoder(std::move(e)), muxer(std::move(m)), channels(ch),
        frame(static_cast<std::size_t>(kFrameSamples * ch), 0.0f) {}
  OpusFrameEncoder encoder;
  OggOpusMuxer muxer;
  int channels = 1;
  std::vector<float> frame;         // one 20 ms frame being filled
  std::size_t frame_fill = 0;       // samples per channel in `frame`
  std::uint64_t input_samples = 0;  // per channel, all written so far
  std::uint64_t coded_samples = 0;  // per channel, covered by encoded packets
  std::optional<Error> error;       // sticky (the muxer's are sticky too)
  bool finished = false;

  Result<void> fail(Error e) {
    error = e;
    return std::unexpected(std::move(e));
  }

  Result<void> encode_frame() {
    auto packet = encoder.encode(frame);
    if (!packet) return fail(packet.error());
    coded_samples += kFrameSamples;
    frame_fill = 0;
    return muxer.add(*packet);
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
  if (s.max_page_ms < 20) return bad_input("pages must hold at least one 20 ms frame");
  for (const Comment& c : comments)
    if (!is_valid_comment_name(c.name)) return bad_input("invalid tag name '" + c.name + "'");
  auto encoder = OpusFrameEncoder::create(s);
  if (!encoder) return std::unexpected(encoder.error());
  auto muxer = OggOpusMuxer::create(s, encoder->lookahead(), std::move(comments), sink);
  if (!muxer) return std::unexpected(muxer.error());
  auto impl = std::make_unique<Impl>(std::move(*encoder), std::move(*muxer), s.channels);
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
  // Pad with silence until the packets cover input + pre-skip; the muxer
  // trims the excess.
  const std::uint64_t final_granule = m.input_samples + m.encoder.lookahead();
  while (m.coded_samples < final_granule) {
    std::fill(m.frame.begin() + static_cast<std::ptrdiff_t>(m.frame_fill * m.channels),
              m.frame.end(), 0.0f);
    m.frame_fill = kFrameSamples;
    if (auto r = m.encode_frame(); !r) return std::unexpected(r.error());
  }
  auto summary = m.muxer.finish(m.input_samples);
  if (!summary) return std::unexpected(*(m.fail(summary.error()), m.error));
  m.finished = true;
  return summary;
}

std::uint16_t OggOpusWriter::pre_skip() const { return impl_->encoder.lookahead(); }
std::uint64_t OggOpusWriter::samples_written() const { return impl_->input_samples; }

}  // namespace crosstalk::recorder
