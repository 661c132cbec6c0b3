// Who is asking the studio: a session cookie set by a personal sign-in link,
// or — for companies with single sign-on at their reverse proxy — a trusted
// header (e.g. X-Remote-User) accepted only from the configured proxy
// addresses. Every request looks the person up in staff.xml again (re-read
// when it changes), so `staff revoke` counts at their next request.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::studio {

struct AccountOptions {
  std::vector<std::string> trusted_proxies;  // peer addresses allowed to send user_header
  std::string user_header;                   // "" : single sign-on off
  bool secure_cookie = false;                // under TLS (or behind a TLS proxy)
  std::chrono::seconds session_length{12 * 3600};
};

struct Identity {
  feed::StaffMember member;
  std::string session;  // the cookie's value ("" for header sign-on)
  std::string csrf;     // what every state-changing request must carry
};

// What identify() looks at, taken from the request.
struct Credentials {
  std::string_view cookie_header;  // the whole Cookie: header
  std::string_view user_header;    // the single-sign-on header's value, if sent
  std::string_view peer;           // the TCP peer's address
};

class Accounts {
 public:
  Accounts(publisher::ShowFolder folder, AccountOptions options);

  // A sign-in link's token → a new session (the cookie's value), or empty
  // for an unknown or revoked token.
  std::optional<std::string> sign_in(std::string_view token);
  std::optional<Identity> identify(const Credentials& credentials);
  void sign_out(const std::string& session);
  // Whether the staff member with this token hash is still there (not revoked).
  bool still_there(const std::string& token_sha256);

  // Set-Cookie values: the session, and one that clears it.
  std::string cookie(const std::string& session) const;
  std::string cleared_cookie() const;
  const AccountOptions& options() const { return options_; }

 private:
  struct Session {
    std::string token_sha256;
    std::string csrf;
    std::chrono::steady_clock::time_point expires;
  };
  const feed::StaffMember* find_by_hash(const std::string& hash) const;  // with mutex_ held
  void refresh();  // with mutex_ held

  std::mutex mutex_;
  publisher::ShowFolder folder_;
  AccountOptions options_;
  std::optional<util::platform::FileStamp> stamp_;
  bool loaded_ = false;
  std::vector<feed::StaffMember> staff_;
  std::unordered_map<std::string, Session> sessions_;
  std::unordered_map<std::string, std::string> header_csrf_;  // staff token hash → csrf, for header sign-on
};

// The value of cookie `name` in a Cookie: header, or empty.
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace crosstalk::studio
