// `crosstalk encode IN OUT.opus`: a plain encoder, no show needed.
#include <cmath>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include <boost/filesystem/path.hpp>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/recorder/encode_file.hpp"

namespace crosstalk::cli {

namespace {

struct EncodeArgs {
  std::string in, out, cover, mp3;
  int mp3_bitrate_kbps = 0;
  double bitrate_kbps = 0;
  int channels = 1;
  int threads = 0;
  recorder::AudioTags tags;
  recorder::LoudnessSettings loudness;
  bool no_normalize = false;
  bool print_cuts = false;
};

std::string lufs(double v) {
  if (!std::isfinite(v)) return i18n::tr("silence");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string number(const char* format, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void print_loudness(const std::string& source, const recorder::LoudnessReport& l) {
  if (!l.normalized && !l.silent) {
    std::printf("%s\n", i18n::tr("loudness: not normalised (--no-normalize)").c_str());
    return;
  }
  std::string line = i18n::tr("loudness: {1} LUFS, range {2} LU, true peak {3} dBTP", lufs(l.input.integrated_lufs),
                              number("%.1f", l.input.range_lu), lufs(l.input.true_peak_dbtp));
  if (l.normalized)
    line += i18n::tr(" → {1} LUFS (gain {2} dB{3}), true peak {4} dBTP before encoding", lufs(l.output.integrated_lufs),
                     number("%+.1f", l.gain_db),
                     l.limited_db < -0.05 ? i18n::tr(", limiter down to {1} dB", lufs(l.limited_db)) : std::string(),
                     lufs(l.output.true_peak_dbtp));
  else
    line += i18n::tr(" (not normalised)");
  std::printf("%s\n", line.c_str());
  if (l.silent)
    std::fprintf(stderr, "%s\n",
                 i18n::tr("warning: {1} looks silent (nothing above -70 LUFS): left as it is; is the mic muted?", source)
                     .c_str());
  else if (l.gain_capped)
    std::fprintf(stderr, "%s\n",
                 i18n::tr("warning: {1} is very quiet ({2} LUFS): raised by the maximum {3} dB only; check the mic level",
                          source, lufs(l.input.integrated_lufs), number("%+.0f", l.gain_db))
                     .c_str());
}

void print_input_notes(const std::string& source, const recorder::AudioFileInfo& input) {
  if (input.audio_streams > 1)
    std::fprintf(stderr, "%s\n",
                 i18n::tr("note: {1} has {2} audio streams; used the first ({3}, {4} Hz, {5} ch), not the others", source,
                          input.audio_streams, input.format, input.sample_rate, input.channels)
                     .c_str());
}

namespace {

Result<void> run_encode(const EncodeArgs& a) {
  recorder::EncodeOptions options;
  options.channels = a.channels;
  options.bitrate = static_cast<int>(a.bitrate_kbps * 1000.0 + 0.5);
  options.tags = a.tags;
  options.loudness = a.loudness;
  options.loudness.normalize = !a.no_normalize;
  options.mp3_path = a.mp3;
  options.mp3_bitrate_kbps = a.mp3_bitrate_kbps;
  options.threads = a.threads;
  if (!a.cover.empty()) {
    auto cover = recorder::load_cover(a.cover);
    if (!cover) return std::unexpected(cover.error());
    options.tags.cover = std::move(*cover);
  }
  // OUT.mp3: the MP3 alone.
  const bool mp3_only = boost::filesystem::path(a.out).extension() == ".mp3";
  if (mp3_only) {
    if (!a.mp3.empty()) return bad_input("--mp3: OUT is already an MP3 file; give one or the other");
    options.mp3_path = a.out;
  }
  auto report = mp3_only ? recorder::encode_mp3_file(a.in, options) : recorder::encode_file(a.in, a.out, options);
  if (!report) return std::unexpected(report.error());
  const auto& r = *report;
  const std::string layout = r.channels == 1 ? i18n::tr("mono") : i18n::tr("stereo");
  if (!mp3_only)
    std::printf("%s\n", i18n::tr("{1}: {2} s, {3}, {4} kbit/s, {5} bytes (from {6}, {7} Hz, {8} ch)", a.out,
                                 number("%.3f", r.seconds()), layout, r.bitrate / 1000, r.file_bytes, r.input.format,
                                 r.input.sample_rate, r.input.channels)
                            .c_str());
  if (!r.cuts.empty())
    std::printf("%s\n", i18n::tr("encoded in {1} chunks on {2} threads, spliced into one stream", r.cuts.size() + 1,
                                 r.threads)
                            .c_str());
  if (a.print_cuts) {  // for bench/splice_quality.py
    std::printf("cuts:");
    for (auto c : r.cuts) std::printf(" %llu", static_cast<unsigned long long>(c));
    std::printf("\n");
  }
  if (r.mp3)
    std::printf("%s\n", i18n::tr("{1}: MP3, {2} s, {3}, {4} kbit/s CBR, {5} bytes", options.mp3_path.string(),
                                 number("%.3f", r.seconds()), layout, r.mp3->bitrate_kbps, r.mp3_file_bytes)
                            .c_str());
  print_input_notes(a.in, r.input);
  print_loudness(a.in, r.loudness);
  return {};
}

}  // namespace

void register_encode(CLI::App& root, Action& action) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = root.add_subcommand("encode", i18n::tr("Encode an audio file (WAV, FLAC, MP3, M4A, a video's sound, …) into a tagged Ogg Opus (or MP3) file"));
  cmd->add_option("IN", args->in, i18n::tr("input audio (WAV, FLAC, AIFF, MP3, M4A, Ogg, WMA, or an MP4/MOV/MKV/WebM video; 8-192 kHz)"))->required();
  cmd->add_option("OUT", args->out, i18n::tr("output .opus file, or .mp3 for an MP3 alone (written atomically)"))->required();
  cmd->add_option("--bitrate", args->bitrate_kbps, i18n::tr("kbit/s (default 64 mono, 96 stereo)"))
      ->check(CLI::Range(6.0, 512.0));
  cmd->add_option("--channels", args->channels, i18n::tr("1 (default: speech) or 2 (keep stereo)"))
      ->check(CLI::IsMember({1, 2}));
  cmd->add_option("--title", args->tags.title, i18n::tr("TITLE tag"))->check(xml_text());
  cmd->add_option("--artist", args->tags.artist, i18n::tr("ARTIST tag (the host)"))->check(xml_text());
  cmd->add_option("--album", args->tags.album, i18n::tr("ALBUM tag (the show)"))->check(xml_text());
  cmd->add_option("--track", args->tags.track, i18n::tr("TRACKNUMBER tag"))->check(CLI::Range(1, 999999));
  cmd->add_option("--date", args->tags.date, i18n::tr("DATE tag, e.g. 2026-12-01"))->check(xml_text());
  cmd->add_option("--description", args->tags.description, i18n::tr("DESCRIPTION tag"))->check(xml_text());
  cmd->add_option("--language", args->tags.language, i18n::tr("LANGUAGE tag, e.g. ru"))->check(xml_text());
  cmd->add_option("--department", args->tags.department, i18n::tr("DEPARTMENT tag"))->check(xml_text());
  cmd->add_option("--genre", args->tags.genre, i18n::tr("GENRE tag (default Podcast)"))->check(xml_text());
  cmd->add_option("--cover", args->cover, i18n::tr("front cover, JPEG or PNG, at most 1 MiB"));
  cmd->add_option("--loudness", args->loudness.target_lufs, i18n::tr("target integrated loudness, LUFS (default -16)"))
      ->check(CLI::Range(-40.0, -5.0));
  cmd->add_option("--true-peak", args->loudness.true_peak_dbtp, i18n::tr("true-peak ceiling, dBTP (default -1)"))
      ->check(CLI::Range(-12.0, 0.0));
  cmd->add_option("--max-gain", args->loudness.max_gain_db, i18n::tr("never raise by more than this, dB (default 20)"))
      ->check(CLI::Range(0.0, 60.0));
  cmd->add_option("--mp3", args->mp3, i18n::tr("also write an MP3 rendition (LAME, ID3v2.3) from the same audio"));
  cmd->add_option("--mp3-bitrate", args->mp3_bitrate_kbps, i18n::tr("MP3 kbit/s, CBR (default 64 mono, 96 stereo)"))
      ->check(CLI::IsMember({32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192}));
  cmd->add_flag("--no-normalize", args->no_normalize, i18n::tr("keep the source's loudness"));
  cmd->add_option("--threads", args->threads,
                  i18n::tr("threads; files over a minute are encoded in chunks, one per thread, spliced into one stream "
                           "(default: the cores; 1: one stream)"))
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--print-cuts", args->print_cuts, "print where the chunks were spliced (48 kHz samples)")
      ->group("");  // for bench/splice_quality.py
  cmd->callback([&action, args] { action = [args] { return run_encode(*args); }; });
}

}  // namespace crosstalk::cli
