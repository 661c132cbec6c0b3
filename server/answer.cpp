// answer(): the request → response decisions of `crosstalk serve`.
#include "crosstalk/server/answer.hpp"

#include <chrono>
#include <string>

#include <boost/beast/http/field.hpp>

#include "crosstalk/publisher/access_log.hpp"
#include "crosstalk/server/static_files.hpp"
#include "crosstalk/version.hpp"

namespace http = boost::beast::http;
namespace fs = boost::filesystem;

namespace crosstalk::server {

namespace {

std::string content_range(const ByteRange& r, std::uint64_t size) {
  return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" + std::to_string(size);
}

Answer start(http::status status, unsigned version, bool keep_alive) {
  Answer a;
  auto& res = a.response;
  res.result(status);
  res.version(version);
  res.set(http::field::server, std::string("crosstalk/") + kVersion);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  res.set(http::field::date, http_date(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
  res.keep_alive(keep_alive);
  return a;
}

}  // namespace

Answer error_answer(http::status status, unsigned version, bool keep_alive, std::string text) {
  Answer a = start(status, version, keep_alive);
  a.response.set(http::field::content_type, "text/plain; charset=utf-8");
  if (status == http::status::method_not_allowed) a.response.set(http::field::allow, "GET, HEAD");
  a.response.body() = text.empty() ? std::string(http::obsolete_reason(status)) + "\n" : std::move(text);
  a.response.prepare_payload();
  a.length = a.response.body().size();
  return a;
}

namespace {
Answer file_answer(const http::request<http::empty_body>& req, const fs::path& root, const Access& access);
}  // namespace

Answer answer(const http::request<http::empty_body>& req, const fs::path& root, AccessGate& gate,
              const std::string& client_key) {
  const std::string origin = origin_form(std::string_view(req.target().data(), req.target().size()));
  const std::string_view target(origin);
  const unsigned version = req.version();
  const bool keep = req.keep_alive();
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return error_answer(http::status::method_not_allowed, version, keep);
  if (target == "/_crosstalk/check" || target == "/_crosstalk/client") {
    // nginx's auth_request: a private show's token, and (either) the client
    // as serve would log it, for nginx's log.
    std::optional<std::string> subscriber = "-";
    if (target == "/_crosstalk/check") {
      auto uri = req.find("X-Original-URI");
      if (uri == req.end()) return error_answer(http::status::not_found, version, keep);
      subscriber = gate.allowed_uri(std::string_view(uri->value().data(), uri->value().size()));
    }
    Answer a = start(subscriber ? http::status::no_content : http::status::forbidden, version, keep);
    a.response.set(http::field::cache_control, "no-store");
    if (subscriber) {
      a.response.set("X-Crosstalk-Subscriber", *subscriber);
      if (auto c = req.find("X-Crosstalk-Client-Address"); c != req.end())
        a.response.set("X-Crosstalk-Client", publisher::client_for_log(std::string(c->value()), client_key));
    } else {
      a.response.content_length(0);
    }
    return a;
  }
  const Access access = gate.decide(target);
  if (!access.allowed && !access.private_root_html.empty()) {
    // A private show's root without a token: 403 and a page saying whom to ask.
    Answer a = start(http::status::forbidden, version, keep);
    a.response.set(http::field::content_type, "text/html; charset=utf-8");
    a.response.set(http::field::cache_control, "no-store");
    a.response.body() = access.private_root_html;
    a.response.prepare_payload();
    a.length = a.response.body().size();
    if (req.method() == http::verb::head) {
      a.response.body().clear();
      a.length = 0;
    }
    return a;
  }
  if (!access.allowed) return error_answer(http::status::not_found, version, keep);
  Answer a = file_answer(req, root, access);
  a.subscriber = access.subscriber;
  return a;
}

namespace {

// A file of the web root that `access` allows.
Answer file_answer(const http::request<http::empty_body>& req, const fs::path& root, const Access& access) {
  const unsigned version = req.version();
  const bool keep = req.keep_alive();
  auto opened = open_target(root, access.path);
  if (!opened) return error_answer(http::status::not_found, version, keep);
  const util::platform::ServedFile& file = opened->file;
  const std::string& name = opened->name;
  const std::uint64_t size = file.size();
  const std::string tag = etag(size, file.mtime_ns());
  const std::int64_t mtime = file.mtime_ns() / 1000000000;
  const bool head = req.method() == http::verb::head;

  bool not_modified = false;
  if (auto inm = req.find(http::field::if_none_match); inm != req.end()) {
    const std::string v(inm->value());
    not_modified = v == "*" || v.find(tag) != std::string::npos;
  } else if (auto ims = req.find(http::field::if_modified_since); ims != req.end()) {
    auto since = parse_http_date(std::string(ims->value()));
    not_modified = since && mtime <= *since;
  }
  auto with_headers = [&](http::status status) {
    Answer a = start(status, version, keep);
    a.response.set(http::field::content_type, content_type(name));
    a.response.set(http::field::etag, tag);
    a.response.set(http::field::last_modified, http_date(mtime));
    a.response.set(http::field::cache_control, cache_control(name));
    a.response.set(http::field::accept_ranges, "bytes");
    return a;
  };
  if (not_modified) return with_headers(http::status::not_modified);
  const auto extension = fs::path(name).extension();
  if (!access.from.empty() && (extension == ".xml" || extension == ".html")) {
    // A subscriber's feed or page: their token in every URL, their QR codes
    // on the page. Sent whole (a server may ignore Range); feeds and the
    // page are small.
    std::string text(size, '\0');
    if (file.read_at(text.data(), size, 0) != static_cast<std::int64_t>(size))
      return error_answer(http::status::internal_server_error, version, false);
    Answer a = with_headers(http::status::ok);
    a.response.body() = personalise(std::move(text), access);
    const std::uint64_t length = a.response.body().size();
    if (head) a.response.body().clear();
    a.response.content_length(length);
    a.length = head ? 0 : length;
    return a;
  }
  ByteRange range;
  RangeKind kind = RangeKind::None;
  if (auto r = req.find(http::field::range); r != req.end()) {
    kind = parse_range(std::string(r->value()), size, range);
    if (auto ir = req.find(http::field::if_range); ir != req.end() && std::string(ir->value()) != tag)
      kind = RangeKind::None;  // changed since: the whole new file
  }
  if (kind == RangeKind::Unsatisfiable) {
    Answer a = with_headers(http::status::range_not_satisfiable);
    a.response.set(http::field::content_range, "bytes */" + std::to_string(size));
    a.response.content_length(0);
    return a;
  }
  Answer a = with_headers(kind == RangeKind::Satisfiable ? http::status::partial_content : http::status::ok);
  std::uint64_t length = size;
  if (kind == RangeKind::Satisfiable) {
    a.first = range.first;
    length = range.last - range.first + 1;
    a.response.set(http::field::content_range, content_range(range, size));
  }
  a.response.content_length(length);
  if (!head) {
    a.file.emplace(std::move(opened->file));
    a.length = length;
  }
  return a;
}

}  // namespace

}  // namespace crosstalk::server
