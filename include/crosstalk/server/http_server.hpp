// `crosstalk serve`: serves a show's public/ over HTTP (Boost.Beast over
// Boost.Asio, asynchronous: podcast apps keep connections open) and runs the
// scheduler, so scheduled episodes go live without cron.
#pragma once

#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::server {

struct ServeOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  std::string tls_cert, tls_key;  // both or neither: HTTPS only (plain HTTP refused)
  std::string access_log;         // "" = standard output; reopened on SIGHUP
};

// "127.0.0.1:8080", "[::1]:8080", ":8080".
Result<ServeOptions> parse_listen(std::string_view text);

// Opens, binds and listens `acceptor` on address:port, or one line saying
// why not (the port taken: try another, e.g. `suggestion`).
Result<void> open_listener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& address, unsigned short port,
                           std::string_view suggestion);

// Runs until SIGINT or SIGTERM (SIGHUP reopens the access log and reloads
// the certificate); an error if it cannot listen or load them.
Result<void> serve(const publisher::ShowFolder& folder, const ServeOptions& options);

}  // namespace crosstalk::server
