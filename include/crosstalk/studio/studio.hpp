// `crosstalk studio`: the browser studio's own listener — never the public
// feed port — serving the studio page, its API and the recording socket,
// over TLS (--tls-cert/--tls-key) or plain HTTP on loopback (for a reverse
// proxy that terminates TLS, or a host on the same machine).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::studio {

struct StudioOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8090;
  std::string tls_cert, tls_key;             // PEM files; both or neither
  std::vector<std::string> trusted_proxies;  // may send user_header
  std::string user_header;                   // e.g. X-Remote-User; "" : off
  std::chrono::seconds cut_short_after{120};
};

// Runs until SIGINT or SIGTERM (recordings in progress are then finished
// as cut short and delivered); an error if it cannot listen.
Result<void> run_studio(const publisher::ShowFolder& folder, const StudioOptions& options);

}  // namespace crosstalk::studio
