// What staff see: the RSS feeds (pugixml) and the web page, rendered from the
// show and its published episodes. Pure functions: same input, same bytes,
// so a build with nothing new rewrites nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crosstalk/feed/show.hpp"

namespace crosstalk::feed {

struct PublicCover {
  std::string file;  // name under public/, e.g. cover.jpg; empty: none
};

// Which file a feed's <enclosure> points at: Opus (feed.xml, feed-<id>.xml)
// or the MP3 rendition (feed-mp3.xml, feed-mp3-<id>.xml), for apps that
// cannot play Ogg Opus (Apple Podcasts).
enum class Rendition { Opus, Mp3 };

// An episode's files as a feed or the page offers them, Opus first.
struct Enclosure {
  Rendition rendition;
  std::string file, url, type, codecs;  // file: its name under public/episodes/
  std::uint64_t length = 0;
  long long bitrate = 0;  // bits/s, the encoder's setting
};
std::vector<Enclosure> enclosures(const Show& show, const Episode& episode);

// `episodes`: the published ones, any order (rendered newest first).
// `department`: empty for the whole show's feed, else that department's.
// The MP3 feeds list only episodes that have an MP3.
std::string render_feed(const Show& show, const std::vector<Episode>& episodes,
                        const std::string& department, const PublicCover& cover,
                        Rendition rendition = Rendition::Opus);

// A private show's page carries kSubscribeMarker where the subscribe section
// goes: `crosstalk serve` puts each subscriber's own in its place.
std::string render_page(const Show& show, const std::vector<Episode>& episodes,
                        const PublicCover& cover);
inline constexpr std::string_view kSubscribeMarker = "<!--crosstalk:subscribe-->";

// What a private show's root (/) answers without a token: "this podcast is
// private; ask the comms team for your personal link", in the show's
// language (Russian or English), with the show's title and nothing else.
std::string render_private_root(const Show& show);

// "Подписаться / Subscribe": what to do on an iPhone/Mac (Apple Podcasts,
// the MP3 feed), on Android (AntennaPod, the Opus feed) and on a desktop,
// with QR codes of the feeds; `base_url`: the show's, or a subscriber's
// personal one.
std::string render_subscribe(const Show& show, const std::string& base_url);

// A QR code of `text` as inline SVG (empty if it does not fit in one).
std::string qr_svg(std::string_view text, std::string_view label);

// An episode's chapters as Podcasting 2.0 JSON chapters (episodes/NNNN-dept.chapters.json).
std::string render_chapters(const Episode& episode);

// feed.xml, feed-sales.xml, feed-mp3.xml, feed-mp3-sales.xml
std::string feed_file_name(const std::string& department, Rendition rendition = Rendition::Opus);
std::string format_duration(double seconds);                // 1:02:03 or 4:05
std::string escape_html(std::string_view text);
// Newest first by pubDate, then by number; pointers into `episodes`.
std::vector<const Episode*> newest_first(const std::vector<Episode>& episodes);

}  // namespace crosstalk::feed
