// What `crosstalk serve` answers to one parsed request, decided without the
// network: status, headers, and the body (a string, or a byte range of a
// file for sendfile). http_server.cpp only moves the bytes; the fuzz target
// fuzz/http_request.cpp calls this directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/filesystem/path.hpp>

#include "crosstalk/server/access_gate.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::server {

struct Answer {
  // Headers complete (Content-Length included); the body is this string
  // (an error's text, a subscriber's feed), or empty when `file` is set.
  boost::beast::http::response<boost::beast::http::string_body> response;
  // When set: the body is bytes [first, first + length) of this file.
  std::optional<util::platform::ServedFile> file;
  std::uint64_t first = 0;
  std::uint64_t length = 0;  // body bytes sent (0 for HEAD): for the log
  std::string subscriber = "-";  // for the access log: a private show's subscriber id (never the token)
};

// GET and HEAD of files under `root` (validators, If-None-Match,
// If-Modified-Since, one byte range with If-Range), private shows through
// `gate`, nginx's /_crosstalk/check and /_crosstalk/client (the client as
// serve would log it, hashed with `client_key` when that is not empty).
Answer answer(const boost::beast::http::request<boost::beast::http::empty_body>& req,
              const boost::filesystem::path& root, AccessGate& gate, const std::string& client_key = {});

// A short plain-text error: `text`, or the status's reason when empty.
Answer error_answer(boost::beast::http::status status, unsigned version, bool keep_alive, std::string text = {});

}  // namespace crosstalk::server
