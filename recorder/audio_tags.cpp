// The cover art that goes with an episode's tags, and the tags its MP3
// carries. TagLib's reading and writing is in the tags module
// (tags_module.cpp).
#include "crosstalk/recorder/audio_tags.hpp"

#include <boost/filesystem/operations.hpp>

#include "crosstalk/recorder/mp3_writer.hpp"
#include "crosstalk/util/read_file.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::recorder {

Result<Cover> load_cover(const fs::path& path) {
  const std::string name = path.string();
  boost::system::error_code ec;
  if (!fs::is_regular_file(path, ec)) return bad_input(name + ": cover image not found");
  auto size = fs::file_size(path, ec);
  if (ec) return bad_input(name + ": cannot read the cover image");
  if (size > kMaxCoverBytes)
    return bad_input(name + ": cover image is " + std::to_string(size / 1024) +
                     " KiB; the limit is 1024 KiB (save it smaller, e.g. 1400x1400 JPEG)");
  auto bytes = util::read_file(path);
  if (!bytes) return bad_input(name + ": cannot read the cover image (check its permissions)");
  Cover cover;
  cover.data.assign(bytes->begin(), bytes->end());
  auto info = util::probe_image(cover.data);
  if (!info) return bad_input(name + ": the cover is not a JPEG or PNG image");
  cover.image = *info;
  return cover;
}

AudioTags mp3_tags_of(AudioTags tags) {
  const std::string lame = mp3_encoder_vendor();
  if (tags.encoder.find(lame) == std::string::npos)
    tags.encoder += (tags.encoder.empty() ? "" : ", ") + lame;
  return tags;
}

}  // namespace crosstalk::recorder
