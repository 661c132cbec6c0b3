// open_with_ffmpeg / probe_with_ffmpeg: call into the FFmpeg module
// (ffmpeg_source.cpp, built as lib/crosstalk/ffmpeg.so; see util/module.hpp),
// handing it the binary's translate first (ffmpeg_i18n.cpp).
#include <mutex>

#include "audio_source.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/module.hpp"

namespace crosstalk::recorder {

namespace {

using OpenFn = void(const std::string&, Result<std::unique_ptr<AudioSource>>&);
using ProbeFn = void(const std::string&, Result<AudioFileInfo>&);
using TranslateWithFn = void(i18n::detail::TranslateFn*);

const util::Module& module() {
  const util::Module& m = util::load_module(
      "ffmpeg", {"crosstalk_ffmpeg_open", "crosstalk_ffmpeg_probe", "crosstalk_ffmpeg_translate_with"});
  static std::once_flag once;
  if (auto* translate_with = m.get<TranslateWithFn>("crosstalk_ffmpeg_translate_with"))
    std::call_once(once, [translate_with] { translate_with(&i18n::detail::translate); });
  return m;
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
