// The access-log line (see the header and docs/stats.md).
#include "crosstalk/publisher/access_log.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/filesystem/operations.hpp>
#include <cstdio>
#include <ctime>

#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/read_file.hpp"
#include "crosstalk/util/token.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

std::string escape_log_field(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_access_line(const AccessLine& l) {
  const std::time_t t = static_cast<std::time_t>(l.time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char when[40];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  std::string out = when;
  out += ' ';
  out += l.client.empty() ? "-" : l.client;
  out += " \"" + escape_log_field(l.subscriber) + "\" ";
  out +=
      std::to_string(l.status) + ' ' + std::to_string(l.bytes) + ' ' + escape_log_field(l.method);
  out += " \"" + escape_log_field(l.path) + "\" \"" + escape_log_field(l.range) + "\" \"" +
         escape_log_field(l.user_agent) + '"';
  return out;
}

std::string subscriber_log_id(std::string_view token_sha256) {
  return std::string(token_sha256.substr(0, 12));
}

std::string client_for_log(std::string_view address, std::string_view key) {
  if (key.empty()) return std::string(address);
  std::string what(address);
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(what, ec);
  if (!ec && a.is_v6() && !a.to_v6().is_v4_mapped()) {
    auto bytes = a.to_v6().to_bytes();
    for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
    what = boost::asio::ip::address_v6(bytes).to_string() + "/64";
  } else if (!ec && a.is_v6()) {
    what = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).to_string();
  }
  return "h:" + util::hmac_sha256_hex(key, what).substr(0, 16);
}

fs::path stats_key_file(const ShowFolder& folder) { return folder.root / ".stats-key"; }

Result<std::string> client_hash_key(const ShowFolder& folder) {
  if (!folder.show.stats_hash_clients) return std::string();
  const fs::path path = stats_key_file(folder);
  boost::system::error_code ec;
  if (fs::exists(path, ec)) {
    auto text = util::read_file(path);
    if (!text) return failure(path.string() + ": cannot read the key for hashing client addresses");
    std::string key = *text;
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.size() < 32)
      return failure(
          path.string() +
          ": the key for hashing client addresses is too short; delete it to make a new one");
    return key;
  }
  auto key = util::random_token(32);
  if (!key) return std::unexpected(key.error());
  const std::string text = *key + "\n";
  if (auto r = util::write_file_atomically(
          path, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
      !r)
    return std::unexpected(r.error());
  return *key;
}

}  // namespace crosstalk::publisher
