// index.html: the show's page for browsers and phones. Self-contained (inline
// CSS, no scripts, fonts or CDNs: it lives on an intranet); every piece of
// text is HTML-escaped.
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
};

Labels labels_for(const std::string& language) {
  if (language == "ru")
    return {"Подписаться", "Все выпуски", "Пока нет опубликованных выпусков.",
            "Скопируйте ссылку на ленту в приложение для подкастов (AntennaPod, gPodder, VLC…).",
            "Выпуск"};
  return {"Subscribe", "All episodes", "No episodes published yet.",
          "Copy a feed link into your podcast app (AntennaPod, gPodder, VLC…).", "Episode"};
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
p.description{white-space:pre-line;margin:.5rem 0 0}
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
    << "<style>" << kStyle << "</style>\n</head>\n<body>\n<header>\n";
  if (!cover.file.empty())
    h << "<img src=\"" << escape_html(cover.file) << "\" alt=\"\">\n";
  h << "<div>\n<h1>" << escape_html(show.title) << "</h1>\n";
  if (!show.description.empty())
    h << "<p class=\"description\">" << escape_html(show.description) << "</p>\n";
  h << "<ul class=\"subscribe\" aria-label=\"" << l.subscribe << "\">\n"
    << "<li><a href=\"feed.xml\">" << l.subscribe << ": " << l.all_episodes << "</a></li>\n";
  for (const auto& d : show.rotation)
    h << "<li><a href=\"" << escape_html(feed_file_name(d.id)) << "\">" << l.subscribe << ": "
      << escape_html(d.name) << "</a></li>\n";
  h << "</ul>\n<p class=\"hint\">" << l.how << "</p>\n</div>\n</header>\n<main>\n";
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
      << escape_html(format_local(e.published_at.value_or(e.recorded_at), show.timezone)) << " · "
      << format_duration(e.duration_seconds);
    if (!e.host.empty()) h << " · " << escape_html(e.host);
    h << "</div>\n";
    if (!e.description.empty())
      h << "<p class=\"description\">" << escape_html(e.description) << "</p>\n";
    h << "<audio controls preload=\"none\" src=\"episodes/" << escape_html(e.audio_file())
      << "\"></audio>\n</article>\n";
  }
  h << "</main>\n</body>\n</html>\n";
  return h.str();
}

}  // namespace crosstalk::feed
