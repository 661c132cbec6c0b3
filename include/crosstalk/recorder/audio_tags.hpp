// Episode tags in the Opus file (Vorbis comments), written and verified
// through TagLib, and the cover art that goes with them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/util/image_info.hpp"

namespace crosstalk::recorder {

inline constexpr std::size_t kMaxCoverBytes = 1024 * 1024;

struct Cover {
  std::vector<std::uint8_t> data;
  util::ImageInfo image;
  bool operator==(const Cover&) const = default;
};

struct AudioTags {
  std::string title;        // TITLE
  std::string artist;       // ARTIST: the host
  std::string album;        // ALBUM: the show
  int track = 0;            // TRACKNUMBER: the episode number (0: none)
  std::string date;         // DATE
  std::string genre = "Podcast";  // GENRE
  std::string description;  // DESCRIPTION
  std::string language;     // LANGUAGE
  std::string department;   // DEPARTMENT
  std::string encoder;      // ENCODER
  std::optional<Cover> cover;  // METADATA_BLOCK_PICTURE, front cover
  // CHAPTER001=00:01:23.456, CHAPTER001NAME=… (the convention players read).
  struct Chapter {
    std::int64_t start_ms = 0;
    std::string name;
    bool operator==(const Chapter&) const = default;
  };
  std::vector<Chapter> chapters;
  bool operator==(const AudioTags&) const = default;
};

// Reads a JPEG or PNG cover of at most 1 MiB.
Result<Cover> load_cover(const boost::filesystem::path& path);

// Replaces the file's tags with `tags` (TagLib rewrites the file in place:
// call it on a temporary copy, never on a published file), then reads them
// back and fails if anything differs.
Result<void> write_tags(const boost::filesystem::path& opus_file, const AudioTags& tags);
Result<AudioTags> read_tags(const boost::filesystem::path& opus_file);

// The same tags as ID3v2.3 in the MP3 rendition (recorder/id3_tags.cpp says
// why 2.3): DEPARTMENT as TXXX, the cover as APIC, chapters as CHAP/CTOC
// frames, which need the episode's length. Verified by reading back.
Result<void> write_mp3_tags(const boost::filesystem::path& mp3_file, const AudioTags& tags,
                            std::int64_t duration_ms);
Result<AudioTags> read_mp3_tags(const boost::filesystem::path& mp3_file);
// An episode's tags as its MP3 carries them: the ENCODER names LAME too.
AudioTags mp3_tags_of(AudioTags tags);

// The tags, the MP3 probe included, are read and written by the tags module
// (TagLib, lib/crosstalk/tags.so): why it cannot load, in the reader's
// language (one line: "crosstalk's tags module … is missing; reinstall
// crosstalk"), or nullopt when it loads.
std::optional<std::string> tags_unavailable();

}  // namespace crosstalk::recorder
