// RSS 2.0 + itunes + podcast + atom namespaces, as podcast apps expect them
// (Apple's guide, Podcasting 2.0); an internal show is blocked and locked.
#include <algorithm>
#include <cmath>
#include <pugixml.hpp>

#include "crosstalk/feed/render.hpp"
#include <nlohmann/json.hpp>

#include "crosstalk/util/xml_text.hpp"
#include "xml_io.hpp"

namespace crosstalk::feed {

namespace {
// At most `limit` bytes of `s`, never cutting a UTF-8 character in two.
std::string utf8_prefix(const std::string& s, std::size_t limit) {
  if (s.size() <= limit) return s;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

void text(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(value.c_str());
}
}  // namespace

std::string feed_file_name(const std::string& department, Rendition rendition) {
  const std::string prefix = rendition == Rendition::Mp3 ? "feed-mp3" : "feed";
  return department.empty() ? prefix + ".xml" : prefix + "-" + department + ".xml";
}

std::vector<Enclosure> enclosures(const Show& show, const Episode& e) {
  std::vector<Enclosure> out;
  // Bitrates are the encoders' (Opus: the VBR target; an average from the
  // file size would count the cover art in the tags).
  out.push_back({Rendition::Opus, e.audio_file(), show.base_url + "episodes/" + e.audio_file(), "audio/ogg", "opus",
                 e.size_bytes, show.bitrate_kbps * 1000LL});
  if (show.mp3 && e.mp3_size_bytes)  // a show that turned MP3 off no longer publishes them
    out.push_back({Rendition::Mp3, e.mp3_file(), show.base_url + "episodes/" + e.mp3_file(), "audio/mpeg", "mp3",
                   *e.mp3_size_bytes, show.mp3_bitrate_kbps * 1000LL});
  return out;
}

std::vector<const Episode*> newest_first(const std::vector<Episode>& episodes) {
  std::vector<const Episode*> order;
  order.reserve(episodes.size());
  for (const Episode& e : episodes) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const Episode* a, const Episode* b) {
    auto ta = a->published_at.value_or(Time{}), tb = b->published_at.value_or(Time{});
    return ta != tb ? ta > tb : a->number > b->number;
  });
  return order;
}

std::string render_feed(const Show& show, const std::vector<Episode>& all,
                        const std::string& department, const PublicCover& cover, Rendition rendition) {
  const Department* dep = department.empty() ? nullptr : show.department(department);
  const std::string feed_url = show.base_url + feed_file_name(department, rendition);
  const bool mp3 = rendition == Rendition::Mp3;
  pugi::xml_document doc;
  auto rss = xml::start_document(doc, "rss");
  rss.append_attribute("version") = "2.0";
  rss.append_attribute("xmlns:itunes") = "http://www.itunes.com/dtds/podcast-1.0.dtd";
  rss.append_attribute("xmlns:podcast") = "https://podcastindex.org/namespace/1.0";
  rss.append_attribute("xmlns:atom") = "http://www.w3.org/2005/Atom";
  rss.append_attribute("xmlns:content") = "http://purl.org/rss/1.0/modules/content/";
  auto ch = rss.append_child("channel");
  const std::string title = dep ? show.title + " — " + dep->name : show.title;
  text(ch, "title", title);
  text(ch, "link", show.base_url);
  std::string description = show.description.empty() ? show.title : show.description;
  text(ch, "description", utf8_prefix(description, 4000));  // Apple: at most 4000 bytes
  text(ch, "language", show.language);
  auto self = ch.append_child("atom:link");
  self.append_attribute("href") = feed_url.c_str();
  self.append_attribute("rel") = "self";
  self.append_attribute("type") = "application/rss+xml";
  if (!cover.file.empty()) {
    const std::string url = show.base_url + cover.file;
    ch.append_child("itunes:image").append_attribute("href") = url.c_str();
    auto image = ch.append_child("image");
    text(image, "url", url);
    text(image, "title", title);
    text(image, "link", show.base_url);
  }
  ch.append_child("itunes:category").append_attribute("text") = show.category.c_str();
  text(ch, "itunes:explicit", "false");
  if (!show.author.empty()) text(ch, "itunes:author", show.author);
  if (!show.owner_email.empty() || !show.author.empty()) {
    auto owner = ch.append_child("itunes:owner");
    text(owner, "itunes:name", show.author.empty() ? show.title : show.author);
    if (!show.owner_email.empty()) text(owner, "itunes:email", show.owner_email);
  }
  text(ch, "itunes:type", "episodic");
  text(ch, "itunes:block", "Yes");  // an internal show: keep it out of directories
  auto locked = ch.append_child("podcast:locked");
  if (!show.owner_email.empty()) locked.append_attribute("owner") = show.owner_email.c_str();
  locked.text().set("yes");
  // The MP3 feeds' guids come from their own URLs (the Opus feeds keep the
  // guids set at init).
  text(ch, "podcast:guid", mp3 ? podcast_guid_for(feed_url) : dep ? dep->podcast_guid : show.podcast_guid);
  text(ch, "generator", "crosstalk");

  bool first = true;
  for (const Episode* episode : newest_first(all)) {
    const Episode& e = *episode;
    if (dep && e.department != dep->id) continue;
    const std::vector<Enclosure> files = enclosures(show, e);
    const auto main = std::find_if(files.begin(), files.end(), [&](const Enclosure& f) { return f.rendition == rendition; });
    if (main == files.end()) continue;  // no MP3 yet: `build` makes it
    const std::string pub = format_rfc2822(e.published_at.value_or(e.recorded_at), show.timezone);
    if (first) {  // the newest item's date: stable across builds that change nothing
      text(ch, "pubDate", pub);
      text(ch, "lastBuildDate", pub);
      first = false;
    }
    auto item = ch.append_child("item");
    text(item, "title", e.title);
    text(item, "description", e.description.empty() ? e.title : e.description);
    text(item, "pubDate", pub);
    auto guid = item.append_child("guid");
    guid.append_attribute("isPermaLink") = "false";
    guid.text().set(e.guid.c_str());
    text(item, "link", show.base_url + "#episode-" + std::to_string(e.number));
    // Exactly one <enclosure>; every rendition as an alternateEnclosure, this
    // feed's own marked default (Podcasting 2.0).
    auto enclosure = item.append_child("enclosure");
    enclosure.append_attribute("url") = main->url.c_str();
    enclosure.append_attribute("length") = std::to_string(main->length).c_str();
    enclosure.append_attribute("type") = main->type.c_str();
    if (files.size() > 1)
      for (const Enclosure* f : {&*main, &files[main == files.begin() ? 1 : 0]}) {
        auto alt = item.append_child("podcast:alternateEnclosure");
        alt.append_attribute("type") = f->type.c_str();
        alt.append_attribute("length") = std::to_string(f->length).c_str();
        alt.append_attribute("bitrate") = std::to_string(f->bitrate).c_str();
        alt.append_attribute("codecs") = f->codecs.c_str();
        alt.append_attribute("title") = f->rendition == Rendition::Mp3 ? "MP3" : "Opus";
        if (f == &*main) alt.append_attribute("default") = "true";
        alt.append_child("podcast:source").append_attribute("uri") = f->url.c_str();
      }
    text(item, "itunes:duration", std::to_string(static_cast<long long>(std::llround(e.duration_seconds))));
    text(item, "itunes:episode", std::to_string(e.number));
    text(item, "itunes:episodeType", "full");
    const Department* d = show.department(e.department);
    text(item, "category", d ? d->name : e.department);
    if (!e.host.empty()) {
      auto person = item.append_child("podcast:person");
      person.append_attribute("role") = "host";
      person.text().set(e.host.c_str());
      text(item, "itunes:author", e.host);
    }
    if (!e.chapters.empty()) {
      auto chapters = item.append_child("podcast:chapters");
      const std::string chapters_url = show.base_url + "episodes/" + e.chapters_file();
      chapters.append_attribute("url") = chapters_url.c_str();
      chapters.append_attribute("type") = "application/json+chapters";
    }
  }
  return xml::to_string(doc);
}

std::string render_chapters(const Episode& e) {
  nlohmann::json chapters = nlohmann::json::array();
  for (const auto& c : e.chapters) {
    // Milliseconds, as recorded; the spec's startTime is seconds (float).
    chapters.push_back({{"startTime", std::round(c.start * 1000) / 1000}, {"title", util::xml_safe_text(c.title)}});
  }
  return nlohmann::json{{"version", "1.2.0"}, {"chapters", chapters}}.dump(2) + "\n";
}

}  // namespace crosstalk::feed
