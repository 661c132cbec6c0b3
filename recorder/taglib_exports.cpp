// The tags module's entry points (see tags_module.cpp, the binary's side):
// a result handed back through the caller's slot, as in ffmpeg_source.cpp.
#include <boost/config.hpp>

#include "taglib_tags.hpp"

namespace fs = boost::filesystem;
namespace rec = crosstalk::recorder;
namespace taglib = crosstalk::recorder::taglib;

extern "C" BOOST_SYMBOL_EXPORT void crosstalk_tags_write_opus(const fs::path& file,
                                                              const rec::AudioTags& tags,
                                                              crosstalk::Result<void>& out) {
  out = taglib::write_tags(file, tags);
}
extern "C" BOOST_SYMBOL_EXPORT void crosstalk_tags_read_opus(
    const fs::path& file, crosstalk::Result<rec::AudioTags>& out) {
  out = taglib::read_tags(file);
}
extern "C" BOOST_SYMBOL_EXPORT void crosstalk_tags_write_mp3(const fs::path& file,
                                                             const rec::AudioTags& tags,
                                                             const std::int64_t& duration_ms,
                                                             crosstalk::Result<void>& out) {
  out = taglib::write_mp3_tags(file, tags, duration_ms);
}
extern "C" BOOST_SYMBOL_EXPORT void crosstalk_tags_read_mp3(
    const fs::path& file, crosstalk::Result<rec::AudioTags>& out) {
  out = taglib::read_mp3_tags(file);
}
extern "C" BOOST_SYMBOL_EXPORT void crosstalk_tags_probe_mp3(
    const fs::path& file, crosstalk::Result<rec::Mp3Probe>& out) {
  out = taglib::probe_mp3(file);
}
