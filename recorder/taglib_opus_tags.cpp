// In the tags module (taglib_exports.cpp): TagLib's Ogg Opus XiphComment as
// AudioTags; cover art as a FLAC picture.
#include <cstdio>

#include "taglib_tags.hpp"

#include <taglib/flacpicture.h>
#include <taglib/opusfile.h>
#include <taglib/xiphcomment.h>

namespace fs = boost::filesystem;

namespace crosstalk::recorder::taglib {

namespace {

TagLib::String utf8(const std::string& s) { return TagLib::String(s, TagLib::String::UTF8); }

void set_field(TagLib::Ogg::XiphComment& xiph, const char* name, const std::string& value) {
  xiph.removeFields(name);
  if (!value.empty()) xiph.addField(name, utf8(value), true);
}

std::string get_field(const TagLib::Ogg::XiphComment& xiph, const char* name) {
  const auto& fields = xiph.fieldListMap();
  auto it = fields.find(name);
  if (it == fields.end() || it->second.isEmpty()) return {};
  return it->second.front().to8Bit(true);
}

}  // namespace

Result<void> write_tags(const fs::path& opus_file, const AudioTags& tags) {
  const std::string name = opus_file.string();
  {
    TagLib::Ogg::Opus::File file(opus_file.c_str());
    if (!file.isValid() || !file.tag()) return failure(name + ": TagLib cannot open the Opus file");
    TagLib::Ogg::XiphComment& xiph = *file.tag();
    set_field(xiph, "TITLE", tags.title);
    set_field(xiph, "ARTIST", tags.artist);
    set_field(xiph, "ALBUM", tags.album);
    set_field(xiph, "TRACKNUMBER", tags.track > 0 ? std::to_string(tags.track) : "");
    set_field(xiph, "DATE", tags.date);
    set_field(xiph, "GENRE", tags.genre);
    set_field(xiph, "DESCRIPTION", tags.description);
    set_field(xiph, "LANGUAGE", tags.language);
    set_field(xiph, "DEPARTMENT", tags.department);
    set_field(xiph, "ENCODER", tags.encoder);
    std::vector<TagLib::String> old_chapters;
    for (const auto& field : xiph.fieldListMap())
      if (field.first.startsWith("CHAPTER")) old_chapters.push_back(field.first);
    for (const auto& key : old_chapters) xiph.removeFields(key);
    for (std::size_t i = 0; i < tags.chapters.size(); ++i) {
      char key[32], when[32];
      const std::int64_t ms = tags.chapters[i].start_ms;
      std::snprintf(key, sizeof key, "CHAPTER%03zu", i + 1);
      std::snprintf(when, sizeof when, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                    static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                    static_cast<long long>(ms % 1000));
      set_field(xiph, key, when);
      set_field(xiph, (std::string(key) + "NAME").c_str(), tags.chapters[i].name);
    }
    xiph.removeAllPictures();
    if (tags.cover) {
      auto* picture = new TagLib::FLAC::Picture;  // the tag takes ownership
      picture->setType(TagLib::FLAC::Picture::FrontCover);
      picture->setMimeType(tags.cover->image.mime_type);
      picture->setWidth(static_cast<int>(tags.cover->image.width));
      picture->setHeight(static_cast<int>(tags.cover->image.height));
      picture->setColorDepth(static_cast<int>(tags.cover->image.bits_per_pixel));
      picture->setNumColors(0);
      picture->setData(TagLib::ByteVector(reinterpret_cast<const char*>(tags.cover->data.data()),
                                          static_cast<unsigned>(tags.cover->data.size())));
      xiph.addPicture(picture);
    }
    if (!file.save()) return failure(name + ": TagLib could not save the tags");
  }
  // save() can report success when it failed: trust only what reads back.
  auto back = read_tags(opus_file);
  if (!back) return std::unexpected(back.error());
  if (!(*back == tags)) return failure(name + ": the tags did not read back as written");
  return {};
}

Result<AudioTags> read_tags(const fs::path& opus_file) {
  const std::string name = opus_file.string();
  TagLib::Ogg::Opus::File file(opus_file.c_str());
  if (!file.isValid() || !file.tag()) return bad_input(name + ": not a readable Ogg Opus file");
  TagLib::Ogg::XiphComment& xiph = *file.tag();
  AudioTags tags;
  tags.title = get_field(xiph, "TITLE");
  tags.artist = get_field(xiph, "ARTIST");
  tags.album = get_field(xiph, "ALBUM");
  tags.track = std::atoi(get_field(xiph, "TRACKNUMBER").c_str());
  tags.date = get_field(xiph, "DATE");
  tags.genre = get_field(xiph, "GENRE");
  tags.description = get_field(xiph, "DESCRIPTION");
  tags.language = get_field(xiph, "LANGUAGE");
  tags.department = get_field(xiph, "DEPARTMENT");
  tags.encoder = get_field(xiph, "ENCODER");
  for (int i = 1;; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "CHAPTER%03d", i);
    const std::string when = get_field(xiph, key);
    int h = 0, m = 0, sec = 0, ms = 0;
    if (when.empty() || std::sscanf(when.c_str(), "%d:%d:%d.%d", &h, &m, &sec, &ms) != 4) break;
    tags.chapters.push_back({((static_cast<std::int64_t>(h) * 60 + m) * 60 + sec) * 1000 + ms,
                             get_field(xiph, (std::string(key) + "NAME").c_str())});
  }
  auto pictures = xiph.pictureList();
  for (TagLib::FLAC::Picture* p : pictures) {
    if (p->type() != TagLib::FLAC::Picture::FrontCover) continue;
    Cover cover;
    TagLib::ByteVector data = p->data();
    cover.data.assign(data.begin(), data.end());
    cover.image.mime_type = p->mimeType().to8Bit(true);
    cover.image.width = static_cast<std::uint32_t>(p->width());
    cover.image.height = static_cast<std::uint32_t>(p->height());
    cover.image.bits_per_pixel = static_cast<std::uint32_t>(p->colorDepth());
    tags.cover = std::move(cover);
    break;
  }
  return tags;
}

}  // namespace crosstalk::recorder::taglib
