// In the tags module: the episode's tags in its MP3 rendition: ID3v2.3 through TagLib (v2.3 is
// the version Apple Podcasts, iOS, Windows and most players read; v2.4's
// UTF-8 frames are not read everywhere). Text frames are UTF-16, chapters
// are CHAP frames under one ordered, top-level CTOC (ID3v2 Chapter Frame
// Addendum), the cover is an APIC front cover.
#include <taglib/attachedpictureframe.h>
#include <taglib/chapterframe.h>
#include <taglib/commentsframe.h>
#include <taglib/id3v2tag.h>
#include <taglib/mpegfile.h>
#include <taglib/tableofcontentsframe.h>
#include <taglib/textidentificationframe.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "taglib_tags.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::recorder::taglib {

namespace {

using TagLib::ByteVector;
using TagLib::String;
namespace Id3 = TagLib::ID3v2;

String utf8(const std::string& s) { return String(s, String::UTF8); }

// ISO 639-1 (show.xml) ↔ ISO 639-2 (ID3's TLAN and COMM).
constexpr std::array<std::pair<const char*, const char*>, 8> kLanguages{{
    {"ru", "rus"}, {"en", "eng"}, {"de", "deu"}, {"fr", "fra"},
    {"uk", "ukr"}, {"es", "spa"}, {"it", "ita"}, {"kk", "kaz"}}};

std::string three_letter(const std::string& code) {
  for (const auto& [two, three] : kLanguages)
    if (code == two) return three;
  return code.size() == 3 ? code : "und";
}
std::string two_letter(const std::string& code) {
  for (const auto& [two, three] : kLanguages)
    if (code == three) return two;
  return code == "und" ? "" : code;
}

void set_text(Id3::Tag& tag, const char* id, const std::string& value) {
  tag.removeFrames(id);
  if (value.empty()) return;
  auto* frame = new Id3::TextIdentificationFrame(ByteVector(id), String::UTF16);
  frame->setText(utf8(value));
  tag.addFrame(frame);  // the tag owns it
}

std::string get_text(const Id3::Tag& tag, const char* id) {
  const auto& frames = tag.frameListMap()[id];
  return frames.isEmpty() ? std::string() : frames.front()->toString().to8Bit(true);
}

constexpr const char* kDepartment = "DEPARTMENT";

}  // namespace

Result<void> write_mp3_tags(const fs::path& mp3_file, const AudioTags& tags, std::int64_t duration_ms) {
  const std::string name = mp3_file.string();
  {
    TagLib::MPEG::File file(mp3_file.c_str());
    if (!file.isValid()) return failure(name + ": TagLib cannot open the MP3 file");
    Id3::Tag& tag = *file.ID3v2Tag(true);
    for (const char* id : {"TIT2", "TPE1", "TALB", "TRCK", "TDRC", "TYER", "TDAT", "TCON", "TLAN", "TSSE",
                           "COMM", "TXXX", "APIC", "CHAP", "CTOC"})
      tag.removeFrames(id);
    set_text(tag, "TIT2", tags.title);
    set_text(tag, "TPE1", tags.artist);
    set_text(tag, "TALB", tags.album);
    set_text(tag, "TRCK", tags.track > 0 ? std::to_string(tags.track) : "");
    set_text(tag, "TDRC", tags.date);  // written as TYER + TDAT in v2.3
    set_text(tag, "TCON", tags.genre);
    set_text(tag, "TLAN", tags.language.empty() ? "" : three_letter(tags.language));
    set_text(tag, "TSSE", tags.encoder);
    if (!tags.description.empty()) {
      auto* comment = new Id3::CommentsFrame(String::UTF16);
      comment->setLanguage(ByteVector(three_letter(tags.language).c_str(), 3));
      comment->setText(utf8(tags.description));
      tag.addFrame(comment);
    }
    if (!tags.department.empty()) {
      auto* dep = new Id3::UserTextIdentificationFrame(String::UTF16);
      dep->setDescription(kDepartment);
      dep->setText(utf8(tags.department));
      tag.addFrame(dep);
    }
    if (tags.cover) {
      auto* picture = new Id3::AttachedPictureFrame;
      picture->setTextEncoding(String::UTF16);
      picture->setType(Id3::AttachedPictureFrame::FrontCover);
      picture->setMimeType(tags.cover->image.mime_type);
      picture->setPicture(ByteVector(reinterpret_cast<const char*>(tags.cover->data.data()),
                                     static_cast<unsigned>(tags.cover->data.size())));
      tag.addFrame(picture);
    }
    if (!tags.chapters.empty()) {
      TagLib::ByteVectorList children;
      for (std::size_t i = 0; i < tags.chapters.size(); ++i) {
        const ByteVector id(("chp" + std::to_string(i)).c_str());
        const auto start = static_cast<unsigned>(std::max<std::int64_t>(0, tags.chapters[i].start_ms));
        const auto end = static_cast<unsigned>(std::max<std::int64_t>(
            start, i + 1 < tags.chapters.size() ? tags.chapters[i + 1].start_ms : duration_ms));
        auto* title = new Id3::TextIdentificationFrame("TIT2", String::UTF16);
        title->setText(utf8(tags.chapters[i].name));
        Id3::FrameList embedded;
        embedded.append(title);
        tag.addFrame(new Id3::ChapterFrame(id, start, end, 0xFFFFFFFFu, 0xFFFFFFFFu, embedded));
        children.append(id);
      }
      auto* toc = new Id3::TableOfContentsFrame("toc", children);
      toc->setIsTopLevel(true);
      toc->setIsOrdered(true);
      tag.addFrame(toc);
    }
    if (!file.save(TagLib::MPEG::File::ID3v2, TagLib::File::StripOthers, Id3::v3, TagLib::File::DoNotDuplicate))
      return failure(name + ": TagLib could not save the tags");
  }
  auto back = read_mp3_tags(mp3_file);
  if (!back) return std::unexpected(back.error());
  AudioTags expected = tags;
  expected.language = tags.language.empty() ? "" : two_letter(three_letter(tags.language));
  if (!(*back == expected)) return failure(name + ": the MP3 tags did not read back as written");
  return {};
}

Result<AudioTags> read_mp3_tags(const fs::path& mp3_file) {
  const std::string name = mp3_file.string();
  TagLib::MPEG::File file(mp3_file.c_str());
  if (!file.isValid() || !file.ID3v2Tag()) return bad_input(name + ": not a readable, ID3-tagged MP3 file");
  const Id3::Tag& tag = *file.ID3v2Tag();
  AudioTags tags;
  tags.title = get_text(tag, "TIT2");
  tags.artist = get_text(tag, "TPE1");
  tags.album = get_text(tag, "TALB");
  tags.track = std::atoi(get_text(tag, "TRCK").c_str());
  tags.date = get_text(tag, "TDRC");
  tags.genre = get_text(tag, "TCON");
  tags.language = two_letter(get_text(tag, "TLAN"));
  tags.encoder = get_text(tag, "TSSE");
  const auto& map = tag.frameListMap();
  if (!map["COMM"].isEmpty()) tags.description = static_cast<Id3::CommentsFrame*>(map["COMM"].front())->text().to8Bit(true);
  for (auto* frame : map["TXXX"]) {
    auto* user = static_cast<Id3::UserTextIdentificationFrame*>(frame);
    if (user->description() == kDepartment && user->fieldList().size() > 1)
      tags.department = user->fieldList()[1].to8Bit(true);
  }
  for (auto* frame : map["APIC"]) {
    auto* p = static_cast<Id3::AttachedPictureFrame*>(frame);
    if (p->type() != Id3::AttachedPictureFrame::FrontCover) continue;
    Cover cover;
    const ByteVector data = p->picture();
    cover.data.assign(data.begin(), data.end());
    auto info = util::probe_image(cover.data);
    if (info) cover.image = *info;
    tags.cover = std::move(cover);
    break;
  }
  for (auto* frame : map["CHAP"]) {
    auto* chapter = static_cast<Id3::ChapterFrame*>(frame);
    const auto& titles = chapter->embeddedFrameList("TIT2");
    tags.chapters.push_back({static_cast<std::int64_t>(chapter->startTime()),
                             titles.isEmpty() ? std::string() : titles.front()->toString().to8Bit(true)});
  }
  std::sort(tags.chapters.begin(), tags.chapters.end(),
            [](const auto& a, const auto& b) { return a.start_ms < b.start_ms; });
  return tags;
}

}  // namespace crosstalk::recorder::taglib
