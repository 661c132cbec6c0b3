// In the tags module: an MP3's properties from TagLib (accurate: read from
// the info frame).
#include "taglib_tags.hpp"

#include <taglib/mpegfile.h>
#include <taglib/mpegproperties.h>

namespace crosstalk::recorder::taglib {

Result<Mp3Probe> probe_mp3(const boost::filesystem::path& path) {
  TagLib::MPEG::File file(path.c_str(), true, TagLib::AudioProperties::Accurate);
  if (!file.isValid() || !file.audioProperties()) return bad_input(path.string() + ": not a readable MP3 file");
  const auto* p = file.audioProperties();
  if (!p->xingHeader()) return bad_input(path.string() + ": MP3 without its Xing/LAME info frame");
  Mp3Probe probe;
  probe.sample_rate = p->sampleRate();
  probe.channels = p->channels();
  probe.bitrate_kbps = p->bitrate();
  probe.length_seconds = p->lengthInMilliseconds() / 1000.0;
  if (probe.sample_rate <= 0) return bad_input(path.string() + ": not a readable MP3 file");
  return probe;
}

}  // namespace crosstalk::recorder::taglib
