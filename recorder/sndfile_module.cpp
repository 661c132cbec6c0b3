// open_with_sndfile and WavWriter's file: libsndfile's work, done in the
// libsndfile module (sndfile_source.cpp, sndfile_wav.cpp; built as
// lib/crosstalk/sndfile.so, see util/module.hpp), so that the commands which
// never read or write a WAV, FLAC or AIFF file (stats, feeds, the server)
// start without libsndfile and the four codec libraries behind it.
#include "audio_source.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/module.hpp"
#include "wav_sink.hpp"

namespace crosstalk::recorder {

namespace {

using OpenFn = void(const std::string&, Result<std::unique_ptr<AudioSource>>&);
using CreateWavFn = void(const boost::filesystem::path&, const int&, const int&,
                         Result<std::unique_ptr<WavSink>>&);
const util::Module& module() {
  return util::load_module("sndfile", {"crosstalk_sndfile_open", "crosstalk_sndfile_create_wav",
                                       "crosstalk_module_translate_with"});
}

std::string problem(const util::Module& m) { return m.problem(i18n::tr("libsndfile module")); }

}  // namespace

Result<std::unique_ptr<AudioSource>> open_with_sndfile(const std::string& path) {
  const util::Module& m = module();
  auto* open = m.get<OpenFn>("crosstalk_sndfile_open");
  if (!open) return failure(i18n::tr("cannot read {1}: {2}", path, problem(m)));
  Result<std::unique_ptr<AudioSource>> out = nullptr;
  open(path, out);
  return out;
}

Result<std::unique_ptr<WavSink>> create_wav_with_sndfile(const boost::filesystem::path& path,
                                                         int rate, int channels) {
  const util::Module& m = module();
  auto* create = m.get<CreateWavFn>("crosstalk_sndfile_create_wav");
  if (!create) return failure(i18n::tr("cannot create {1}: {2}", path.string(), problem(m)));
  Result<std::unique_ptr<WavSink>> out = nullptr;
  create(path, rate, channels, out);
  return out;
}

}  // namespace crosstalk::recorder
