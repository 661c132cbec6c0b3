// nginx snippets for a show folder (see the header and docs/nginx.md).
#include "crosstalk/publisher/nginx_config.hpp"

#include <boost/filesystem/operations.hpp>

#include "crosstalk/util/atomic_file.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

namespace {

// What every location serving public/ shares: crosstalk serve's types,
// charset, caching and refusals (dot-files, folders, symlinks → 404).
const char* const kCommon = R"~(    types {
        audio/ogg opus ogg;
        audio/mpeg mp3;
        application/rss+xml xml;
        text/html html;
        image/jpeg jpg jpeg;
        image/png png;
        application/json json;
    }
    default_type application/octet-stream;
    charset utf-8;
    charset_types application/rss+xml;
    sendfile on;
    tcp_nopush on;
    disable_symlinks on from=$document_root;
    if ($uri ~ "/\.") { return 404; }
    # Files only: "/" is the page, folders are never listed (404, and
    # nothing in the error log).
    try_files $uri ${uri}index.html =404;
    add_header Cache-Control $crosstalk_cache;
)~";

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

fs::path nginx_http_file(const ShowFolder& folder) { return folder.root / "nginx-crosstalk-http.conf"; }
fs::path nginx_server_file(const ShowFolder& folder) { return folder.root / "nginx-crosstalk.conf"; }

NginxConfig nginx_config(const ShowFolder& folder) {
  const feed::Show& show = folder.show;
  boost::system::error_code ec;
  const fs::path show_dir = fs::absolute(folder.root, ec).lexically_normal();
  std::string root = (show_dir / "public").string();
  const std::string header = "# Written by crosstalk for the show in " + show_dir.string() +
                             " (rewritten by build and\n# subscribers add/revoke: edit show.xml, not this file).\n";
  NginxConfig out;
  out.http = header + R"~(# The same for every show: include it inside nginx's http { } block once:
#     include )~" + (show_dir / nginx_http_file(folder).filename()).string() + R"~(;

# Personal tokens never reach the access log: /s/<token>/ is logged as
# /s/[token]/, anything else holding 16 hex digits in a row (plain or
# %-encoded) as [redacted], and query strings not at all.
map $request_uri $crosstalk_logged_uri {
    "~^/s/[0-9a-f]{64}(?<crosstalk_after>/[^?]*)" "/s/[token]$crosstalk_after";
    "~(?i)([0-9a-f]|%[0-9a-f]{2}){16}" "[redacted]";
    "~^(?<crosstalk_path_only>[^?]*)" $crosstalk_path_only;
}
# Feeds and the page are revalidated at every poll (cheap 304s); audio and
# covers never change in place.
map $uri $crosstalk_cache {
    "~(\.xml|\.html|/)$" "no-cache";
    default "public, max-age=86400";
}

# One line per request, as `crosstalk serve` writes it and `crosstalk stats`
# reads it (docs/stats.md): time, client (address, or a keyed hash that
# crosstalk serve computes), subscriber id (never the token: crosstalk
# serve's answer to the auth_request), status, body bytes sent, method,
# path, Range asked, user agent.
log_format crosstalk escape=json '$time_iso8601 $crosstalk_client "$crosstalk_listener" $status $body_bytes_sent '
                     '$request_method "$crosstalk_logged_uri" "$http_range" "$http_user_agent"';
)~";
  // nginx takes "$" in these strings as a variable and has no escape for it.
  const bool unsafe = root.find_first_of("\"$\\\n") != std::string::npos ||
                      show.base_url.find_first_of("\"$\\\n&<>'") != std::string::npos;
  if (unsafe) {
    out.server = header + "# Not generated: the folder path or <base-url> contains a quote, '$', '\\', '&', '<' or '>',\n"
                          "# which nginx's configuration cannot carry. Serve from a plainer path.\n";
    return out;
  }
  std::string s = header + R"~(# Include inside a server { } block:
#     server { listen 80; server_name podcast.intranet; include )~" + (show_dir / nginx_server_file(folder).filename()).string() + R"~(; }
# which needs the http-level part too: include )~" + (show_dir / nginx_http_file(folder).filename()).string() + R"~(;

access_log )~" + show.nginx_access_log + R"~( crosstalk;
# For the log: who asked (see the crosstalk log format).
set $crosstalk_client )~" + (show.stats_hash_clients ? "\"-\"; # hashed by crosstalk serve where it is asked" : "$remote_addr;") + R"~(
set $crosstalk_listener "-";
root )~" + quoted(root) + R"~(;
error_page 401 403 404 =404 /_crosstalk_not_found;
location = /_crosstalk_not_found { internal; return 404 "Not Found\n"; }
)~";
  if (show.private_feeds) {
    s += R"~(
# Private show: only personal URLs /s/<token>/… are served. Each request's
# token is checked by `crosstalk serve` (listening on )~" + show.nginx_auth_check + R"~(), which
# reads the hashed tokens in subscribers.xml: revoking takes effect at once.
location ~ "^/s/(?<crosstalk_token>[0-9a-f]{64})(?<crosstalk_path>/.*)$" {
    set $crosstalk_subscriber $crosstalk_token;
    rewrite ^ $crosstalk_path last;
}
location = /_crosstalk_check {
    internal;
    proxy_pass http://)~" + show.nginx_auth_check + R"~(/_crosstalk/check;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Original-URI $request_uri;
    proxy_set_header X-Crosstalk-Client-Address $remote_addr;
}
# The page: each subscriber's own (their feed URLs and QR codes), made by
# `crosstalk serve`, which checks the token itself. Without a token, serve's
# small page in the show's language saying whom to ask for a link (403).
location ~ "^/(index\.html)?$" {
    if ($crosstalk_subscriber = "") {
        proxy_pass http://)~" + show.nginx_auth_check + R"~(;
    }
    proxy_pass http://)~" + show.nginx_auth_check + R"~(/s/$crosstalk_subscriber/index.html;
}
location / {
    internal;
    auth_request /_crosstalk_check;
    auth_request_set $crosstalk_listener $upstream_http_x_crosstalk_subscriber;
)~" + (show.stats_hash_clients ? "    auth_request_set $crosstalk_client $upstream_http_x_crosstalk_client;\n" : "") + R"~(    # The person's token in every URL of their feed.
    sub_filter )~" + quoted(show.base_url) + " " + quoted(show.base_url + "s/$crosstalk_subscriber/") + R"~(;
    sub_filter_once off;
    sub_filter_types application/rss+xml;
    sub_filter_last_modified on;
)~" + kCommon + "}\n";
  } else {
    std::string client_hash;
    if (show.stats_hash_clients)  // the keyed hash of the client's address comes from `crosstalk serve`
      client_hash = R"~(location = /_crosstalk_client {
    internal;
    proxy_pass http://)~" + show.nginx_auth_check + R"~(/_crosstalk/client;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Crosstalk-Client-Address $remote_addr;
}
)~";
    s += "\n" + client_hash + "location / {\n" +
         (show.stats_hash_clients ? "    auth_request /_crosstalk_client;\n"
                                    "    auth_request_set $crosstalk_client $upstream_http_x_crosstalk_client;\n"
                                  : "") +
         std::string(kCommon) + "}\n";
  }
  out.server = s;
  return out;
}

Result<void> write_nginx_config(const ShowFolder& folder) {
  const NginxConfig config = nginx_config(folder);
  if (auto r = util::write_file_if_changed(nginx_http_file(folder), config.http); !r)
    return std::unexpected(r.error());
  if (auto r = util::write_file_if_changed(nginx_server_file(folder), config.server); !r)
    return std::unexpected(r.error());
  return {};
}

}  // namespace crosstalk::publisher
