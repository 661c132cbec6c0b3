// The nginx side of a show: two snippets written into the show folder and
// kept in step with show.xml and the subscriber commands.
//   nginx-crosstalk-http.conf   include in nginx's http { } block (log format
//                               with tokens redacted)
//   nginx-crosstalk.conf        include in a server { } block: serves
//                               public/ with crosstalk's types, validators,
//                               ranges and caching; for a private show only
//                               /s/<token>/… URLs, each token checked by
//                               `crosstalk serve` (auth_request), so tokens
//                               stay hashed at rest and a revoke needs no reload.
#pragma once

#include <string>

#include "crosstalk/error.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

struct NginxConfig {
  std::string http;    // for nginx-crosstalk-http.conf
  std::string server;  // for nginx-crosstalk.conf
};
NginxConfig nginx_config(const ShowFolder& folder);

boost::filesystem::path nginx_http_file(const ShowFolder& folder);
boost::filesystem::path nginx_server_file(const ShowFolder& folder);

// Writes both files when their contents change.
Result<void> write_nginx_config(const ShowFolder& folder);

}  // namespace crosstalk::publisher
