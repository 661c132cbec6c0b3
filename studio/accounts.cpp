// Sessions in memory (a restart signs everyone out: the link signs them in
// again), staff from staff.xml, CSRF tokens per session.
#include "crosstalk/studio/accounts.hpp"

#include <algorithm>
#include <cstdio>

#include "crosstalk/publisher/staff.hpp"
#include "crosstalk/util/token.hpp"

namespace crosstalk::studio {

namespace {
constexpr const char* kCookie = "ct_session";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    std::string_view pair = trim(header.substr(0, end));
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

Accounts::Accounts(publisher::ShowFolder folder, AccountOptions options)
    : folder_(std::move(folder)), options_(std::move(options)) {}

void Accounts::refresh() {
  auto stamp = util::platform::stat_stamp(publisher::staff_file(folder_));
  if (loaded_ && stamp == stamp_) return;
  stamp_ = stamp;
  loaded_ = true;
  auto list = publisher::list_staff(folder_);
  if (!list) {  // fail closed: nobody gets in until it is fixed
    std::fprintf(stderr, "crosstalk studio: %s (nobody can sign in until it is fixed)\n", list.error().message.c_str());
    staff_.clear();
    return;
  }
  staff_ = std::move(*list);
}

const feed::StaffMember* Accounts::find_by_hash(const std::string& hash) const {
  for (const auto& s : staff_)
    if (s.token_sha256 == hash) return &s;
  return nullptr;
}

std::optional<std::string> Accounts::sign_in(std::string_view token) {
  if (token.size() != 64 || token.find_first_not_of("0123456789abcdef") != std::string_view::npos) return std::nullopt;
  std::lock_guard lock(mutex_);
  refresh();
  const std::string hash = util::sha256_hex(token);
  if (!find_by_hash(hash)) return std::nullopt;
  auto session = util::random_token(32);
  auto csrf = util::random_token(32);
  if (!session || !csrf) return std::nullopt;
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(sessions_, [&](const auto& s) { return s.second.expires <= now; });
  sessions_[*session] = Session{hash, *csrf, now + options_.session_length};
  return *session;
}

std::optional<Identity> Accounts::identify(const Credentials& c) {
  std::lock_guard lock(mutex_);
  refresh();
  if (!options_.user_header.empty() && !c.user_header.empty() &&
      std::find(options_.trusted_proxies.begin(), options_.trusted_proxies.end(), c.peer) != options_.trusted_proxies.end()) {
    const std::string_view user = trim(c.user_header);
    for (const auto& s : staff_)
      if (!user.empty() && (s.name == user || (!s.email.empty() && s.email == user))) {
        std::string& csrf = header_csrf_[s.token_sha256];
        if (csrf.empty())
          if (auto t = util::random_token(32)) csrf = *t;
        return Identity{s, "", csrf};
      }
    return std::nullopt;
  }
  const std::string session(cookie_value(c.cookie_header, kCookie));
  auto it = sessions_.find(session);
  if (session.empty() || it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= std::chrono::steady_clock::now()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  const feed::StaffMember* member = find_by_hash(it->second.token_sha256);
  if (!member) {  // revoked
    sessions_.erase(it);
    return std::nullopt;
  }
  return Identity{*member, session, it->second.csrf};
}

bool Accounts::still_there(const std::string& token_sha256) {
  std::lock_guard lock(mutex_);
  refresh();
  return find_by_hash(token_sha256) != nullptr;
}

void Accounts::sign_out(const std::string& session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

std::string Accounts::cookie(const std::string& session) const {
  return std::string(kCookie) + "=" + session + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(options_.session_length.count()) + (options_.secure_cookie ? "; Secure" : "");
}

std::string Accounts::cleared_cookie() const {
  return std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
         (options_.secure_cookie ? "; Secure" : "");
}

}  // namespace crosstalk::studio
