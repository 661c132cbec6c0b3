// FFmpeg's libraries behind AudioFileReader, for what libsndfile does not
// read: MP3, AAC and ALAC (M4A, MP4, MOV), Matroska/WebM, WMA, … The first
// audio stream is decoded (video and other streams are skipped unread) and
// converted to interleaved float by libswresample, at the file's own rate.
//
// Exact length: libavcodec drops the encoder delay and padding that the file
// declares (LAME's info frame, an MP4 edit list's start, Ogg pre-skip and end
// trim, Matroska's CodecDelay/DiscardPadding, all reaching the decoder as
// AV_PKT_DATA_SKIP_SAMPLES); an MP4/MOV track's duration, in samples, also
// trims the end, which FFmpeg 5.1's MP4 reader leaves padded. Nothing else
// is guessed: a container that declares no delay keeps it.
//
// FFmpeg's own log goes nowhere but into the error line of a failure.
//
// Built as a module of its own (lib/crosstalk/ffmpeg.so beside bin/),
// opened by ffmpeg_module.cpp the first time a file needs it: FFmpeg and the
// hundred libraries behind it are not loaded by commands that never decode
// such a file (each start of the binary paid ~40 ms and ~25 MiB for them).
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/config.hpp>

#include "audio_source.hpp"
#include "crosstalk/i18n/i18n.hpp"

namespace crosstalk::recorder {

namespace {

// The last error FFmpeg logged, per thread (decoders run on the calling
// thread: one decoding thread per context). A table, not thread_local: no
// thread-local storage in a module that is dlopened (GCC's LeakSanitizer
// trips over it at exit). Never destroyed, as the module is never unloaded.
std::mutex g_last_log_mutex;
std::unordered_map<std::thread::id, std::string>& last_logs() {
  static auto* logs = new std::unordered_map<std::thread::id, std::string>;
  return *logs;
}
std::string last_log() {
  std::lock_guard lock(g_last_log_mutex);
  auto it = last_logs().find(std::this_thread::get_id());
  return it == last_logs().end() ? std::string() : it->second;
}
void forget_last_log() {
  std::lock_guard lock(g_last_log_mutex);
  last_logs().erase(std::this_thread::get_id());
}

extern "C" void keep_last_error(void*, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_ERROR) return;
  char line[512];
  int print_prefix = 0;
  av_log_format_line2(nullptr, level, fmt, args, line, sizeof line, &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (text.empty()) return;
  std::lock_guard lock(g_last_log_mutex);
  last_logs()[std::this_thread::get_id()] = std::move(text);
}

void silence_ffmpeg_log() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(keep_last_error); });
}

// What FFmpeg said: its log line when it logged one, else the error code's text.
std::string why(int error) {
  std::string text = last_log();
  if (text.empty()) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(error, buf, sizeof buf);
    text = buf;
  }
  return "FFmpeg: " + text;
}

std::string clock_text(std::uint64_t frames, int rate) {
  const auto s = rate > 0 ? frames / static_cast<std::uint64_t>(rate) : 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
  return buf;
}

// "AAC in MP4", "MP3", "Opus in Matroska/WebM".
std::string describe(const AVFormatContext* format, const AVCodecParameters* codec) {
  std::string name;
  switch (codec->codec_id) {
    case AV_CODEC_ID_MP3: return "MP3";
    case AV_CODEC_ID_AAC: name = "AAC"; break;
    case AV_CODEC_ID_ALAC: name = "ALAC"; break;
    case AV_CODEC_ID_VORBIS: name = "Vorbis"; break;
    case AV_CODEC_ID_OPUS: name = "Opus"; break;
    case AV_CODEC_ID_FLAC: name = "FLAC"; break;
    case AV_CODEC_ID_WMAV1: case AV_CODEC_ID_WMAV2: case AV_CODEC_ID_WMAPRO: case AV_CODEC_ID_WMAVOICE:
    case AV_CODEC_ID_WMALOSSLESS: return "WMA";
    default: name = avcodec_get_name(codec->codec_id); break;
  }
  const std::string demuxer = format->iformat->name;
  std::string container = demuxer.substr(0, demuxer.find(','));
  if (demuxer.rfind("mov,", 0) == 0) container = "MP4";
  else if (demuxer.rfind("matroska", 0) == 0) container = "Matroska/WebM";
  else if (demuxer == "ogg") container = "Ogg";
  else if (demuxer == "asf") container = "ASF";
  return container == "aac" ? name : name + " in " + container;
}

std::string tag(const AVFormatContext* format, const AVStream* stream, const char* key) {
  for (const AVDictionary* dict : {static_cast<const AVDictionary*>(format->metadata),
                                   static_cast<const AVDictionary*>(stream->metadata)})
    if (const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0); e && e->value && *e->value) return e->value;
  return {};
}

struct CloseFormat {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct FreeCodec {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FreePacket {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FreeFrame {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct FreeResampler {
  void operator()(SwrContext* s) const { swr_free(&s); }
};

// What a decoder learns when it opens a file.
struct Probe {
  AudioFileInfo info;
  std::optional<std::uint64_t> stated_frames;  // the length the file states (not guessed from a bitrate)
  int frame_size = 0;                          // the codec's samples per packet, when fixed
};

// One pass over the first audio stream, a decoded frame at a time.
class Decoder {
 public:
  static Result<std::unique_ptr<Decoder>> open(const std::string& path, Probe* probe = nullptr) {
    silence_ffmpeg_log();
    forget_last_log();
    auto d = std::unique_ptr<Decoder>(new Decoder(path));
    AVFormatContext* raw = nullptr;
    if (int r = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); r < 0)
      return bad_input(i18n::tr("{1}: not a readable audio file ({2}); crosstalk reads WAV, FLAC, AIFF, MP3, M4A (AAC, "
                                "ALAC), Ogg Vorbis and Opus, WMA, and the sound of MP4, MOV, MKV and WebM videos",
                                path, why(r)));
    d->format_.reset(raw);
    if (int r = avformat_find_stream_info(raw, nullptr); r < 0)
      return bad_input(i18n::tr("{1}: the file is damaged ({2}); export it again", path, why(r)));
    int audio_streams = 0;
    for (unsigned i = 0; i < raw->nb_streams; ++i) {
      AVStream* s = raw->streams[i];
      if (s->codecpar->codec_type == AVMEDIA_TYPE_AUDIO && audio_streams++ == 0) d->stream_ = s;
      else s->discard = AVDISCARD_ALL;  // video, subtitles, cover art, other audio: not even demuxed
    }
    if (!d->stream_)
      return bad_input(i18n::tr("{1}: has no audio stream (a video without sound, or not a recording); "
                                "export it with its sound",
                                path));
    const AVCodecParameters* par = d->stream_->codecpar;
    const AVCodec* codec = avcodec_find_decoder(par->codec_id);
    if (!codec)
      return bad_input(i18n::tr("{1}: its sound is {2}, which cannot be decoded here; convert it to WAV or FLAC first",
                                path, avcodec_get_name(par->codec_id)));
    d->codec_.reset(avcodec_alloc_context3(codec));
    d->packet_.reset(av_packet_alloc());
    d->frame_.reset(av_frame_alloc());
    if (!d->codec_ || !d->packet_ || !d->frame_) return failure(i18n::tr("{1}: out of memory opening the decoder", path));
    if (int r = avcodec_parameters_to_context(d->codec_.get(), par); r < 0)
      return failure(i18n::tr("{1}: cannot set up the decoder ({2})", path, why(r)));
    d->codec_->pkt_timebase = d->stream_->time_base;
    d->codec_->thread_count = 1;  // the encoder's threads have the cores
    if (int r = avcodec_open2(d->codec_.get(), codec, nullptr); r < 0)
      return bad_input(i18n::tr("{1}: cannot decode its sound ({2})", path, why(r)));
    d->rate_ = d->codec_->sample_rate;
    d->channels_ = d->codec_->ch_layout.nb_channels;
    // An MP4/MOV track counts its duration in samples (the edit list's
    // length): it ends the audio where the encoder's padding begins.
    const AVRational tb = d->stream_->time_base;
    if (d->stream_->duration > 0 && tb.num == 1 && tb.den == d->rate_)
      d->end_ = static_cast<std::uint64_t>(d->stream_->duration);
    if (probe) {
      AudioFileInfo& info = probe->info;
      info.sample_rate = d->rate_;
      info.channels = d->channels_;
      info.bits = par->bits_per_raw_sample > 0 && par->bits_per_raw_sample < 24 ? par->bits_per_raw_sample : 24;
      info.format = describe(raw, par);
      info.title = tag(raw, d->stream_, "title");
      info.artist = tag(raw, d->stream_, "artist");
      info.audio_streams = audio_streams;
      if (d->stream_->duration > 0 && raw->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE && d->rate_ > 0)
        probe->stated_frames = static_cast<std::uint64_t>(av_rescale_q(d->stream_->duration, tb, AVRational{1, d->rate_}));
      probe->frame_size = par->frame_size;
    }
    return d;
  }

  // The next decoded samples, interleaved (empty at the end). Valid until
  // the next call.
  Result<std::span<const float>> next() {
    for (;;) {
      auto block = next_frame();
      if (!block || !block->empty() || finished_) return block;
    }
  }

  std::uint64_t decoded() const { return decoded_; }
  int rate() const { return rate_; }

 private:
  explicit Decoder(std::string path) : path_(std::move(path)) {}

  Result<std::span<const float>> damaged(int error) const {
    if (error == AVERROR(EIO) || error == AVERROR(ENOMEM))
      return failure(i18n::tr("{1}: reading failed at {2} ({3})", path_, clock_text(decoded_, rate_), why(error)));
    return bad_input(i18n::tr("{1}: the audio data is damaged at {2} ({3}); export it again", path_,
                              clock_text(decoded_, rate_), why(error)));
  }

  std::string cannot_convert(int error) const {
    return i18n::tr("{1}: cannot convert its samples ({2})", path_, why(error));
  }

  // One decoder call's worth: may be empty without being the end.
  Result<std::span<const float>> next_frame() {
    if (finished_) return std::span<const float>();
    forget_last_log();
    int r = avcodec_receive_frame(codec_.get(), frame_.get());
    if (r == AVERROR_EOF) {
      finished_ = true;
      return std::span<const float>();
    }
    if (r == 0) return convert();
    if (r != AVERROR(EAGAIN)) return damaged(r);
    r = av_read_frame(format_.get(), packet_.get());
    if (r == AVERROR_EOF) {
      avcodec_send_packet(codec_.get(), nullptr);  // drain what the decoder holds
      return std::span<const float>();
    }
    if (r < 0) return damaged(r);
    if (packet_->stream_index == stream_->index) r = avcodec_send_packet(codec_.get(), packet_.get());
    av_packet_unref(packet_.get());
    if (r < 0) return damaged(r);
    return std::span<const float>();
  }

  Result<std::span<const float>> convert() {
    AVFrame* f = frame_.get();
    if (f->sample_rate != rate_ || f->ch_layout.nb_channels != channels_ ||
        (resampler_ && f->format != format_of_first_))
      return bad_input(i18n::tr("{1}: its sound changes rate or channels at {2}; convert it to WAV or FLAC first",
                                path_, clock_text(decoded_, rate_)));
    if (!resampler_) {
      // Only the sample format changes: the channels stay as the decoder
      // gives them, in and out the same layout (one it leaves unnamed, as
      // some WMA does, taken as the default for that count), no remixing.
      AVChannelLayout layout{};
      if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) av_channel_layout_default(&layout, channels_);
      else av_channel_layout_copy(&layout, &f->ch_layout);
      SwrContext* swr = nullptr;
      int r = swr_alloc_set_opts2(&swr, &layout, AV_SAMPLE_FMT_FLT, rate_, &layout,
                                  static_cast<AVSampleFormat>(f->format), rate_, 0, nullptr);
      av_channel_layout_uninit(&layout);
      resampler_.reset(swr);
      if (r < 0 || (r = swr_init(swr)) < 0) return failure(cannot_convert(r));
      format_of_first_ = f->format;
    }
    std::size_t frames = static_cast<std::size_t>(f->nb_samples);
    pcm_.resize(frames * static_cast<std::size_t>(channels_));
    auto* out = reinterpret_cast<std::uint8_t*>(pcm_.data());
    int done = swr_convert(resampler_.get(), &out, f->nb_samples, const_cast<const std::uint8_t**>(f->extended_data),
                           f->nb_samples);
    av_frame_unref(f);
    if (done < 0) return failure(cannot_convert(done));
    frames = static_cast<std::size_t>(done);
    if (end_ && decoded_ + frames >= *end_) {  // the rest is the encoder's padding
      frames = static_cast<std::size_t>(*end_ - decoded_);
      finished_ = true;
    }
    decoded_ += frames;
    return std::span<const float>(pcm_).first(frames * static_cast<std::size_t>(channels_));
  }

  std::string path_;
  std::unique_ptr<AVFormatContext, CloseFormat> format_;
  std::unique_ptr<AVCodecContext, FreeCodec> codec_;
  std::unique_ptr<AVPacket, FreePacket> packet_;
  std::unique_ptr<AVFrame, FreeFrame> frame_;
  std::unique_ptr<SwrContext, FreeResampler> resampler_;
  int format_of_first_ = -1;
  AVStream* stream_ = nullptr;
  int rate_ = 0, channels_ = 0;
  std::optional<std::uint64_t> end_;
  std::uint64_t decoded_ = 0;
  bool finished_ = false;
  std::vector<float> pcm_;
};

class FfmpegSource final : public AudioSource {
 public:
  FfmpegSource(std::string path, std::unique_ptr<Decoder> decoder, AudioFileInfo info)
      : path_(std::move(path)), decoder_(std::move(decoder)) {
    info_ = std::move(info);
  }

  Result<std::size_t> read(std::span<float> out) override {
    const auto ch = static_cast<std::size_t>(info_.channels);
    std::size_t filled = 0;
    while (filled < out.size()) {
      if (pending_.empty()) {
        auto block = decoder_->next();
        if (!block) return std::unexpected(block.error());
        if (block->empty()) break;
        pending_ = *block;
      }
      const std::size_t n = std::min(pending_.size(), out.size() - filled);
      std::copy_n(pending_.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(filled));
      pending_ = pending_.subspan(n);
      filled += n;
    }
    position_ += filled / ch;
    return filled / ch;
  }

  // Decodes its way to `frame`: from here when it lies ahead, else from a
  // fresh start (the decoder then drops the same delay as the first time).
  Result<void> seek(std::uint64_t frame) override {
    if (frame < position_) {
      auto d = Decoder::open(path_);
      if (!d) return std::unexpected(d.error());
      decoder_ = std::move(*d);
      pending_ = {};
      position_ = 0;
    }
    std::vector<float> skipped(4096 * static_cast<std::size_t>(info_.channels));
    while (position_ < frame) {
      const auto want = std::min<std::uint64_t>(frame - position_, 4096);
      auto got = read(std::span(skipped).first(static_cast<std::size_t>(want) * static_cast<std::size_t>(info_.channels)));
      if (!got) return std::unexpected(got.error());
      if (*got == 0) return failure(i18n::tr("{1}: cannot seek past its end", path_));
    }
    return {};
  }

  Result<std::unique_ptr<AudioSource>> another() const override {
    auto d = Decoder::open(path_);
    if (!d) return std::unexpected(d.error());
    return std::make_unique<FfmpegSource>(path_, std::move(*d), info_);
  }

 private:
  std::string path_;
  std::unique_ptr<Decoder> decoder_;
  std::span<const float> pending_;  // decoded, not yet read
  std::uint64_t position_ = 0;
};

}  // namespace

Result<std::unique_ptr<AudioSource>> open_source(const std::string& path) {
  Probe probe;
  auto counting = Decoder::open(path, &probe);
  if (!counting) return std::unexpected(counting.error());
  // The exact length is what the decoder gives: count it once, all through.
  for (;;) {
    auto block = (*counting)->next();
    if (!block) return std::unexpected(block.error());
    if (block->empty()) break;
  }
  AudioFileInfo& info = probe.info;
  info.frames = (*counting)->decoded();
  // A file cut short (a download, a copy interrupted) decodes quietly to the
  // cut: compare with the length it states, allowing for delay and padding.
  const std::uint64_t slack = std::max<std::uint64_t>(static_cast<std::uint64_t>(info.sample_rate) / 2,
                                                      4 * static_cast<std::uint64_t>(std::max(probe.frame_size, 0)));
  if (info.frames > 0 && probe.stated_frames && info.frames + slack < *probe.stated_frames)
    return bad_input(i18n::tr("{1}: the file is truncated (it holds {2} of the {3} it states); export it again", path,
                              clock_text(info.frames, info.sample_rate),
                              clock_text(*probe.stated_frames, info.sample_rate)));
  auto reading = Decoder::open(path);
  if (!reading) return std::unexpected(reading.error());
  return std::make_unique<FfmpegSource>(path, std::move(*reading), std::move(info));
}

Result<AudioFileInfo> probe_source(const std::string& path) {
  Probe probe;
  auto decoder = Decoder::open(path, &probe);
  if (!decoder) return std::unexpected(decoder.error());
  return probe.info;
}

}  // namespace crosstalk::recorder

// The module's two entry points (ffmpeg_module.cpp loads them): C names, C++
// types, as both sides are built together by the same compiler.
extern "C" BOOST_SYMBOL_EXPORT void crosstalk_ffmpeg_open(const std::string& path,
                                                          crosstalk::Result<std::unique_ptr<crosstalk::recorder::AudioSource>>& out) {
  out = crosstalk::recorder::open_source(path);
}

extern "C" BOOST_SYMBOL_EXPORT void crosstalk_ffmpeg_probe(const std::string& path,
                                                           crosstalk::Result<crosstalk::recorder::AudioFileInfo>& out) {
  out = crosstalk::recorder::probe_source(path);
}
