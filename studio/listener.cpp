// The studio's network side: Boost.Beast over Asio, one strand per
// connection, the same code over plain TCP and over TLS (a template on the
// stream). HTTP requests go to Api; an upgrade on /api/record becomes a
// WebSocket whose messages go to a RecordChannel.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/server/http_server.hpp"
#include "crosstalk/server/static_files.hpp"
#include "crosstalk/server/tls.hpp"
#include "crosstalk/studio/api.hpp"
#include "crosstalk/studio/record_socket.hpp"
#include "crosstalk/studio/studio.hpp"
#include "crosstalk/util/platform.hpp"
#include "crosstalk/version.hpp"

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace crosstalk::studio {

namespace {

std::mutex log_mutex;
void log_line(const std::string& line) {
  std::lock_guard lock(log_mutex);
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

struct Context {
  Api& api;
  Recordings& recordings;
  std::string show_dir;
};

template <class Body>
std::string header(const http::request<Body>& req, beast::string_view name) {
  auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

template <class Body>
Request to_request(const http::request<Body>& req, const std::string& peer, const std::string& user_header) {
  Request r;
  r.method = std::string(req.method_string());
  r.target = server::origin_form(std::string_view(req.target().data(), req.target().size()));
  if constexpr (std::is_same_v<Body, http::string_body>) r.body = req.body();
  r.cookie = header(req, "Cookie");
  if (!user_header.empty()) r.user_header = header(req, user_header);
  r.origin = header(req, "Origin");
  r.host = header(req, "Host");
  r.csrf = header(req, "X-CSRF-Token");
  r.accept_language = header(req, "Accept-Language");
  r.range = header(req, "Range");
  r.content_type = header(req, "Content-Type");
  r.if_match = header(req, "If-Match");
  r.peer = peer;
  return r;
}

template <class Stream>
tcp::socket& socket_of(Stream& s) {
  return beast::get_lowest_layer(s).socket();
}

// One WebSocket: reads messages, hands them to the channel, writes its
// replies one at a time, and ticks four times a second.
template <class Stream>
class RecordSocket : public std::enable_shared_from_this<RecordSocket<Stream>> {
 public:
  RecordSocket(Stream&& stream, Context& ctx, Identity who)
      : ws_(std::move(stream)),
        tick_(ws_.get_executor()),
        channel_(ctx.recordings, who, ctx.show_dir,
                 [&accounts = ctx.api.accounts(), hash = who.member.token_sha256] { return accounts.still_there(hash); }) {}

  void run(http::request<http::string_body> req) {
    channel_.set_language(Api::language(header(req, "Accept-Language")));
    beast::get_lowest_layer(ws_).expires_never();
    // The page pings every 2 s: 10 s of silence is a dropped connection.
    websocket::stream_base::timeout t{std::chrono::seconds(10), std::chrono::seconds(10), false};
    ws_.set_option(t);
    ws_.read_message_max(1 << 20);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, std::string("crosstalk/") + kVersion);
    }));
    ws_.async_accept(req, beast::bind_front_handler(&RecordSocket::on_accept, this->shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    read();
    tick();
  }
  void read() { ws_.async_read(buffer_, beast::bind_front_handler(&RecordSocket::on_read, this->shared_from_this())); }
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return finish();
    RecordChannel::Out out;
    const auto data = buffer_.cdata();
    try {
      if (ws_.got_text())
        out = channel_.on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
      else
        out = channel_.on_binary(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(data.data()), data.size()));
    } catch (const std::exception& e) {  // out of memory or threads: this socket closes, the studio stays up
      log_line(std::string("recording socket: unexpected failure: ") + e.what());
      out = {{R"({"type":"error","code":"failed","message":"the studio could not take this message; try again"})"}, true};
    }
    buffer_.consume(buffer_.size());
    send(std::move(out));
    if (!closing_) read();
  }
  void tick() {
    tick_.expires_after(std::chrono::milliseconds(250));
    tick_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->closing_) return;
      self->send(self->channel_.on_tick());
      self->tick();
    });
  }
  void send(RecordChannel::Out out) {
    for (auto& r : out.replies) outbox_.push_back(std::move(r));
    if (out.close) closing_ = true;
    write();
  }
  void write() {
    if (writing_) return;
    if (outbox_.empty()) {
      if (closing_ && !closed_) {
        closed_ = true;
        ws_.async_close(websocket::close_code::policy_error, [self = this->shared_from_this()](beast::error_code) {
          self->finish();
        });
      }
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(outbox_.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      self->outbox_.pop_front();
      if (ec) return self->finish();
      self->write();
    });
  }
  void finish() {
    closing_ = true;
    tick_.cancel();
  }

  websocket::stream<Stream> ws_;
  asio::steady_timer tick_;
  beast::flat_buffer buffer_;
  RecordChannel channel_;
  std::deque<std::string> outbox_;
  bool writing_ = false, closing_ = false, closed_ = false;
};

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream&& stream, Context& ctx, const StudioOptions& options)
      : stream_(std::move(stream)), ctx_(ctx), options_(options) {
    beast::error_code ec;
    auto ep = socket_of(stream_).remote_endpoint(ec);
    peer_ = ec ? "-" : ep.address().to_string();
  }

  void start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) self->read();
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    parser_.emplace();
    file_parser_.reset();
    parser_->header_limit(64 * 1024);  // imports carry their fields in the query
    // Beast checks Content-Length against this as the header ends: the
    // header decides (on_header) what body a request may have.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(60));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, this->shared_from_this()));
  }

  // The header decides: an upload streams its body into a file (never into
  // memory); everything else is read whole (64 KiB at most).
  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return close();
    Request r = to_request(parser_->get(), peer_, options_.user_header);
    if (Api::is_upload(r) && !websocket::is_upgrade(parser_->get())) return begin_upload(std::move(r));
    constexpr std::uint64_t kMaxBody = 64 * 1024;  // JSON; files come as uploads
    if (parser_->content_length().value_or(0) > kMaxBody)  // (a chunked body meets body_limit as it comes)
      return respond(parser_->get(), {413, "application/json", "{\"error\":\"the request is too large\"}", {}}, true);
    parser_->body_limit(kMaxBody);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
  }

  void begin_upload(Request r) {
    const auto length = parser_->content_length();
    auto decision = ctx_.api.begin_upload(r, length ? std::optional<std::uint64_t>(*length) : std::nullopt);
    if (auto* refused = std::get_if<Response>(&decision)) return respond(parser_->get(), std::move(*refused), true);
    upload_ = std::get<Upload>(decision);
    upload_request_ = std::move(r);
    file_parser_.emplace(std::move(*parser_));
    file_parser_->body_limit(upload_->length);
    beast::error_code ec;
    file_parser_->get().body().open(upload_->file.c_str(), beast::file_mode::write, ec);
    if (ec) {
      ctx_.api.finish_upload(upload_request_, *upload_, false);
      return respond(file_parser_->get(), {507, "application/json", "{\"error\":\"the studio cannot store the upload\"}", {}}, true);
    }
    beast::get_lowest_layer(stream_).expires_after(std::chrono::hours(2));  // an hour of WAV on a slow link
    http::async_read(stream_, buffer_, *file_parser_,
                     beast::bind_front_handler(&HttpSession::on_upload, this->shared_from_this()));
  }

  void on_upload(beast::error_code ec, std::size_t) {
    file_parser_->get().body().close();
    Response res = ctx_.api.finish_upload(upload_request_, *upload_, !ec);
    if (ec) {
      log_line(peer_ + " POST /api/import cut short: " + ec.message());
      return close();
    }
    respond(file_parser_->get(), std::move(res));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return close();
    auto req = parser_->release();
    Request r = to_request(req, peer_, options_.user_header);
    const std::string path = r.target.substr(0, r.target.find('?'));
    if (websocket::is_upgrade(req)) {
      if (path != "/api/record") return respond(req, {404, "application/json", "{\"error\":\"no socket here\"}", {}});
      auto who = ctx_.api.identify(r);
      if (!who) return respond(req, {401, "application/json", "{\"error\":\"sign in first\"}", {}});
      if (!ctx_.api.same_origin_here(r))
        return respond(req, {403, "application/json", "{\"error\":\"this socket is for the studio's own page\"}", {}});
      log_line(peer_ + " WS " + path + " 101 " + who->member.name);
      std::make_shared<RecordSocket<Stream>>(std::move(stream_), ctx_, std::move(*who))->run(std::move(req));
      return;
    }
    if (req.method() == http::verb::get && path.rfind("/api/jobs/", 0) == 0 && path.ends_with("/events")) {
      const std::string id = path.substr(10, path.size() - 10 - 7);
      if (!ctx_.api.job_state(r, id))
        return respond(req, {404, "application/json", "{\"error\":\"no such import\"}", {}});
      return start_events(std::move(r), id);
    }
    Response res;
    try {
      res = ctx_.api.handle(r);
    } catch (const std::exception& e) {
      res = {500, "application/json", "{\"error\":\"unexpected failure\"}", {}};
      log_line(std::string("unexpected failure: ") + e.what());
    }
    respond(req, std::move(res));
  }

  // Server-sent events: an import's state four times a second until it
  // has finished; then the connection closes.
  void start_events(Request r, std::string id) {
    events_request_ = std::move(r);
    events_id_ = std::move(id);
    events_timer_.emplace(stream_.get_executor());
    log_line(peer_ + " GET /api/jobs/" + events_id_ + "/events 200 (event stream)");
    auto head = std::make_shared<std::string>(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n"
        "X-Accel-Buffering: no\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n");
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    asio::async_write(stream_, asio::buffer(*head), [self = this->shared_from_this(), head](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->send_event();
    });
  }

  void send_event() {
    auto state = ctx_.api.job_state(events_request_, events_id_);
    const bool last = !state || state->find("\"state\":\"encoding\"") == std::string::npos;
    auto event = std::make_shared<std::string>("data: " + state.value_or("{\"state\":\"gone\"}") + "\n\n");
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    asio::async_write(stream_, asio::buffer(*event), [self = this->shared_from_this(), event, last](beast::error_code ec, std::size_t) {
      if (ec || last) return self->close();
      self->events_timer_->expires_after(std::chrono::milliseconds(250));
      self->events_timer_->async_wait([self](beast::error_code e) {
        if (!e) self->send_event();
      });
    });
  }

  // `close_after`: the request's body was not read (a refused upload).
  template <class Body>
  void respond(const http::request<Body>& req, Response r, bool close_after = false) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), req.version());
    res->set(http::field::server, std::string("crosstalk/") + kVersion);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    res->set(http::field::date, server::http_date(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
    if (!r.body.empty() || r.status != 204) res->set(http::field::content_type, r.content_type);
    bool cache_set = false;
    for (auto& [k, v] : r.headers) {
      res->insert(k, v);
      cache_set = cache_set || k == "Cache-Control";
    }
    if (!cache_set) res->set(http::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    res->set("X-Frame-Options", "DENY");
    res->set("Referrer-Policy", "no-referrer");
    if (r.content_type.rfind("text/html", 0) == 0)
      res->set("Content-Security-Policy",
               "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'");
    const bool head = req.method() == http::verb::head;
    res->body() = std::move(r.body);
    res->keep_alive(req.keep_alive() && !close_after);
    res->prepare_payload();
    if (head) res->body().clear();
    const std::string target = std::string(req.target().substr(0, req.target().find('?')));
    log_line(peer_ + " " + std::string(req.method_string()) + " " + target + " " + std::to_string(r.status) + " " +
             std::to_string(res->body().size()));
    const bool keep = res->keep_alive();
    http::async_write(stream_, *res, [self = this->shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
      if (ec || !keep) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    socket_of(stream_).shutdown(tcp::socket::shutdown_send, ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::file_body>> file_parser_;  // an upload's
  std::optional<Upload> upload_;
  Request upload_request_, events_request_;
  std::string events_id_;
  std::optional<asio::steady_timer> events_timer_;
  Context& ctx_;
  const StudioOptions& options_;
  std::string peer_;
};

void accept(tcp::acceptor& acceptor, Context& ctx, const StudioOptions& options, server::TlsCertificates* tls) {
  acceptor.async_accept(asio::make_strand(acceptor.get_executor()),
                        [&acceptor, &ctx, &options, tls](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls)
        std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
            beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls->context()), ctx, options)
            ->start();
      else
        std::make_shared<HttpSession<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), ctx, options)->start();
    }
    accept(acceptor, ctx, options, tls);
  });
}

bool is_loopback(const std::string& address) {
  beast::error_code ec;
  auto a = asio::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

}  // namespace

Result<void> run_studio(const publisher::ShowFolder& folder, const StudioOptions& options) {
  util::platform::report_broken_pipe_as_error();
  auto tls = server::TlsCertificates::from_options(options.tls_cert, options.tls_key, log_line);
  if (!tls) return std::unexpected(tls.error());
  const bool tls_on = *tls != nullptr;
  if (!tls_on && !is_loopback(options.address))
    return bad_input(i18n::tr("--listen {1}: browsers give a page the microphone only over HTTPS (or on the same "
                              "machine); give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a TLS proxy "
                              "(docs/studio.md)",
                              options.address));
  AccountOptions account_options;
  account_options.trusted_proxies = options.trusted_proxies;
  account_options.user_header = options.user_header;
  account_options.secure_cookie = tls_on || folder.show.studio_url.rfind("https://", 0) == 0;
  Accounts accounts(folder, account_options);
  const std::string show_dir = folder.root.string();
  Recordings recordings(show_dir, options.cut_short_after);
  Api api(show_dir, accounts, recordings);
  Context ctx{api, recordings, show_dir};

  asio::io_context ioc;
  tcp::acceptor acceptor(ioc);
  if (auto r = server::open_listener(acceptor, options.address, options.port, "127.0.0.1:8091"); !r) return r;
  accept(acceptor, ctx, options, tls->get());
  asio::steady_timer ticker(ioc);
  std::function<void()> tick = [&] {
    ticker.expires_after(std::chrono::seconds(1));
    ticker.async_wait([&](beast::error_code e) {
      if (e) return;
      recordings.tick();
      tick();
    });
  };
  tick();
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    log_line("stopping: recordings in progress are finished with what arrived");
    acceptor.close();
    ioc.stop();
  });
  // SIGHUP (systemctl reload): the certificate loaded again (it is also
  // reloaded when its files change).
  asio::signal_set hangup(ioc, SIGHUP);
  std::function<void()> on_hangup = [&] {
    hangup.async_wait([&](beast::error_code ec, int) {
      if (ec) return;
      if (*tls) (*tls)->reload();
      on_hangup();
    });
  };
  on_hangup();
  ioc.run();
  return {};
}

}  // namespace crosstalk::studio
