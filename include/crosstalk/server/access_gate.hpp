// Who may fetch what from a private show: requests name /s/<token>/<file>;
// the token's SHA-256 must be in subscribers.xml. The gate re-reads show.xml
// and subscribers.xml whenever they change on disk (one stat each per
// request), so `subscribers revoke` and switching <private> take effect at
// the next request, without a restart.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::server {

struct Access {
  bool allowed = false;
  std::string path;  // the target to look up under public/ (token taken out)
  // When set: feeds are sent with every `from` replaced by `to`, so each URL
  // in the person's feed carries their token.
  std::string from, to;
  // A private show's page: this person's subscribe section (their feed
  // URLs and QR codes), in place of feed::kSubscribeMarker.
  std::string subscribe_html;
  // A private show's root (/) without a token: the page that says so
  // (feed::render_private_root), answered in place of a 404.
  std::string private_root_html;
  // For the access log: the subscriber's short id (never the token), or "-".
  std::string subscriber = "-";
};

class AccessGate {
 public:
  explicit AccessGate(publisher::ShowFolder folder);

  Access decide(std::string_view target);
  // For nginx's auth_request: is the token in this original URI valid? If
  // so, the subscriber's id for the access log (publisher::subscriber_log_id).
  std::optional<std::string> allowed_uri(std::string_view original_uri);

 private:
  void refresh();  // with mutex_ held
  bool valid(std::string_view token);  // with mutex_ held

  std::mutex mutex_;
  publisher::ShowFolder folder_;
  std::optional<util::platform::FileStamp> show_stamp_, subscribers_stamp_;
  bool loaded_ = false;
  std::unordered_set<std::string> hashes_;
};

// The request target as it may appear in the access log: percent-decoded,
// every run of 16 or more hex digits (a token, or part of one) replaced.
std::string redact_for_log(std::string_view target);

// A subscriber's feed or page: every base URL made theirs — as written and
// as XML/HTML escape it (a base URL with '&' is "&amp;" there) — and the
// page's subscribe marker replaced by their section.
std::string personalise(std::string text, const Access& access);

// Replaces every occurrence of `from` in `text` with `to`.
std::string replace_all(std::string text, std::string_view from, std::string_view to);

}  // namespace crosstalk::server
