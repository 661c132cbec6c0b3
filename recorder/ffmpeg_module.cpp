// open_with_ffmpeg / probe_with_ffmpeg: call into the FFmpeg module
// (ffmpeg_source.cpp, built as lib/crosstalk/ffmpeg.so; see util/module.hpp).
#include "audio_source.hpp"
#include "crosstalk/util/module.hpp"

namespace crosstalk::recorder {

namespace {

using OpenFn = void(const std::string&, Result<std::unique_ptr<AudioSource>>&);
using ProbeFn = void(const std::string&, Result<AudioFileInfo>&);

const util::Module& module() {
  return util::load_module("ffmpeg", "FFmpeg module", {"crosstalk_ffmpeg_open", "crosstalk_ffmpeg_probe"});
}

}  // namespace

Result<std::unique_ptr<AudioSource>> open_with_ffmpeg(const std::string& path) {
  const util::Module& m = module();
  auto* open = m.get<OpenFn>("crosstalk_ffmpeg_open");
  if (!open) return failure("cannot read " + path + ": " + m.error);
  Result<std::unique_ptr<AudioSource>> out = nullptr;
  open(path, out);
  return out;
}

Result<AudioFileInfo> probe_with_ffmpeg(const std::string& path) {
  const util::Module& m = module();
  auto* probe = m.get<ProbeFn>("crosstalk_ffmpeg_probe");
  if (!probe) return failure("cannot read " + path + ": " + m.error);
  Result<AudioFileInfo> out = AudioFileInfo{};
  probe(path, out);
  return out;
}

}  // namespace crosstalk::recorder
