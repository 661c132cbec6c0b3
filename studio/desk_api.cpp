// /api/timeline, /api/subscribers, /api/staff, /api/cover (comms only).
#include "desk_api.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/feed/render.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/audit.hpp"
#include "crosstalk/publisher/staff.hpp"
#include "crosstalk/publisher/subscribers.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/util/image_info.hpp"

using nlohmann::json;

namespace crosstalk::studio::detail {

namespace {

std::string local_date(feed::Time t, const std::string& zone) { return feed::format_local(t, zone).substr(0, 10); }

Response timeline(const std::string& query, const publisher::ShowFolder& folder, const std::string& language) {
  auto episodes = publisher::load_library(folder);
  if (!episodes) return from_error(episodes.error());
  const int days = std::min(120, parse_number(query_value(query, "days")).value_or(28));
  const auto turn = publisher::whose_turn(folder.show, *episodes);
  const feed::Department* next = folder.show.department(turn.next);
  static const char* ru_days[] = {"вс", "пн", "вт", "ср", "чт", "пт", "сб"};
  static const char* en_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  json out_days = json::array();
  // From today's local noon in steps of 24 h: a DST change moves noon by an
  // hour, never to another date.
  auto noon = feed::parse_time(local_date(feed::now(), folder.show.timezone) + "T12:00", folder.show.timezone);
  if (!noon) return from_error(noon.error());
  for (int d = 0; d < days; ++d) {
    const feed::Time t = *noon + std::chrono::hours(24 * d);
    const std::string date = local_date(t, folder.show.timezone);
    int y = 0;
    unsigned m = 0, dd = 0;
    std::sscanf(date.c_str(), "%d-%u-%u", &y, &m, &dd);
    const std::chrono::weekday wd{std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{dd}}};
    json items = json::array();
    for (const auto& e : *episodes)
      if (e.state == feed::State::Scheduled && e.publish_at && local_date(*e.publish_at, folder.show.timezone) == date)
        items.push_back({{"number", e.number},
                         {"department", e.department},
                         {"title", e.title},
                         {"time", feed::format_local(*e.publish_at, folder.show.timezone).substr(11, 5)}});
    out_days.push_back({{"date", date},
                        {"weekday", (language == "ru" ? ru_days : en_days)[wd.c_encoding()]},
                        {"episodes", items}});
  }
  return json_response(200, {{"next",
                              {{"next", turn.next},
                               {"label", next ? next->name : turn.next},
                               {"number", publisher::highest_number(folder, *episodes) + 1}}},
                             {"zoneLabel", feed::zone_label(folder.show.timezone, language)},
                             {"days", out_days}});
}

Response people(const Request& r, const std::string& path, const publisher::ShowFolder& folder) {
  const bool staff = path.rfind("/api/staff", 0) == 0;
  const std::string base = staff ? "/api/staff" : "/api/subscribers";
  const std::string name = path.size() > base.size() + 1 ? url_decode(path.substr(base.size() + 1)) : "";
  if (r.method == "GET" && name.empty()) {
    json list = json::array();
    if (staff) {
      auto s = publisher::list_staff(folder);
      if (!s) return from_error(s.error());
      for (const auto& m : *s)
        list.push_back({{"name", m.name},
                        {"role", std::string(feed::to_string(m.role))},
                        {"department", m.department},
                        {"email", m.email},
                        {"added", feed::format_local(m.added, folder.show.timezone)}});
      return json_response(200, {{"staff", list}});
    }
    auto s = publisher::list_subscribers(folder);
    if (!s) return from_error(s.error());
    for (const auto& m : *s)
      list.push_back({{"name", m.name}, {"department", m.department}, {"added", feed::format_local(m.added, folder.show.timezone)}});
    return json_response(200, {{"private", folder.show.private_feeds}, {"subscribers", list}});
  }
  if (r.method == "POST" && name.empty()) {
    json body = json::parse(r.body, nullptr, false);
    auto text = [&body](const char* key) {
      return body.is_object() && body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : std::string();
    };
    if (staff) {
      const std::string role = text("role");
      if (role != "host" && role != "comms") return error(400, i18n::tr("role must be host or comms"));
      auto added = publisher::add_staff(folder, text("name"), role == "comms" ? feed::Role::Comms : feed::Role::Host,
                                        text("department"), text("email"), feed::now());
      if (!added) return from_error(added.error());
      return json_response(200, {{"name", added->member.name},
                                 {"signinUrl", added->signin_url},
                                 {"qrSvg", feed::qr_svg(added->signin_url, added->member.name)}});
    }
    auto added = publisher::add_subscriber(folder, text("name"), feed::now(), text("department"));
    if (!added) return from_error(added.error());
    const std::string base_url = added->page_url;
    return json_response(200, {{"name", added->subscriber.name},
                               {"feedUrl", added->feed_url},
                               {"pageUrl", added->page_url},
                               {"mp3FeedUrl", base_url + "feed-mp3.xml"},
                               {"qrSvg", feed::qr_svg(added->feed_url, added->subscriber.name)}});
  }
  if (r.method == "DELETE" && !name.empty()) {
    auto done = staff ? publisher::revoke_staff(folder, name) : publisher::revoke_subscriber(folder, name);
    if (!done) return from_error(done.error());
    Response res;
    res.status = 204;
    return res;
  }
  return error(405, "use GET, POST or DELETE");
}

// The newest entries of the show's audit log (desk and CLI alike).
Response audit_log(const std::string& query, const publisher::ShowFolder& folder) {
  const int count = std::clamp(parse_number(query_value(query, "count")).value_or(50), 1, 500);
  auto entries = publisher::recent_audit(folder, static_cast<std::size_t>(count));
  if (!entries) return from_error(entries.error());
  json list = json::array();
  for (const auto& e : *entries) {
    json changes = json::array();
    for (const auto& c : e.changes) changes.push_back({{"field", c.field}, {"before", c.before}, {"after", c.after}});
    auto at = feed::parse_time(e.at, "UTC");
    list.push_back({{"at", at ? feed::format_local(*at, folder.show.timezone) : e.at},
                    {"who", e.who},
                    {"action", e.action},
                    {"episode", e.episode},
                    {"subject", e.subject},
                    {"changes", changes}});
  }
  return json_response(200, {{"entries", list}});
}

Response cover(const publisher::ShowFolder& folder) {
  if (folder.show.cover.empty()) return error(404, i18n::tr("the show has no cover"));
  std::ifstream in((folder.root / folder.show.cover).string(), std::ios::binary);
  if (!in) return error(404, i18n::tr("the cover file is missing"));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  Response res;
  res.content_type = folder.show.cover.ends_with(".png") ? "image/png" : "image/jpeg";
  res.body = bytes.str();
  res.headers.push_back({"Cache-Control", "no-cache"});
  return res;
}

}  // namespace

std::optional<Response> desk_request(const Request& r, const Identity& who, const std::string& path,
                                     const std::string& show_dir, const std::string& language) {
  const bool desk_path = path == "/api/timeline" || path == "/api/cover" || path == "/api/audit" || path.rfind("/api/subscribers", 0) == 0 ||
                         path.rfind("/api/staff", 0) == 0;
  if (!desk_path) return std::nullopt;
  if (!is_comms(who)) return error(403, i18n::tr("this is the comms desk's; hosts record at /"));
  auto folder = open_show_as(show_dir, who);
  if (!folder) return from_error(folder.error());
  const std::string query = r.target.find('?') == std::string::npos ? "" : r.target.substr(r.target.find('?') + 1);
  if (path == "/api/timeline") return timeline(query, *folder, language);
  if (path == "/api/cover") return cover(*folder);
  if (path == "/api/audit") return r.method == "GET" ? audit_log(query, *folder) : error(405, "use GET");
  return people(r, path, *folder);
}

}  // namespace crosstalk::studio::detail
