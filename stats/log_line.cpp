// Parsing access-log lines, fast: a year of a company's log is millions of lines.
#include "crosstalk/stats/log_line.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <string>

namespace crosstalk::stats {

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The next space-separated field; false at the end of the line.
bool word(std::string_view& rest, std::string_view& out) {
  if (rest.empty()) return false;
  const auto sp = rest.find(' ');
  out = rest.substr(0, sp);
  rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
  return !out.empty();
}

// The next "quoted" field (backslash escapes kept); false when malformed.
// Quotes and backslashes are found with memchr (libc's, many bytes at a
// time: a user agent is a hundred characters): the first quote not after a
// backslash's escaped byte closes the field. Each byte is looked at once or
// twice, however many backslashes a hostile line holds.
bool quoted(std::string_view& rest, std::string_view& out) {
  if (rest.size() < 2 || rest[0] != '"') return false;
  std::size_t i = 1, quote = rest.find('"', 1);
  for (;;) {
    if (quote == std::string_view::npos) return false;
    const std::size_t escape = rest.substr(0, quote).find('\\', i);
    if (escape == std::string_view::npos) {
      i = quote;
      break;
    }
    i = escape + 2;  // past the escaped byte, whatever it is
    if (i > quote) quote = rest.find('"', i);
  }
  out = rest.substr(1, i - 1);
  rest = rest.substr(i + 1);
  if (!rest.empty()) {
    if (rest[0] != ' ') return false;
    rest.remove_prefix(1);
  }
  return true;
}

template <class T>
bool number(std::string_view s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::uint64_t fnv1a(std::string_view text, std::uint64_t h) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool parse_iso_time(std::string_view s, std::int64_t& out) {
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return false;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
      !digits(s, 14, 2, mi) || !digits(s, 17, 2, se))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.')  // fractions of a second
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9';) ++at;
  std::int64_t offset = 0;
  const std::string_view zone = s.substr(at);
  if (zone == "Z") {
    offset = 0;
  } else {
    int oh, om;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
        !digits(zone, 1, 2, oh) || !digits(zone, 4, 2, om))
      return false;
    offset = (oh * 3600 + om * 60) * (zone[0] == '-' ? -1 : 1);
  }
  out = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
        mi * 60 + se - offset;
  return true;
}

bool parse_line(std::string_view line, LogRecord& r) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view rest = line, time, status, bytes;
  if (!word(rest, time) || !parse_iso_time(time, r.time)) return false;
  if (!word(rest, r.client)) return false;
  if (!quoted(rest, r.subscriber)) return false;
  if (r.subscriber == "-") r.subscriber = {};
  if (!word(rest, status) || !number(status, r.status)) return false;
  if (!word(rest, bytes)) return false;
  if (bytes == "-")
    r.bytes = 0;
  else if (!number(bytes, r.bytes))
    return false;
  if (!word(rest, r.method)) return false;
  if (!quoted(rest, r.path) || !quoted(rest, r.range) || !quoted(rest, r.user_agent)) return false;
  return rest.empty();
}

std::string_view episode_file_of(std::string_view path) {
  constexpr std::string_view kToken = "/s/[token]";
  if (path.starts_with(kToken)) path.remove_prefix(kToken.size());
  constexpr std::string_view kEpisodes = "/episodes/";
  if (!path.starts_with(kEpisodes)) return {};
  path.remove_prefix(kEpisodes.size());
  if (path.find('/') != std::string_view::npos) return {};
  if (!path.ends_with(".opus") && !path.ends_with(".mp3")) return {};
  return path;
}

std::uint64_t subscriber_key(std::string_view id) {
  if (id.size() != 12) return 0;
  std::uint64_t v = 0;
  for (char c : id) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return 0;
    v = v << 4 | static_cast<unsigned>(d);
  }
  return v | 1ull << 63;
}

namespace {
// FNV-1a of the client, an IPv6 address cut to its /64.
std::uint64_t client_hash(std::string_view client) {
  std::string cut;
  if (client.find(':') != std::string_view::npos && !client.starts_with("h:")) {  // IPv6: its /64
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address_v6(std::string(client), ec);
    if (!ec) {
      auto b = a.to_bytes();
      for (std::size_t i = 8; i < b.size(); ++i) b[i] = 0;
      cut = boost::asio::ip::address_v6(b).to_string();
      client = cut;
    }
  }
  return fnv1a(client);
}
}  // namespace

std::uint64_t address_key(const LogRecord& r) {
  const std::uint64_t h = client_hash(r.client);
  return h ? h : 1;
}

std::uint64_t listener_key(const LogRecord& r) {
  if (!r.subscriber.empty())
    if (auto k = subscriber_key(r.subscriber)) return k;
  std::uint64_t h = client_hash(r.client);
  h = fnv1a("\x1f", h);
  h = fnv1a(r.user_agent, h);
  return h & ~(1ull << 63);
}

}  // namespace crosstalk::stats
