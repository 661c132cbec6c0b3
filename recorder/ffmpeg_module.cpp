// open_with_ffmpeg / probe_with_ffmpeg: load the FFmpeg module
// (ffmpeg_source.cpp, built as lib/crosstalk/ffmpeg.so) on first use and call
// into it. Boost.DLL does the loading on every platform; the module sits at
// ../lib/crosstalk/ from the binary, both in the build tree (build/cli/ and
// build/lib/crosstalk/) and installed (/usr/bin/ and /usr/lib/crosstalk/).
// Loaded once, never unloaded: the sources it makes live in it.
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <mutex>

#include "audio_source.hpp"

namespace crosstalk::recorder {

namespace {

using OpenFn = void(const std::string&, Result<std::unique_ptr<AudioSource>>&);
using ProbeFn = void(const std::string&, Result<AudioFileInfo>&);

struct Module {
  boost::dll::shared_library library;
  OpenFn* open = nullptr;
  ProbeFn* probe = nullptr;
  std::string error;  // why it did not load, when it did not
};

const Module& module() {
  static Module m;
  static std::once_flag once;
  std::call_once(once, [] {
    boost::system::error_code ec;
    const auto where = boost::dll::program_location(ec).parent_path().parent_path() / "lib" / "crosstalk" /
                       ("ffmpeg" + boost::dll::shared_library::suffix().string());
    if (!ec && !boost::filesystem::exists(where)) {
      m.error = "crosstalk's FFmpeg module " + where.string() + " is missing; reinstall crosstalk";
      return;
    }
    if (!ec) m.library.load(where, boost::dll::load_mode::default_mode, ec);
    if (!ec && m.library.has("crosstalk_ffmpeg_open") && m.library.has("crosstalk_ffmpeg_probe")) {
      m.open = &m.library.get<OpenFn>("crosstalk_ffmpeg_open");
      m.probe = &m.library.get<ProbeFn>("crosstalk_ffmpeg_probe");
    } else {
      m.error = "crosstalk's FFmpeg module " + where.string() + " did not load (" +
                (ec ? ec.message() : std::string("not crosstalk's module")) + "); reinstall crosstalk";
    }
  });
  return m;
}

}  // namespace

Result<std::unique_ptr<AudioSource>> open_with_ffmpeg(const std::string& path) {
  const Module& m = module();
  if (!m.open) return failure("cannot read " + path + ": " + m.error);
  Result<std::unique_ptr<AudioSource>> out = nullptr;
  m.open(path, out);
  return out;
}

Result<AudioFileInfo> probe_with_ffmpeg(const std::string& path) {
  const Module& m = module();
  if (!m.probe) return failure("cannot read " + path + ": " + m.error);
  Result<AudioFileInfo> out = AudioFileInfo{};
  m.probe(path, out);
  return out;
}

}  // namespace crosstalk::recorder
