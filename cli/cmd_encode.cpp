// `crosstalk encode IN OUT.opus`: a plain encoder, no show needed.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "crosstalk/recorder/encode_file.hpp"

namespace crosstalk::cli {

namespace {

struct EncodeArgs {
  std::string in, out, cover;
  double bitrate_kbps = 0;
  int channels = 1;
  recorder::AudioTags tags;
};

Result<void> run_encode(const EncodeArgs& a) {
  recorder::EncodeOptions options;
  options.channels = a.channels;
  options.bitrate = static_cast<int>(a.bitrate_kbps * 1000.0 + 0.5);
  options.tags = a.tags;
  if (!a.cover.empty()) {
    auto cover = recorder::load_cover(a.cover);
    if (!cover) return std::unexpected(cover.error());
    options.tags.cover = std::move(*cover);
  }
  auto report = recorder::encode_file(a.in, a.out, options);
  if (!report) return std::unexpected(report.error());
  const auto& r = *report;
  std::printf("%s: %.3f s, %s, %d kbit/s, %llu bytes (from %s, %d Hz, %d ch)\n", a.out.c_str(),
              r.seconds(), r.channels == 1 ? "mono" : "stereo", r.bitrate / 1000,
              static_cast<unsigned long long>(r.file_bytes), r.input.format.c_str(),
              r.input.sample_rate, r.input.channels);
  return {};
}

}  // namespace

void register_encode(CLI::App& root, Action& action) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = root.add_subcommand("encode", "Encode a WAV/FLAC/AIFF file into a tagged Ogg Opus file");
  cmd->add_option("IN", args->in, "input audio file (WAV, FLAC or AIFF, 8-192 kHz)")->required();
  cmd->add_option("OUT", args->out, "output .opus file (written atomically)")->required();
  cmd->add_option("--bitrate", args->bitrate_kbps, "kbit/s (default 64 mono, 96 stereo)")
      ->check(CLI::Range(6.0, 512.0));
  cmd->add_option("--channels", args->channels, "1 (default: speech) or 2 (keep stereo)")
      ->check(CLI::IsMember({1, 2}));
  cmd->add_option("--title", args->tags.title, "TITLE tag");
  cmd->add_option("--artist", args->tags.artist, "ARTIST tag (the host)");
  cmd->add_option("--album", args->tags.album, "ALBUM tag (the show)");
  cmd->add_option("--track", args->tags.track, "TRACKNUMBER tag")->check(CLI::Range(1, 999999));
  cmd->add_option("--date", args->tags.date, "DATE tag, e.g. 2026-12-01");
  cmd->add_option("--description", args->tags.description, "DESCRIPTION tag");
  cmd->add_option("--language", args->tags.language, "LANGUAGE tag, e.g. ru");
  cmd->add_option("--department", args->tags.department, "DEPARTMENT tag");
  cmd->add_option("--genre", args->tags.genre, "GENRE tag (default Podcast)");
  cmd->add_option("--cover", args->cover, "front cover, JPEG or PNG, at most 1 MiB");
  cmd->callback([&action, args] { action = [args] { return run_encode(*args); }; });
}

}  // namespace crosstalk::cli
