// Reading one access-log line (publisher/access_log.hpp's format, written by
// `crosstalk serve` and by nginx with the crosstalk log_format).
#pragma once

#include <cstdint>
#include <string_view>

namespace crosstalk::stats {

// Views into the line (quoted fields still escaped, without their quotes).
struct LogRecord {
  std::int64_t time = 0;                // UTC seconds
  std::string_view client, subscriber;  // subscriber: "" when none ("-" in the log)
  unsigned status = 0;
  std::uint64_t bytes = 0;
  std::string_view method, path, range, user_agent;
};

// False for a line in another format (serve's other messages, a torn line).
bool parse_line(std::string_view line, LogRecord& out);

// "2026-11-29T10:56:28+03:00" or "…Z" → UTC seconds; false when malformed.
bool parse_iso_time(std::string_view text, std::int64_t& out);

// The episode file a logged path asks for ("/episodes/0001-sales.opus" or
// "/s/[token]/episodes/0001-sales.opus" → "0001-sales.opus"), else "".
std::string_view episode_file_of(std::string_view path);

// The listener's key: the subscriber when there is one, else the client
// (IPv6 cut to its /64) and the user agent. The top bit says which.
std::uint64_t listener_key(const LogRecord& r);
// The client address alone (IPv6 cut to its /64; a hashed address as
// logged), never 0: what the volume rule counts per day.
std::uint64_t address_key(const LogRecord& r);
inline bool is_subscriber_key(std::uint64_t key) { return key >> 63; }
// The 12-hex-digit subscriber id → its key (0 when malformed).
std::uint64_t subscriber_key(std::string_view id);

// FNV-1a, 64 bits: stable across runs and builds (kept in the state file).
std::uint64_t fnv1a(std::string_view text, std::uint64_t seed = 14695981039346656037ull);

}  // namespace crosstalk::stats
