// /api/episodes…: the list (filtered, paged), one episode, its audio, and
// the changes — each a publisher:: call under the show lock.
#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <fstream>

#include "api_util.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/audit.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/server/static_files.hpp"
#include "episodes_api.hpp"

namespace fs = boost::filesystem;
using nlohmann::json;

namespace crosstalk::studio::detail {

namespace {

// A host may see and change their own drafts; comms everything.
Result<void> may_edit(const Identity& who, const feed::Episode& e) {
  if (is_comms(who)) return {};
  if (e.recorded_by != who.member.name)
    return bad_input(i18n::tr("episode {1} is not yours to change; ask comms", e.number));
  if (e.state != feed::State::Draft)
    return bad_input(i18n::tr("episode {1} is {2} already; only comms can change it now", e.number,
                              e.state == feed::State::Published ? i18n::tr("published") : i18n::tr("scheduled")));
  return {};
}

std::string read_part(const fs::path& path, std::uint64_t first, std::uint64_t length) {
  std::ifstream in(path.string(), std::ios::binary);
  std::string out(length, '\0');
  in.seekg(static_cast<std::streamoff>(first));
  in.read(out.data(), static_cast<std::streamsize>(length));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

Response audio(const Request& r, const publisher::ShowFolder& folder, const feed::Episode& e, bool mp3) {
  const fs::path path = mp3 ? folder.mp3(e) : folder.audio(e);
  boost::system::error_code ec;
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec) return error(404, "episode " + std::to_string(e.number) + " has no " + (mp3 ? "MP3" : "Opus") + " file");
  // The player asks for ranges; an open range is answered in parts of at
  // most 4 MiB (a 206 shorter than asked, as HTTP allows).
  server::ByteRange range{0, size ? size - 1 : 0};
  Response res;
  res.content_type = mp3 ? "audio/mpeg" : "audio/ogg";
  res.headers.push_back({"Accept-Ranges", "bytes"});
  const auto kind = r.range.empty() ? server::RangeKind::None : server::parse_range(r.range, size, range);
  if (kind == server::RangeKind::Unsatisfiable) {
    res.status = 416;
    res.headers.push_back({"Content-Range", "bytes */" + std::to_string(size)});
    return res;
  }
  if (kind == server::RangeKind::Satisfiable) {
    range.last = std::min(range.last, range.first + (4u << 20) - 1);
    res.status = 206;
    res.headers.push_back({"Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) +
                                                "/" + std::to_string(size)});
    res.body = read_part(path, range.first, range.last - range.first + 1);
  } else {
    res.body = read_part(path, 0, size);
  }
  return res;
}

Response list(const Request& r, const publisher::ShowFolder& folder, const std::string& language, Versions& versions) {
  auto episodes = publisher::load_library(folder);
  if (!episodes) return from_error(episodes.error());
  const std::string query = r.target.find('?') == std::string::npos ? "" : r.target.substr(r.target.find('?') + 1);
  const std::string state = query_value(query, "state"), department = query_value(query, "department");
  const int page = parse_number(query_value(query, "page")).value_or(1);
  const int per = std::min(500, parse_number(query_value(query, "per")).value_or(50));
  json items = json::array();
  int total = 0;
  for (auto it = episodes->rbegin(); it != episodes->rend(); ++it) {  // newest first
    if (!state.empty() && feed::to_string(it->state) != state) continue;
    if (!department.empty() && it->department != department) continue;
    if (total >= (page - 1) * per && total < page * per) {
      versions.remember(*it);
      items.push_back(episode_object(*it, folder.show));
    }
    ++total;
  }
  return json_response(200, {{"total", total},
                             {"page", page},
                             {"per", per},
                             {"timezone", folder.show.timezone},
                             {"zoneLabel", feed::zone_label(folder.show.timezone, language)},
                             {"episodes", items}});
}

// 409: what changed between the version the page had and the episode now,
// and who changed it last (the audit log).
Response conflict(const feed::Episode& now, const std::optional<feed::Episode>& then,
                  const publisher::ShowFolder& folder) {
  json changed = json::object();
  if (then)
    for (const auto& c : publisher::episode_changes(&*then, &now, folder.show))
      changed[c.field] = {{"was", c.before}, {"now", c.after}};
  std::string what, who;
  for (auto& [k, v] : changed.items()) what += (what.empty() ? "" : ", ") + k;
  if (auto recent = publisher::recent_audit(folder, 200))
    for (const auto& e : *recent)
      if (e.episode == now.number) {
        who = e.who;
        break;
      }
  Response res = json_response(
      409, {{"error", i18n::tr("episode {1} was changed by {2} since you opened it{3}; reload it and make your change again",
                               now.number, who.empty() ? i18n::tr("someone else") : who,
                               what.empty() ? "" : " (" + what + ")")},
            {"changed", changed},
            {"by", who},
            {"version", version_of(now)}});
  return res;
}

}  // namespace

Response episodes_request(const Request& r, const Identity& who, std::string_view rest, const std::string& show_dir,
                          const std::string& language, Versions& versions) {
  auto folder = open_show_as(show_dir, who);
  if (!folder) return from_error(folder.error());
  if (rest.empty() || rest.front() == '?') {
    if (r.method != "GET") return error(405, "use GET");
    if (!is_comms(who)) return error(403, i18n::tr("the episode list is for comms"));
    return list(r, *folder, language, versions);
  }
  rest.remove_prefix(1);  // the '/' before the number
  const auto slash = rest.find('/');
  auto number = parse_number(rest.substr(0, std::min(slash, rest.find('?'))));
  std::string action = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  const std::string query = action.find('?') == std::string::npos ? "" : action.substr(action.find('?') + 1);
  action = action.substr(0, action.find('?'));
  if (!number) return error(404, i18n::tr("no such episode"));
  const std::string ref = std::to_string(*number);
  auto answer = [&](const Result<feed::Episode>& e) {
    if (!e) return from_error(e.error());
    versions.remember(*e);
    Response res = json_response(200, episode_object(*e, folder->show));
    res.headers.push_back({"ETag", "\"" + version_of(*e) + "\""});
    return res;
  };

  if (r.method == "POST" && action.empty()) {  // edit: a host their own drafts, comms any
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return error(400, i18n::tr("send the fields to change as a JSON object"));
    publisher::EditOptions o;
    for (auto [key, field] : {std::pair{"title", &o.title}, {"description", &o.description}, {"host", &o.host}, {"note", &o.note}}) {
      if (!body.contains(key)) continue;
      if (!body[key].is_string()) return error(400, i18n::tr("{1} must be text", key));
      *field = body[key].get<std::string>();
    }
    if (body.contains("department")) {
      if (!body["department"].is_string()) return error(400, i18n::tr("{1} must be text", "department"));
      o.department = body["department"].get<std::string>();
      o.turns = body.value("outOfTurn", false) ? publisher::Turns::AllowOutOfTurn : publisher::Turns::Enforce;
      // Asked before anything changes, as import does: the page confirms, then sends outOfTurn.
      auto episodes = publisher::load_library(*folder);
      if (!episodes) return from_error(episodes.error());
      if (auto t = publisher::check_turn_at(folder->show, *episodes, *number, *o.department, o.turns);
          !t && folder->show.department(*o.department))
        return json_response(409, {{"error", t.error().message}, {"code", "turn"}});
    }
    if (body.contains("chapters")) {
      if (!body["chapters"].is_array()) return error(400, i18n::tr("chapters must be a list of titles"));
      o.chapter_titles.emplace();
      for (const auto& t : body["chapters"]) {
        if (!t.is_string()) return error(400, i18n::tr("chapters must be a list of titles"));
        o.chapter_titles->push_back(t.get<std::string>());
      }
    }
    std::string if_match = r.if_match;
    if_match.erase(std::remove(if_match.begin(), if_match.end(), '"'), if_match.end());
    enum class Refusal { None, Rule, Conflict } refused = Refusal::None;
    std::optional<feed::Episode> current;
    o.allowed = [&](const feed::Episode& e) -> Result<void> {
      if (auto ok = may_edit(who, e); !ok) {
        refused = Refusal::Rule;
        return ok;
      }
      if (!if_match.empty() && if_match != version_of(e)) {
        refused = Refusal::Conflict;
        current = e;
        return failure("changed since");
      }
      return {};
    };
    auto e = publisher::edit_episode(*folder, ref, o);
    if (!e && refused == Refusal::Rule) return error(403, e.error().message);
    if (!e && refused == Refusal::Conflict) return conflict(*current, versions.find(if_match), *folder);
    return answer(e);
  }
  if (r.method == "POST" || r.method == "DELETE") {  // comms' actions
    if (!is_comms(who)) return error(403, i18n::tr("only comms can do this"));
    if (r.method == "DELETE" && action.empty()) {
      auto e = publisher::delete_episode(*folder, ref);
      if (!e) {  // refused because it is not a draft (any more): 409
        auto episodes = publisher::load_library(*folder);
        const bool not_draft = e.error().kind == ErrorKind::BadInput && episodes &&
                               std::any_of(episodes->begin(), episodes->end(), [&](const feed::Episode& x) {
                                 return x.number == *number && x.state != feed::State::Draft;
                               });
        return not_draft ? error(409, e.error().message) : from_error(e.error());
      }
      Response res;
      res.status = 204;
      return res;
    }
    auto changed = [&](const Result<publisher::StateChange>& c) -> Response {
      if (!c) return from_error(c.error());
      return answer(c->episode);
    };
    if (r.method == "POST" && action == "publish") return changed(publisher::publish_episode(*folder, ref, feed::now()));
    if (r.method == "POST" && action == "unpublish") return changed(publisher::unpublish_episode(*folder, ref));
    if (r.method == "POST" && action == "schedule") {
      json body = json::parse(r.body, nullptr, false);
      if (body.is_discarded() || !body.contains("at") || !body["at"].is_string())
        return error(400, i18n::tr("send {\"at\": \"2026-12-01T10:00\"} (the show's time zone)"));
      const std::string at = body["at"].get<std::string>();
      auto when = feed::parse_time(at, folder->show.timezone);
      if (!when) return from_error(when.error());
      if (*when <= feed::now())
        return error(400, i18n::tr("{1} has passed already ({2}); pick a later time, or publish now", at,
                                   feed::zone_label(folder->show.timezone, language)));
      auto s = publisher::schedule_episode(*folder, ref, at, feed::now());
      if (!s) return from_error(s.error());
      return answer(s->episode);
    }
    return error(404, "no such action");
  }
  if (r.method != "GET") return error(405, "use GET");
  auto episodes = publisher::load_library(*folder);
  if (!episodes) return from_error(episodes.error());
  auto found = publisher::find_episode(*episodes, ref);
  if (!found) return error(404, i18n::tr("no episode {1}", ref));
  const feed::Episode& e = **found;
  if (!is_comms(who) && e.recorded_by != who.member.name) return error(403, i18n::tr("episode {1} is not yours", ref));
  if (action.empty()) return answer(e);
  if (action == "audio") return audio(r, *folder, e, query_value(query, "format") == "mp3");
  if (action == "preview") {
    std::string date = e.published_at ? feed::format_local(*e.published_at, folder->show.timezone)
                       : e.publish_at ? feed::format_local(*e.publish_at, folder->show.timezone)
                                      : feed::format_local(feed::now(), folder->show.timezone);
    return json_response(200, {{"show", folder->show.title},
                               {"title", e.title},
                               {"description", e.description},
                               {"cover", folder->show.cover.empty() ? json(nullptr) : json("/api/cover")},
                               {"duration", e.duration_seconds},
                               {"date", date.substr(0, 16)},
                               {"department", e.department},
                               {"host", e.host}});
  }
  return error(404, "no such resource");
}

}  // namespace crosstalk::studio::detail
