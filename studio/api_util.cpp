// JSON answers, query strings, episode versions.
#include "api_util.hpp"

#include <charconv>
#include <cmath>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/audit.hpp"
#include "crosstalk/server/static_files.hpp"
#include "crosstalk/util/token.hpp"

using nlohmann::json;

namespace crosstalk::studio::detail {

Result<publisher::ShowFolder> open_show_as(const std::string& show_dir, const Identity& who) {
  auto folder = publisher::open_show(show_dir);
  if (folder) folder->actor = publisher::studio_actor(who.member.name);
  return folder;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Response json_response(int status, const json& j) {
  Response r;
  r.status = status;
  r.body = dump(j);
  return r;
}

Response error(int status, const std::string& message) { return json_response(status, {{"error", message}}); }

Response from_error(const Error& e) { return error(e.kind == ErrorKind::BadInput ? 400 : 500, e.message); }

std::optional<int> parse_number(std::string_view s) {
  int n = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || n <= 0) return std::nullopt;
  return n;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && server::hex_value(s[i + 1]) >= 0 && server::hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(server::hex_value(s[i + 1]) * 16 + server::hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    auto end = query.find('&');
    std::string_view pair = query.substr(0, end);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return {};
}

std::string version_of(const feed::Episode& e) { return util::sha256_hex(feed::episode_to_xml(e)).substr(0, 16); }

json episode_object(const feed::Episode& e, const feed::Show& show) {
  json j = json::parse(episode_json(e));
  auto utc = [](const std::optional<feed::Time>& t) { return t ? json(feed::format_utc(*t)) : json(nullptr); };
  auto local = [&show](const std::optional<feed::Time>& t) {
    return t ? json(feed::format_local(*t, show.timezone).substr(0, 16)) : json(nullptr);
  };
  j["version"] = version_of(e);
  j["recordedAt"] = feed::format_utc(e.recorded_at);
  j["publishAt"] = utc(e.publish_at);
  j["publishedAt"] = utc(e.published_at);
  j["local"] = {{"recordedAt", local(e.recorded_at)}, {"publishAt", local(e.publish_at)}, {"publishedAt", local(e.published_at)}};
  return j;
}

void Versions::remember(const feed::Episode& e) {
  const std::string v = version_of(e);
  std::lock_guard lock(mutex_);
  if (by_version_.emplace(v, e).second) order_.push_back(v);
  while (order_.size() > 20000) {
    by_version_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<feed::Episode> Versions::find(const std::string& version) const {
  std::lock_guard lock(mutex_);
  auto it = by_version_.find(version);
  if (it == by_version_.end()) return std::nullopt;
  return it->second;
}

}  // namespace crosstalk::studio::detail
