// The access-log line both `crosstalk serve` and the nginx snippet write
// (docs/stats.md "The access log"): one request per line, what counting
// listens needs and never a token:
//
//   TIME CLIENT "SUBSCRIBER" STATUS BYTES METHOD "PATH" "RANGE" "USER-AGENT"
//   2026-11-29T10:56:28+00:00 10.1.2.3 "-" 206 960000 GET "/episodes/0001-sales.opus" "bytes=0-"
//   "AntennaPod/3.4"
//
// TIME is ISO 8601 with its offset; CLIENT the address or "h:" + a keyed
// hash of it (<stats client="hash">); SUBSCRIBER "-" or the short id of a
// private show's subscriber (subscriber_log_id); BYTES the body bytes
// actually sent; PATH with tokens redacted; RANGE the Range header asked
// ("" when none). Quoted fields escape '"', '\' and control bytes as JSON
// does (nginx's escape=json); other bytes (UTF-8) as they are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crosstalk/error.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

struct AccessLine {
  std::int64_t time = 0;  // UTC seconds
  std::string client;     // as logged: client_for_log()
  std::string subscriber = "-";
  unsigned status = 0;
  std::uint64_t bytes = 0;
  std::string method, path, range, user_agent;
};

std::string format_access_line(const AccessLine& line);

// JSON's string escaping of `text` (no quotes around it), as nginx's escape=json.
std::string escape_log_field(std::string_view text);

// The id a subscriber is logged under: the first 12 hex digits of the
// token's stored SHA-256 (never the token; 48 bits name one among thousands).
std::string subscriber_log_id(std::string_view token_sha256);

// The client as logged: its address, or with a key "h:" + 16 hex digits of
// HMAC-SHA-256(key, address), IPv6 cut to its /64 first (one listener's
// addresses hash alike, as the measurement guidelines count them).
std::string client_for_log(std::string_view address, std::string_view key);

// The show's key for hashing client addresses (.stats-key, 32 random bytes
// as hex, made on first use), or "" when show.xml does not ask for hashes.
boost::filesystem::path stats_key_file(const ShowFolder& folder);
Result<std::string> client_hash_key(const ShowFolder& folder);

}  // namespace crosstalk::publisher
