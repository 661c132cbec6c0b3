// What the studio's API files share: JSON answers and errors, roles, and
// the episode versions behind 409 Conflict. Internal to crosstalk::studio.
#pragma once

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/studio/api.hpp"

namespace crosstalk::studio::detail {

std::string dump(const nlohmann::json& j);
Response json_response(int status, const nlohmann::json& j);
Response error(int status, const std::string& message);
Response from_error(const Error& e);  // BadInput → 400, else 500
// The show, with changes written to the audit log under `who`'s name.
Result<publisher::ShowFolder> open_show_as(const std::string& show_dir, const Identity& who);
inline bool is_comms(const Identity& who) { return who.member.role == feed::Role::Comms; }
std::optional<int> parse_number(std::string_view s);
// "a%20b+c" → "a b c" (a query value or a path part).
std::string url_decode(std::string_view s);
// The value of `key` in a query string "a=1&b=2", decoded; empty if absent.
std::string query_value(std::string_view query, std::string_view key);

// The episode as the page sees it, with its version.
nlohmann::json episode_object(const feed::Episode& e, const feed::Show& show);
std::string version_of(const feed::Episode& e);  // a hash of its sidecar as written

// Episodes as they were when a version was handed out, so a 409 can say
// what changed since (bounded; a restart forgets).
class Versions {
 public:
  void remember(const feed::Episode& e);
  std::optional<feed::Episode> find(const std::string& version) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, feed::Episode> by_version_;
  std::deque<std::string> order_;
};

}  // namespace crosstalk::studio::detail
