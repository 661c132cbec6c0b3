// open_with_ffmpeg / probe_with_ffmpeg: call into the FFmpeg module
// (ffmpeg_source.cpp, built as lib/crosstalk/ffmpeg.so; see util/module.hpp),
// which load_module hands the binary's translate (module_i18n.cpp).
#include "audio_source.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/module.hpp"

namespace crosstalk::recorder {

namespace {

using OpenFn = void(const std::string&, Result<std::unique_ptr<AudioSource>>&);
using ProbeFn = void(const std::string&, Result<AudioFileInfo>&);
const util::Module& module() {
  return util::load_module("ffmpeg", {"crosstalk_ffmpeg_open", "crosstalk_ffmpeg_probe",
                                      "crosstalk_module_translate_with"});
}

std::string cannot_read(const util::Module& m, const std::string& path) {
  return i18n::tr("cannot read {1}: {2}", path, m.problem(i18n::tr("FFmpeg module")));
}

}  // namespace

Result<std::unique_ptr<AudioSource>> open_with_ffmpeg(const std::string& path) {
  const util::Module& m = module();
  auto* open = m.get<OpenFn>("crosstalk_ffmpeg_open");
  if (!open) return failure(cannot_read(m, path));
  Result<std::unique_ptr<AudioSource>> out = nullptr;
  open(path, out);
  return out;
}

Result<AudioFileInfo> probe_with_ffmpeg(const std::string& path) {
  const util::Module& m = module();
  auto* probe = m.get<ProbeFn>("crosstalk_ffmpeg_probe");
  if (!probe) return failure(cannot_read(m, path));
  Result<AudioFileInfo> out = AudioFileInfo{};
  probe(path, out);
  return out;
}

}  // namespace crosstalk::recorder
