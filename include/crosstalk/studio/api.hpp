// The studio's HTTP answers, decided without network code (docs/studio-protocol.md):
// the pages and their assets, sign-in, and the JSON API. The listener turns
// a Beast request into a Request and sends the Response back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/studio/accounts.hpp"
#include "crosstalk/studio/recordings.hpp"

namespace crosstalk::studio {

namespace detail {
class Versions;
class ImportJobs;
}

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // origin form: "/api/me"
  std::string body;
  std::string cookie, user_header, origin, host, csrf, accept_language, range, content_type, if_match;
  std::string peer;  // the TCP peer's address
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// An upload the desk may send (POST /api/import): where its body goes.
struct Upload {
  std::string file;            // a new file under <show>/.uploads/
  std::uint64_t length = 0;    // Content-Length
};

class Api {
 public:
  Api(std::string show_dir, Accounts& accounts, Recordings& recordings);
  ~Api();

  Response handle(const Request& request);

  // The desk's import by upload, in two steps so that the file streams to
  // disk and is never held in memory: `begin_upload` decides from the
  // request's header alone (sign-in, role, CSRF, size, title, turn) and
  // says where the body goes — or answers at once; `finish_upload`, once
  // the body is on disk (or not: `complete` false), starts the import.
  static bool is_upload(const Request& request);
  std::variant<Response, Upload> begin_upload(const Request& request, std::optional<std::uint64_t> length);
  Response finish_upload(const Request& request, const Upload& upload, bool complete);
  // An import's state as JSON (GET /api/jobs/ID and its event stream); nullopt: 404.
  std::optional<std::string> job_state(const Request& request, const std::string& id);

  // For the recording socket's upgrade: who is asking (nullopt: 401), and
  // whether the page that opened it is the studio's own (else 403).
  std::optional<Identity> identify(const Request& request);
  // With `https_only` (TLS, or a Secure cookie behind a TLS proxy), an
  // http:// page of the same host is another origin too.
  static bool same_origin(const Request& request, bool https_only = false);
  bool same_origin_here(const Request& request) const {
    return same_origin(request, accounts_.options().secure_cookie);
  }
  Accounts& accounts() { return accounts_; }
  // "ru" or "en" from Accept-Language (Russian unless English comes first).
  static std::string language(std::string_view accept_language);
  const std::string& show_dir() const { return show_dir_; }

 private:
  Response page(const std::string& asset, const std::string& language, int status = 200);
  Response sign_in(const Request& request);
  Response me(const Identity& who);
  Response turn(const Identity& who);
  Response recording_state(const Identity& who, const std::string& id);

  std::string show_dir_;
  Accounts& accounts_;
  Recordings& recordings_;
  std::unique_ptr<detail::Versions> versions_;
  std::unique_ptr<detail::ImportJobs> jobs_;  // what each handed-out version was (409s say what changed)
};

// An episode as the page sees it (docs/studio-protocol.md).
std::string episode_json(const feed::Episode& e);

}  // namespace crosstalk::studio
