// `crosstalk encode IN OUT.opus`: a plain encoder, no show needed.
#include <cmath>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include <boost/filesystem/path.hpp>

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
  if (!std::isfinite(v)) return "silence";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

void print_loudness(const std::string& source, const recorder::LoudnessReport& l) {
  if (!l.normalized && !l.silent) {
    std::printf("loudness: not normalised (--no-normalize)\n");
    return;
  }
  std::printf("loudness: %s LUFS, range %.1f LU, true peak %s dBTP", lufs(l.input.integrated_lufs).c_str(),
              l.input.range_lu, lufs(l.input.true_peak_dbtp).c_str());
  if (l.normalized)
    std::printf(" → %s LUFS (gain %+.1f dB%s), true peak %s dBTP before encoding", lufs(l.output.integrated_lufs).c_str(),
                l.gain_db, l.limited_db < -0.05 ? (", limiter down to " + lufs(l.limited_db) + " dB").c_str() : "",
                lufs(l.output.true_peak_dbtp).c_str());
  else
    std::printf(" (not normalised)");
  std::printf("\n");
  if (l.silent)
    std::fprintf(stderr, "warning: %s looks silent (nothing above -70 LUFS): left as it is; is the mic muted?\n", source.c_str());
  else if (l.gain_capped)
    std::fprintf(stderr, "warning: %s is very quiet (%s LUFS): raised by the maximum %+.0f dB only; check the mic level\n",
                 source.c_str(), lufs(l.input.integrated_lufs).c_str(), l.gain_db);
}

void print_input_notes(const std::string& source, const recorder::AudioFileInfo& input) {
  if (input.audio_streams > 1)
    std::fprintf(stderr, "note: %s has %d audio streams; used the first (%s, %d Hz, %d ch), not the others\n",
                 source.c_str(), input.audio_streams, input.format.c_str(), input.sample_rate, input.channels);
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
  if (!mp3_only)
    std::printf("%s: %.3f s, %s, %d kbit/s, %llu bytes (from %s, %d Hz, %d ch)\n", a.out.c_str(),
                r.seconds(), r.channels == 1 ? "mono" : "stereo", r.bitrate / 1000,
                static_cast<unsigned long long>(r.file_bytes), r.input.format.c_str(),
                r.input.sample_rate, r.input.channels);
  if (!r.cuts.empty())
    std::printf("encoded in %zu chunks on %d threads, spliced into one stream\n", r.cuts.size() + 1, r.threads);
  if (a.print_cuts) {  // for bench/splice_quality.py
    std::printf("cuts:");
    for (auto c : r.cuts) std::printf(" %llu", static_cast<unsigned long long>(c));
    std::printf("\n");
  }
  if (r.mp3)
    std::printf("%s: MP3, %.3f s, %s, %d kbit/s CBR, %llu bytes\n", options.mp3_path.string().c_str(), r.seconds(),
                r.channels == 1 ? "mono" : "stereo", r.mp3->bitrate_kbps,
                static_cast<unsigned long long>(r.mp3_file_bytes));
  print_input_notes(a.in, r.input);
  print_loudness(a.in, r.loudness);
  return {};
}

}  // namespace

void register_encode(CLI::App& root, Action& action) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = root.add_subcommand("encode", "Encode an audio file (WAV, FLAC, MP3, M4A, a video's sound, …) into a tagged Ogg Opus (or MP3) file");
  cmd->add_option("IN", args->in, "input audio (WAV, FLAC, AIFF, MP3, M4A, Ogg, WMA, or an MP4/MOV/MKV/WebM video; 8-192 kHz)")->required();
  cmd->add_option("OUT", args->out, "output .opus file, or .mp3 for an MP3 alone (written atomically)")->required();
  cmd->add_option("--bitrate", args->bitrate_kbps, "kbit/s (default 64 mono, 96 stereo)")
      ->check(CLI::Range(6.0, 512.0));
  cmd->add_option("--channels", args->channels, "1 (default: speech) or 2 (keep stereo)")
      ->check(CLI::IsMember({1, 2}));
  cmd->add_option("--title", args->tags.title, "TITLE tag")->check(xml_text());
  cmd->add_option("--artist", args->tags.artist, "ARTIST tag (the host)")->check(xml_text());
  cmd->add_option("--album", args->tags.album, "ALBUM tag (the show)")->check(xml_text());
  cmd->add_option("--track", args->tags.track, "TRACKNUMBER tag")->check(CLI::Range(1, 999999));
  cmd->add_option("--date", args->tags.date, "DATE tag, e.g. 2026-12-01")->check(xml_text());
  cmd->add_option("--description", args->tags.description, "DESCRIPTION tag")->check(xml_text());
  cmd->add_option("--language", args->tags.language, "LANGUAGE tag, e.g. ru")->check(xml_text());
  cmd->add_option("--department", args->tags.department, "DEPARTMENT tag")->check(xml_text());
  cmd->add_option("--genre", args->tags.genre, "GENRE tag (default Podcast)")->check(xml_text());
  cmd->add_option("--cover", args->cover, "front cover, JPEG or PNG, at most 1 MiB");
  cmd->add_option("--loudness", args->loudness.target_lufs, "target integrated loudness, LUFS (default -16)")
      ->check(CLI::Range(-40.0, -5.0));
  cmd->add_option("--true-peak", args->loudness.true_peak_dbtp, "true-peak ceiling, dBTP (default -1)")
      ->check(CLI::Range(-12.0, 0.0));
  cmd->add_option("--max-gain", args->loudness.max_gain_db, "never raise by more than this, dB (default 20)")
      ->check(CLI::Range(0.0, 60.0));
  cmd->add_option("--mp3", args->mp3, "also write an MP3 rendition (LAME, ID3v2.3) from the same audio");
  cmd->add_option("--mp3-bitrate", args->mp3_bitrate_kbps, "MP3 kbit/s, CBR (default 64 mono, 96 stereo)")
      ->check(CLI::IsMember({32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192}));
  cmd->add_flag("--no-normalize", args->no_normalize, "keep the source's loudness");
  cmd->add_option("--threads", args->threads,
                  "threads; files over a minute are encoded in chunks, one per thread, spliced into one stream "
                  "(default: the cores; 1: one stream)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--print-cuts", args->print_cuts, "print where the chunks were spliced (48 kHz samples)")
      ->group("");  // for bench/splice_quality.py
  cmd->callback([&action, args] { action = [args] { return run_encode(*args); }; });
}

}  // namespace crosstalk::cli
