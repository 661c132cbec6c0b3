// What staff see: the RSS feeds (pugixml) and the web page, rendered from the
// show and its published episodes. Pure functions: same input, same bytes,
// so a build with nothing new rewrites nothing.
#pragma once

#include <string>
#include <vector>

#include "crosstalk/feed/show.hpp"

namespace crosstalk::feed {

struct PublicCover {
  std::string file;  // name under public/, e.g. cover.jpg; empty: none
};

// `episodes`: the published ones, any order (rendered newest first).
// `department`: empty for the whole show's feed.xml, else feed-<id>.xml.
std::string render_feed(const Show& show, const std::vector<Episode>& episodes,
                        const std::string& department, const PublicCover& cover);

std::string render_page(const Show& show, const std::vector<Episode>& episodes,
                        const PublicCover& cover);

// An episode's chapters as Podcasting 2.0 JSON chapters (episodes/NNNN-dept.chapters.json).
std::string render_chapters(const Episode& episode);

std::string feed_file_name(const std::string& department);  // feed.xml / feed-sales.xml
std::string format_duration(double seconds);                // 1:02:03 or 4:05
std::string escape_html(std::string_view text);
// Newest first by pubDate, then by number; pointers into `episodes`.
std::vector<const Episode*> newest_first(const std::vector<Episode>& episodes);

}  // namespace crosstalk::feed
