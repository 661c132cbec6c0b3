// Private-show access: token → SHA-256 → subscribers.xml.
#include "crosstalk/server/access_gate.hpp"

#include "crosstalk/feed/render.hpp"

#include <cstdio>

#include "crosstalk/publisher/access_log.hpp"
#include "crosstalk/publisher/subscribers.hpp"
#include "crosstalk/server/static_files.hpp"
#include "crosstalk/util/token.hpp"

namespace crosstalk::server {

AccessGate::AccessGate(publisher::ShowFolder folder) : folder_(std::move(folder)) {}

void AccessGate::refresh() {
  auto show_stamp = util::platform::stat_stamp(folder_.show_xml());
  auto subscribers_stamp = util::platform::stat_stamp(publisher::subscribers_file(folder_));
  if (loaded_ && show_stamp == show_stamp_ && subscribers_stamp == subscribers_stamp_) return;
  show_stamp_ = show_stamp;
  subscribers_stamp_ = subscribers_stamp;
  loaded_ = true;
  // A show.xml that cannot be read keeps the last good settings: a typo in
  // it never opens a private show.
  if (auto show = feed::load_show(folder_.show_xml())) folder_.show = std::move(*show);
  else std::fprintf(stderr, "crosstalk serve: %s (keeping the previous settings)\n", show.error().message.c_str());
  hashes_.clear();
  auto list = publisher::list_subscribers(folder_);
  if (!list) {  // fail closed: nobody gets in until it is fixed
    std::fprintf(stderr, "crosstalk serve: %s (private feeds refused until it is fixed)\n", list.error().message.c_str());
    return;
  }
  for (const auto& s : *list) hashes_.insert(s.token_sha256);
}

bool AccessGate::valid(std::string_view token) { return hashes_.count(util::sha256_hex(token)) > 0; }

Access AccessGate::decide(std::string_view target) {
  std::lock_guard lock(mutex_);
  refresh();
  Access a;
  if (!folder_.show.private_feeds) {
    a.allowed = true;
    a.path = std::string(target);
    return a;
  }
  auto parts = publisher::split_token_path(target);
  if (!parts && (target == "/" || target == "/index.html")) a.private_root_html = feed::render_private_root(folder_.show);
  if (!parts || !valid(parts->token)) return a;
  a.allowed = true;
  a.subscriber = publisher::subscriber_log_id(util::sha256_hex(parts->token));
  a.path = std::string(parts->rest);
  a.from = folder_.show.base_url;
  a.to = publisher::subscriber_base_url(folder_.show, parts->token);
  if (a.path.empty() || a.path.back() == '/' || a.path.ends_with(".html"))
    a.subscribe_html = feed::render_subscribe(folder_.show, a.to);
  return a;
}

std::optional<std::string> AccessGate::allowed_uri(std::string_view original_uri) {
  std::lock_guard lock(mutex_);
  refresh();
  auto parts = publisher::split_token_path(original_uri);
  if (!folder_.show.private_feeds || !parts || !valid(parts->token)) return std::nullopt;
  return publisher::subscriber_log_id(util::sha256_hex(parts->token));
}

std::string redact_for_log(std::string_view target) {
  std::string decoded;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '%' && i + 2 < target.size() && hex_value(target[i + 1]) >= 0 && hex_value(target[i + 2]) >= 0) {
      decoded += static_cast<char>(hex_value(target[i + 1]) * 16 + hex_value(target[i + 2]));
      i += 2;
    } else {
      decoded += target[i];
    }
  }
  std::string out;
  std::size_t i = 0;
  while (i < decoded.size()) {
    std::size_t j = i;
    while (j < decoded.size() && hex_value(decoded[j]) >= 0) ++j;
    if (j - i >= 16) {
      out += "[token]";
    } else {
      out.append(decoded, i, j - i);
    }
    if (j < decoded.size()) {
      const unsigned char c = static_cast<unsigned char>(decoded[j]);
      out += c < 0x20 || c == 0x7f || c == ' ' ? '?' : decoded[j];  // one log line, one field
      ++j;
    }
    i = j;
  }
  return out;
}

std::string personalise(std::string text, const Access& access) {
  text = replace_all(std::move(text), access.from, access.to);
  if (access.from.find('&') != std::string::npos) {
    const std::string from = replace_all(access.from, "&", "&amp;");
    text = replace_all(std::move(text), from, replace_all(access.to, "&", "&amp;"));
  }
  return replace_all(std::move(text), feed::kSubscribeMarker, access.subscribe_html);
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t at = 0;
  for (std::size_t hit; (hit = text.find(from, at)) != std::string::npos; at = hit + from.size()) {
    out.append(text, at, hit - at);
    out.append(to);
  }
  out.append(text, at, std::string::npos);
  return out;
}

}  // namespace crosstalk::server
