// Inside the tags module (lib/crosstalk/tags.so): the work TagLib does, the
// functions the binary's recorder::write_tags and the like reach through
// tags_module.cpp. Nothing outside the module includes this.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstdint>

#include "crosstalk/recorder/audio_tags.hpp"
#include "crosstalk/recorder/mp3_probe.hpp"

namespace crosstalk::recorder::taglib {

Result<void> write_tags(const boost::filesystem::path& opus_file, const AudioTags& tags);
Result<AudioTags> read_tags(const boost::filesystem::path& opus_file);
Result<void> write_mp3_tags(const boost::filesystem::path& mp3_file, const AudioTags& tags,
                            std::int64_t duration_ms);
Result<AudioTags> read_mp3_tags(const boost::filesystem::path& mp3_file);
Result<Mp3Probe> probe_mp3(const boost::filesystem::path& path);

}  // namespace crosstalk::recorder::taglib
