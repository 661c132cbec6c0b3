// The studio's pages and JSON API (docs/studio-protocol.md). Every rule of
// the show is a publisher:: call under the show lock; this file decides who
// may ask and turns answers into JSON.
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/studio/api.hpp"

#include <boost/filesystem/operations.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/audit.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/server/static_files.hpp"
#include "crosstalk/studio/web_assets.hpp"
#include "desk_api.hpp"
#include "episodes_api.hpp"
#include "import_jobs.hpp"
#include "stats_api.hpp"

namespace fs = boost::filesystem;
using nlohmann::json;

namespace crosstalk::studio {

using detail::error;
using detail::from_error;
using detail::is_comms;
using detail::json_response;

std::string episode_json(const feed::Episode& e) {
  using detail::dump;
  json chapters = json::array();
  for (const auto& c : e.chapters) chapters.push_back({{"start", c.start}, {"title", c.title}});
  json loudness = nullptr;
  if (e.loudness) {
    auto finite = [](double v) -> json { return std::isfinite(v) ? json(v) : json(nullptr); };
    loudness = {{"inputLufs", finite(e.loudness->input_lufs)},   {"outputLufs", finite(e.loudness->output_lufs)},
                {"gainDb", finite(e.loudness->gain_db)},         {"truePeak", finite(e.loudness->output_true_peak)},
                {"normalized", e.loudness->normalized}};
  }
  return dump({{"number", e.number},
               {"department", e.department},
               {"title", e.title},
               {"description", e.description},
               {"host", e.host},
               {"state", std::string(feed::to_string(e.state))},
               {"duration", e.duration_seconds},
               {"recordedBy", e.recorded_by},
               {"note", e.note},
               {"cutShort", e.cut_short},
               {"chapters", chapters},
               {"loudness", loudness},
               {"mp3", e.mp3_size_bytes.has_value()}});
}

Api::Api(std::string show_dir, Accounts& accounts, Recordings& recordings)
    : show_dir_(std::move(show_dir)),
      accounts_(accounts),
      recordings_(recordings),
      versions_(std::make_unique<detail::Versions>()),
      jobs_(std::make_unique<detail::ImportJobs>(show_dir_)) {}

Api::~Api() = default;

std::string Api::language(std::string_view header) {
  // The first of ru/en by preference (q), Russian when neither is there.
  double best_q = -1;
  std::string best = "ru";
  while (!header.empty()) {
    auto end = header.find(',');
    std::string_view item = header.substr(0, end);
    double q = 1;
    if (auto semi = item.find(';'); semi != std::string_view::npos) {
      auto qpos = item.find("q=", semi);
      if (qpos != std::string_view::npos) q = std::atof(std::string(item.substr(qpos + 2)).c_str());
      item = item.substr(0, semi);
    }
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const std::string_view primary = item.substr(0, item.find('-'));
    if ((primary == "ru" || primary == "en") && q > best_q) {
      best_q = q;
      best = std::string(primary);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return best;
}

bool Api::same_origin(const Request& r, bool https_only) {
  // Origin "https://studio.intranet:8443" must name the host the request
  // was sent to (the Host header, as a proxy passes it on).
  auto scheme = r.origin.find("://");
  if (r.origin.empty() || r.host.empty() || scheme == std::string::npos) return false;
  const std::string scheme_name = r.origin.substr(0, scheme);
  if (scheme_name != "https" && (https_only || scheme_name != "http")) return false;
  return r.origin.substr(scheme + 3) == r.host;
}

std::optional<Identity> Api::identify(const Request& r) {
  return accounts_.identify({r.cookie, r.user_header, r.peer});
}

Response Api::page(const std::string& name, const std::string& language, int status) {
  const WebAsset* page = find_web_asset(name);
  const WebAsset* strings = find_web_asset("i18n/" + language + ".json");
  if (!page || !strings) return error(500, "the studio was built without its page (" + name + ")");
  std::string html(page->bytes);
  std::string catalogue(strings->bytes);
  for (std::size_t at = 0; (at = catalogue.find("</", at)) != std::string::npos; at += 3) catalogue.replace(at, 2, "<\\/");
  auto put = [&html](std::string_view marker, const std::string& value) {
    for (std::size_t at = 0; (at = html.find(marker, at)) != std::string::npos; at += value.size())
      html.replace(at, marker.size(), value);
  };
  put("<!--STRINGS-->", "<script id=\"strings\" type=\"application/json\">" + catalogue + "</script>");
  put("{{LANG}}", language);
  Response r;
  r.status = status;
  r.content_type = page->content_type;
  r.body = std::move(html);
  return r;
}

Response Api::sign_in(const Request& r) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("token") || !body["token"].is_string())
    return error(400, i18n::tr("send {\"token\": \"...\"} from the sign-in link"));
  auto session = accounts_.sign_in(body["token"].get<std::string>());
  if (!session) return error(403, i18n::tr("this sign-in link is not valid (revoked or mistyped); ask comms for a new one"));
  Response res;
  res.status = 204;
  res.headers.push_back({"Set-Cookie", accounts_.cookie(*session)});
  return res;
}

Response Api::me(const Identity& who) {
  auto folder = publisher::open_show(show_dir_);
  if (!folder) return from_error(folder.error());
  return json_response(200, {{"name", who.member.name},
                             {"role", std::string(feed::to_string(who.member.role))},
                             {"department", who.member.department},
                             {"csrf", who.csrf},
                             {"show",
                              {{"title", folder->show.title},
                               {"language", folder->show.language},
                               {"timezone", folder->show.timezone}}}});
}

Response Api::turn(const Identity&) {
  auto folder = publisher::open_show(show_dir_);
  if (!folder) return from_error(folder.error());
  auto episodes = publisher::load_library(*folder);
  if (!episodes) return from_error(episodes.error());
  const publisher::Turn t = publisher::whose_turn(folder->show, *episodes);
  json departments = json::array();
  for (const auto& d : folder->show.rotation) departments.push_back({{"id", d.id}, {"name", d.name}});
  const feed::Department* next = folder->show.department(t.next);
  json last = nullptr;
  if (t.last) {
    const feed::Department* d = folder->show.department(t.last->department);
    last = {{"number", t.last->number},
            {"department", t.last->department},
            {"label", d ? d->name : t.last->department},
            {"title", t.last->title}};
  }
  return json_response(200, {{"next", t.next},
                             {"label", next ? next->name : t.next},
                             {"number", publisher::highest_number(*folder, *episodes) + 1},
                             {"last", last},
                             {"departments", departments}});
}

Response Api::recording_state(const Identity& who, const std::string& id) {
  auto rec = recordings_.find(id);
  if (!rec) return error(404, i18n::tr("no recording {1} in this studio (restarted? 'crosstalk spool list' shows what waits)", id));
  if (!is_comms(who) && rec->owner_hash() != who.member.token_sha256) return error(403, i18n::tr("not your recording"));
  json j = {{"state", std::string(to_string(rec->state()))}};
  if (auto e = rec->episode()) j["episode"] = json::parse(episode_json(*e));
  if (auto m = rec->message(); !m.empty()) j["message"] = m;
  return json_response(200, j);
}

namespace {
constexpr std::uint64_t kMaxUpload = 4ull << 30;  // 4 GiB: an hour of 48 kHz stereo WAV is 0.7-1 GiB

std::string path_of(const Request& r) { return r.target.substr(0, r.target.find_first_of("?#")); }
std::string query_of(const Request& r) {
  const auto q = r.target.find('?');
  return q == std::string::npos ? "" : r.target.substr(q + 1, r.target.find('#') - q - 1);
}

// The import's fields, from the upload's query string.
publisher::ImportOptions import_options(const std::string& query) {
  using detail::query_value;
  publisher::ImportOptions o;
  o.title = query_value(query, "title");
  o.description = query_value(query, "description");
  o.host = query_value(query, "host");
  o.department = query_value(query, "department");
  o.publish_at = query_value(query, "publishAt");
  o.turns = query_value(query, "outOfTurn") == "1" ? publisher::Turns::AllowOutOfTurn : publisher::Turns::Enforce;
  return o;
}

// ".wav" from "Запись 1.WAV" (FFmpeg and libsndfile look inside anyway; a
// name helps FFmpeg guess). Anything odd: none.
std::string extension_of(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || name.size() - dot > 6) return "";
  std::string ext = name.substr(dot);
  for (std::size_t i = 1; i < ext.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ext[i])));
    if (!std::isalnum(static_cast<unsigned char>(c))) return "";
    ext[i] = c;
  }
  return ext.size() > 1 ? ext : "";
}
}  // namespace

bool Api::is_upload(const Request& r) { return r.method == "POST" && path_of(r) == "/api/import"; }

std::variant<Response, Upload> Api::begin_upload(const Request& r, std::optional<std::uint64_t> length) {
  const i18n::ScopedLanguage scope(language(r.accept_language));
  auto who = identify(r);
  if (!who) return error(401, i18n::tr("sign in with your personal link first"));
  if (r.csrf.empty() || r.csrf != who->csrf) return error(403, i18n::tr("the request lacks its CSRF token: reload the page"));
  if (!is_comms(*who)) return error(403, i18n::tr("importing files is the comms desk's; hosts record at /"));
  if (!length) return error(411, i18n::tr("send the file with its length (Content-Length)"));
  if (*length == 0) return error(400, i18n::tr("the file is empty"));
  if (*length > kMaxUpload)
    return error(413, i18n::tr("the file is larger than 4 GiB; cut it, or import it on the server with 'crosstalk import'"));
  if (jobs_->busy())
    return error(429, i18n::tr("{1} imports are encoding now; try again when one has finished",
                               detail::ImportJobs::kMaxRunning));
  auto folder = publisher::open_show(show_dir_);
  if (!folder) return from_error(folder.error());
  // The checks `import` makes before any audio work, before a byte is sent:
  // nobody uploads an hour of WAV to hear that it was sales' turn.
  publisher::ImportOptions o = import_options(query_of(r));
  publisher::ImportOptions checked = o;
  if (checked.title.empty()) checked.title = "-";  // the file's title tag stands in (checked after the upload)
  checked.turns = publisher::Turns::AllowOutOfTurn;
  if (auto c = publisher::check_recording(*folder, checked); !c) return from_error(c.error());
  if (!o.department.empty() && o.turns == publisher::Turns::Enforce) {
    auto episodes = publisher::load_library(*folder);
    if (!episodes) return from_error(episodes.error());
    if (auto t = publisher::check_turn(folder->show, *episodes, o.department, o.turns); !t)
      return json_response(409, {{"error", t.error().message}, {"code", "turn"}});
  }
  return Upload{jobs_->upload_path(extension_of(detail::query_value(query_of(r), "filename"))).string(), *length};
}

Response Api::finish_upload(const Request& r, const Upload& upload, bool complete) {
  const i18n::ScopedLanguage scope(language(r.accept_language));
  boost::system::error_code ec;
  auto who = identify(r);
  if (!complete || !who) {
    fs::remove(upload.file, ec);
    return error(400, i18n::tr("the upload was cut short; send the file again"));
  }
  const std::string id = jobs_->start(upload.file, import_options(query_of(r)), publisher::studio_actor(who->member.name),
                                      who->member.token_sha256);
  return json_response(202, {{"job", id}});
}

std::optional<std::string> Api::job_state(const Request& r, const std::string& id) {
  auto who = identify(r);
  if (!who) return std::nullopt;
  auto state = jobs_->state(id, who->member.token_sha256);
  if (!state) return std::nullopt;
  return detail::dump(*state);
}

Response Api::handle(const Request& r) {
  const std::string_view target = std::string_view(r.target).substr(0, r.target.find('#'));
  const std::string path(target.substr(0, target.find('?')));
  const std::string lang = language(r.accept_language);
  const i18n::ScopedLanguage scope(lang);  // the messages of this request

  // What anyone may fetch: the sign-in page, the page's code and styles.
  if (r.method == "GET" && path == "/signin") return page("signin.html", lang);
  if (r.method == "GET" && path.rfind("/static/", 0) == 0) {
    const std::string name = path.substr(8);
    const WebAsset* a = name.find("..") == std::string::npos && !name.ends_with(".html") ? find_web_asset(name) : nullptr;
    if (!a) return error(404, "no such file");
    Response res;
    res.content_type = a->content_type;
    res.body = a->bytes;
    res.headers.push_back({"Cache-Control", "no-cache"});
    return res;
  }
  if (path == "/api/signin") {
    if (r.method != "POST") return error(405, "use POST");
    if (r.content_type.rfind("application/json", 0) != 0) return error(415, "send JSON");
    return sign_in(r);
  }

  auto who = identify(r);
  if (!who) {
    if (r.method == "GET" && path == "/") return page("signin.html", lang, 401);
    return error(401, i18n::tr("sign in with your personal link first"));
  }
  if (r.method != "GET" && r.method != "HEAD") {  // every change: POST, DELETE
    if (r.csrf.empty() || r.csrf != who->csrf) return error(403, i18n::tr("the request lacks its CSRF token: reload the page"));
  }
  if (r.method == "GET" && path == "/") return page("index.html", lang);
  if (r.method == "GET" && (path == "/desk" || path == "/desk/stats")) {
    if (!is_comms(*who)) return page("index.html", lang, 403);
    return page(path == "/desk" ? "desk.html" : "stats.html", lang);
  }
  if (path == "/api/me" && r.method == "GET") return me(*who);
  if (path == "/api/turn" && r.method == "GET") return turn(*who);
  if (path == "/api/signout" && r.method == "POST") {
    accounts_.sign_out(who->session);
    Response res;
    res.status = 204;
    res.headers.push_back({"Set-Cookie", accounts_.cleared_cookie()});
    return res;
  }
  if (path == "/api/episodes" || path.rfind("/api/episodes/", 0) == 0)
    return detail::episodes_request(r, *who, target.substr(13), show_dir_, lang, *versions_);
  if (auto desk = detail::desk_request(r, *who, path, show_dir_, lang)) return *desk;
  if (auto figures = detail::stats_request(r, *who, path, show_dir_)) return *figures;
  if (path.rfind("/api/jobs/", 0) == 0 && r.method == "GET") {
    auto state = job_state(r, path.substr(10));
    if (!state) return error(404, i18n::tr("no such import (finished over ten minutes ago, or the studio restarted)"));
    Response res;
    res.body = std::move(*state);
    return res;
  }
  if (is_upload(r)) return error(400, i18n::tr("send the file itself as the request's body"));
  if (path.rfind("/api/recordings/", 0) == 0 && r.method == "GET") return recording_state(*who, path.substr(16));
  return error(404, "no such page");
}

}  // namespace crosstalk::studio
