// write_tags, read_tags, their MP3 twins and probe_mp3: TagLib's work, done
// in the tags module (taglib_*.cpp, built as lib/crosstalk/tags.so; see
// util/module.hpp), so that the commands which never touch a tag (stats,
// feeds, the server) start without TagLib.
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/recorder/audio_tags.hpp"
#include "crosstalk/recorder/mp3_probe.hpp"
#include "crosstalk/util/module.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::recorder {

namespace {

const util::Module& module() {
  return util::load_module("tags", {"crosstalk_tags_write_opus", "crosstalk_tags_read_opus",
                                    "crosstalk_tags_write_mp3", "crosstalk_tags_read_mp3",
                                    "crosstalk_tags_probe_mp3", "crosstalk_module_translate_with"});
}

// The module's function `symbol` called with `args` and a slot for its
// result; the module's problem, in one line, when it is not there.
template <class T, class... Args>
Result<T> call(const char* symbol, const fs::path& file, const Args&... args) {
  const util::Module& m = module();
  auto* function = m.get<void(const fs::path&, const Args&..., Result<T>&)>(symbol);
  if (!function)
    return failure(i18n::tr("cannot read or write the tags of {1}: {2}", file.string(),
                            m.problem(i18n::tr("tags module"))));
  Result<T> out = failure("");
  function(file, args..., out);
  return out;
}

}  // namespace

std::optional<std::string> tags_unavailable() {
  const util::Module& m = module();
  if (m.loaded) return std::nullopt;
  return m.problem(i18n::tr("tags module"));
}

Result<void> write_tags(const fs::path& opus_file, const AudioTags& tags) {
  return call<void>("crosstalk_tags_write_opus", opus_file, tags);
}

Result<AudioTags> read_tags(const fs::path& opus_file) {
  return call<AudioTags>("crosstalk_tags_read_opus", opus_file);
}

Result<void> write_mp3_tags(const fs::path& mp3_file, const AudioTags& tags,
                            std::int64_t duration_ms) {
  return call<void>("crosstalk_tags_write_mp3", mp3_file, tags, duration_ms);
}

Result<AudioTags> read_mp3_tags(const fs::path& mp3_file) {
  return call<AudioTags>("crosstalk_tags_read_mp3", mp3_file);
}

Result<Mp3Probe> probe_mp3(const fs::path& path) {
  return call<Mp3Probe>("crosstalk_tags_probe_mp3", path);
}

}  // namespace crosstalk::recorder
