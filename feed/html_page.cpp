// index.html: the show's page for browsers and phones. Self-contained (inline
// CSS and SVG QR codes, one small inline script for the copy buttons, no
// fonts or CDNs: it lives on an intranet); every piece of text is HTML-escaped.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "crosstalk/feed/render.hpp"
#include "crosstalk/util/xml_text.hpp"

namespace crosstalk::feed {

namespace {

struct Labels {
  const char* subscribe;
  const char* all_episodes;
  const char* no_episodes;
  const char* how;
  const char* episode;
  const char* download;
  const char* chapters;
};

// The subscribe section's text: Russian first (the show's language), then
// English, for everyone whatever the show's language.
const char* const kSubscribeTitle = "Подписаться / Subscribe";
const char* const kAppleTitle = "iPhone, iPad, Mac — Apple Podcasts";
const char* const kAppleHow =
    "Откройте «Подкасты» → «Медиатека» → «…» → «Подписаться на шоу по URL» и вставьте эту ссылку. "
    "Или наведите камеру iPhone на код.<br><span lang=\"en\">Open Podcasts → Library → … → "
    "Follow a Show by URL and paste this link, or point the iPhone's camera at the code.</span>";
const char* const kAndroidTitle = "Android — AntennaPod";
const char* const kAndroidHow =
    "Нажмите кнопку на телефоне или наведите камеру на код и откройте ссылку в AntennaPod "
    "(«+» → «Добавить подкаст по адресу»).<br><span lang=\"en\">Tap the button on the phone, or scan the "
    "code and add the link in AntennaPod (+ → Add podcast by URL).</span>";
const char* const kDesktopTitle = "Компьютер / Desktop — gPodder, VLC…";
const char* const kDesktopHow =
    "Скопируйте ссылку на ленту в приложение для подкастов. Opus — лучше звук при меньшем размере; "
    "MP3 — для любых плееров.<br><span lang=\"en\">Copy a feed link into your podcast app. Opus: better "
    "sound, smaller files; MP3: plays everywhere.</span>";
const char* const kCopy = "Копировать / Copy";
const char* const kScript = R"(
document.addEventListener('click', function (e) {
  var b = e.target.closest('button[data-copy]');
  if (!b) return;
  var input = b.parentNode.querySelector('input');
  function done() { b.textContent = '✓'; }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(b.dataset.copy).then(done);
  } else {
    input.select();
    if (document.execCommand('copy')) done();
  }
});
// A chapter link plays its episode from there in the page's player (without
// the script, the link opens the audio file at that time: #t=).
document.addEventListener('click', function (e) {
  var a = e.target.closest('a[data-t]');
  var audio = a && a.closest('article').querySelector('audio');
  if (!audio) return;
  e.preventDefault();
  var t = parseFloat(a.dataset.t);
  if (audio.readyState === 0)
    audio.addEventListener('loadedmetadata', function () { audio.currentTime = t; }, {once: true});
  audio.currentTime = t;
  audio.play();
});
)";

std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A feed URL to read, copy, and scan.
std::string copy_field(const std::string& url, const std::string& label) {
  return "<div class=\"copy\"><input readonly value=\"" + escape_html(url) + "\" aria-label=\"" +
         escape_html(label) + "\"><button type=\"button\" data-copy=\"" + escape_html(url) + "\">" + kCopy +
         "</button></div>\n";
}

// "24 KB" under a megabyte (a short episode is not "0.0 MB"), else "28.8 MB".
std::string file_size(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1000000)
    std::snprintf(buf, sizeof buf, "%llu KB", static_cast<unsigned long long>((bytes + 999) / 1000));
  else
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

// The episode's chapters, each a link into its player (data-t, seconds) that
// without the script opens the audio file at that time (a media fragment).
std::string chapter_list(const Episode& e, const std::string& audio_file, const char* label) {
  std::ostringstream h;
  h << "<ol class=\"chapters\" aria-label=\"" << label << "\">\n";
  for (const Chapter& c : e.chapters) {
    char t[32];
    std::snprintf(t, sizeof t, "%.3f", c.start);
    h << "<li><a href=\"episodes/" << escape_html(audio_file) << "#t=" << t << "\" data-t=\"" << t << "\">"
      << format_duration(c.start) << "</a>" << escape_html(c.title) << "</li>\n";
  }
  h << "</ol>\n";
  return h.str();
}

Labels labels_for(const std::string& language) {
  if (language == "ru")
    return {"Подписаться", "Все выпуски", "Пока нет опубликованных выпусков.",
            "Скопируйте ссылку на ленту в приложение для подкастов (AntennaPod, gPodder, VLC…).",
            "Выпуск", "Скачать", "Главы"};
  return {"Subscribe", "All episodes", "No episodes published yet.",
          "Copy a feed link into your podcast app (AntennaPod, gPodder, VLC…).", "Episode", "Download", "Chapters"};
}

const char* kStyle = R"(
:root{--fg:#1b1f23;--muted:#5a6470;--bg:#f6f7f9;--card:#fff;--accent:#1f4e79}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1rem;align-items:center;padding:1rem;max-width:48rem;margin:auto}
header img{width:96px;height:96px;border-radius:8px;object-fit:cover;flex:none}
h1{font-size:1.5rem;margin:0 0 .25rem}
main{max-width:48rem;margin:auto;padding:0 1rem 2rem}
.subscribe{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 0;padding:0;list-style:none}
.subscribe a{display:inline-block;padding:.25rem .75rem;border:1px solid var(--accent);border-radius:999px;color:var(--accent);text-decoration:none}
.hint{color:var(--muted);font-size:.875rem;margin:.25rem 0 0}
article{background:var(--card);border-radius:8px;padding:1rem;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
article h2{font-size:1.15rem;margin:.25rem 0}
.meta{color:var(--muted);font-size:.875rem}
.badge{display:inline-block;padding:0 .5rem;border-radius:4px;font-size:.8rem;font-weight:600;color:#fff;background:#6b7280}
.badge-0{background:#b03a2e}.badge-1{background:#1f6f43}.badge-2{background:#6c3483}.badge-3{background:#b9770e}
audio{width:100%;margin-top:.5rem}
.downloads{font-size:.875rem;margin:.25rem 0 0}
#subscribe{background:var(--card);border-radius:8px;padding:1rem;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
#subscribe h2{font-size:1.15rem;margin:0 0 .5rem}
.ways{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem}
.way h3{font-size:1rem;margin:.25rem 0}
.way p{font-size:.875rem;color:var(--muted);margin:.25rem 0}
.copy{display:flex;flex-wrap:wrap;gap:.25rem;margin:.5rem 0}
.copy input{flex:1 1 12rem;min-width:0;font:inherit;font-size:.8rem;padding:.25rem}
.copy button,.button{font:inherit;font-size:.875rem;padding:.25rem .75rem;border:1px solid var(--accent);border-radius:6px;background:var(--accent);color:#fff;text-decoration:none;display:inline-block;cursor:pointer}
svg.qr{width:10rem;height:10rem;display:block;margin:.5rem 0}
.way ul{padding-left:1.25rem;font-size:.875rem}
p.description{white-space:pre-line;margin:.5rem 0 0}
.chapters{font-size:.875rem;margin:.5rem 0 0;padding-left:1.25rem}
.chapters a{font-variant-numeric:tabular-nums;margin-right:.5rem}
@media (max-width:30rem){header{flex-direction:column;align-items:flex-start}}
)";

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : util::xml_safe_text(text)) {  // as in the feeds: forbidden characters → U+FFFD
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_duration(double seconds) {
  long long total = std::llround(seconds);
  char buf[32];
  if (total >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", total / 60, total % 60);
  return buf;
}

std::string render_subscribe(const Show& show, const std::string& base) {
  const std::string opus = base + feed_file_name("");
  const std::string mp3 = base + feed_file_name("", Rendition::Mp3);
  // Apple Podcasts plays MP3 or AAC only: the MP3 feed, when the show has one.
  const std::string& apple = show.mp3 ? mp3 : opus;
  std::ostringstream h;
  h << "<section id=\"subscribe\">\n<h2>" << kSubscribeTitle << "</h2>\n<div class=\"ways\">\n"
    << "<div class=\"way\" id=\"subscribe-apple\">\n<h3>" << kAppleTitle << "</h3>\n<p>" << kAppleHow << "</p>\n"
    << copy_field(apple, "Apple Podcasts") << qr_svg(apple, "QR: " + apple) << "\n</div>\n"
    << "<div class=\"way\" id=\"subscribe-android\">\n<h3>" << kAndroidTitle << "</h3>\n<p>" << kAndroidHow
    << "</p>\n<a class=\"button\" href=\"https://antennapod.org/deeplink/subscribe?url=" << percent_encode(opus)
    << "\">AntennaPod</a>\n" << copy_field(opus, "AntennaPod") << qr_svg(opus, "QR: " + opus) << "\n</div>\n"
    << "<div class=\"way\" id=\"subscribe-desktop\">\n<h3>" << kDesktopTitle << "</h3>\n<p>" << kDesktopHow
    << "</p>\n<ul>\n";
  auto links = [&](const std::string& department, const std::string& name) {
    h << "<li>" << escape_html(name) << ": <a href=\"" << escape_html(base + feed_file_name(department)) << "\">Opus</a>";
    if (show.mp3)
      h << " · <a href=\"" << escape_html(base + feed_file_name(department, Rendition::Mp3)) << "\">MP3</a>";
    h << "</li>\n";
  };
  links("", show.language == "ru" ? "Все выпуски" : "All episodes");
  for (const auto& d : show.rotation) links(d.id, d.name);
  h << "</ul>\n</div>\n</div>\n</section>\n";
  return h.str();
}

std::string render_page(const Show& show, const std::vector<Episode>& episodes,
                        const PublicCover& cover) {
  const Labels l = labels_for(show.language);
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"" << escape_html(show.language) << "\">\n<head>\n"
    << "<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>" << escape_html(show.title) << "</title>\n"
    << "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"" << escape_html(show.title)
    << "\" href=\"feed.xml\">\n"
    << "<style>" << kStyle << "</style>\n";
  if (!cover.file.empty())  // the cover as the tab's icon
    h << "<link rel=\"icon\" href=\"" << escape_html(cover.file) << "\">\n";
  h << "</head>\n<body>\n<header>\n";
  if (!cover.file.empty())
    h << "<img src=\"" << escape_html(cover.file) << "\" alt=\"\">\n";
  h << "<div>\n<h1>" << escape_html(show.title) << "</h1>\n";
  if (!show.description.empty())
    h << "<p class=\"description\">" << escape_html(show.description) << "</p>\n";
  h << "<ul class=\"subscribe\" aria-label=\"" << l.subscribe << "\">\n"
    << "<li><a href=\"#subscribe\">" << kSubscribeTitle << "</a></li>\n"
    << "<li><a href=\"feed.xml\">" << l.subscribe << ": " << l.all_episodes << "</a></li>\n";
  for (const auto& d : show.rotation)
    h << "<li><a href=\"" << escape_html(feed_file_name(d.id)) << "\">" << l.subscribe << ": "
      << escape_html(d.name) << "</a></li>\n";
  h << "</ul>\n<p class=\"hint\">" << l.how << "</p>\n</div>\n</header>\n<main>\n";
  // A private show's URLs are personal: serve fills the section in per subscriber.
  if (show.private_feeds) h << kSubscribeMarker << "\n";
  else h << render_subscribe(show, show.base_url);
  if (episodes.empty()) h << "<p>" << l.no_episodes << "</p>\n";
  for (const Episode* episode : newest_first(episodes)) {
    const Episode& e = *episode;
    const Department* d = show.department(e.department);
    std::size_t index = 0;
    for (; index < show.rotation.size() && show.rotation[index].id != e.department; ++index) {}
    h << "<article id=\"episode-" << e.number << "\">\n"
      << "<span class=\"badge badge-" << index % 4 << "\">" << escape_html(d ? d->name : e.department)
      << "</span>\n"
      << "<h2>" << escape_html(e.title) << "</h2>\n"
      << "<div class=\"meta\">" << l.episode << " " << e.number << " · "
      << escape_html(format_local_words(e.published_at.value_or(e.recorded_at), show.timezone, show.language)) << " · "
      << format_duration(e.duration_seconds);
    if (!e.host.empty()) h << " · " << escape_html(e.host);
    h << "</div>\n";
    if (!e.description.empty())
      h << "<p class=\"description\">" << escape_html(e.description) << "</p>\n";
    // Opus first; browsers without Ogg Opus (Safari before 18.4) fall back to the MP3.
    h << "<audio controls preload=\"none\">";
    for (const Enclosure& f : enclosures(show, e))
      h << "<source src=\"episodes/" << escape_html(f.file) << "\" type=\""
        << (f.rendition == Rendition::Opus ? "audio/ogg; codecs=opus" : "audio/mpeg") << "\">";
    h << "</audio>\n";
    if (!e.chapters.empty()) h << chapter_list(e, enclosures(show, e).front().file, l.chapters);
    h << "<p class=\"downloads\">" << l.download << ":";
    const char* separator = " ";
    for (const Enclosure& f : enclosures(show, e)) {
      h << separator << "<a href=\"episodes/" << escape_html(f.file) << "\" download>"
        << (f.rendition == Rendition::Opus ? "Opus" : "MP3") << "</a> (" << file_size(f.length) << ")";
      separator = " · ";
    }
    h << "</p>\n</article>\n";
  }
  h << "</main>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
  return h.str();
}

}  // namespace crosstalk::feed
