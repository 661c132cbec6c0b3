// The HTTP side of `crosstalk serve`: one asynchronous session per
// connection (keep-alive, timeouts, size limits), GET and HEAD of files
// under public/ with validators and single byte ranges, over plain TCP
// (files sent with sendfile) or TLS (files read in chunks); and the scheduler
// thread that runs the same build as `crosstalk build` when something falls due.
#include "crosstalk/server/http_server.hpp"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/access_log.hpp"
#include "crosstalk/publisher/build.hpp"
#include "crosstalk/server/access_gate.hpp"
#include "crosstalk/server/answer.hpp"
#include "crosstalk/server/static_files.hpp"
#include "crosstalk/server/tls.hpp"
#include "crosstalk/util/platform.hpp"

#include "access_log.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
namespace fs = boost::filesystem;
namespace ssl = asio::ssl;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace crosstalk::server {

namespace {

std::mutex log_mutex;

void log_line(const std::string& line) {
  std::lock_guard lock(log_mutex);
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

// What every session shares: the web root, the private-show gate, the key
// for hashing client addresses in the log ("" when they are logged), where
// request lines go and, with TLS on, the certificates.
struct Site {
  fs::path root;
  AccessGate gate;
  std::string client_key;
  AccessLog& log;
  std::shared_ptr<TlsCertificates> tls;
};

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Stream: beast::tcp_stream (plain) or TlsStream.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

 public:
  // `buffer`: what was read before the stream's kind was known.
  Session(Stream stream, Site& site, beast::flat_buffer buffer)
      : stream_(std::move(stream)), buffer_(std::move(buffer)), stall_timer_(stream_.get_executor()), site_(site) {}

  ~Session() { flush_log(); }

  void start() {
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                              [self = shared_from_this()](beast::error_code ec, std::size_t used) {
                                if (ec) return self->close();
                                self->buffer_.consume(used);
                                self->read();
                              });
    } else {
      read();
    }
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void read() {
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(0);
    lowest().expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset)
      return close();
    if (ec) {
      auto status = ec == http::error::header_limit ? http::status::request_header_fields_too_large
                    : ec == http::error::body_limit ? http::status::payload_too_large
                                                    : http::status::bad_request;
      logged_ = publisher::AccessLine{};
      logged_.client = client();
      logged_.method = logged_.path = "-";
      return send(error_answer(status, 11, false));
    }
    const auto req = parser_->release();
    logged_ = publisher::AccessLine{};  // what the log may show: no token
    logged_.client = client();
    logged_.method = std::string(req.method_string());
    logged_.path = redact_for_log(origin_form(std::string_view(req.target().data(), req.target().size())));
    if (auto r = req.find(http::field::range); r != req.end()) logged_.range = std::string(r->value());
    if (auto ua = req.find(http::field::user_agent); ua != req.end()) logged_.user_agent = std::string(ua->value());
    if (!kTls && site_.tls)  // plain HTTP on a TLS port: refused, the URL named (docs/serving.md)
      return send(error_answer(http::status::bad_request, req.version(), false,
                               "this server speaks only HTTPS: use https:// in the address (feed URLs too)\n"));
    send(answer(req, site_.root, site_.gate, site_.client_key));
  }

  // A file body is logged when it has been sent (send_file), anything else now.
  void send(Answer a) {
    logged_.subscriber = a.subscriber;
    if (a.file) {
      send_file(std::make_shared<http::response<http::empty_body>>(std::move(a.response.base())), std::move(*a.file),
                a.first, a.length);
      return;
    }
    logged_.status = a.response.result_int();
    logged_.bytes = a.length;
    logged_.time = now_seconds();
    site_.log.write(publisher::format_access_line(logged_));
    auto res = std::make_shared<http::response<http::string_body>>(std::move(a.response));
    const bool keep = res->keep_alive();
    lowest().expires_after(std::chrono::seconds(60));
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
      if (ec || !keep) return self->close();
      self->read();
    });
  }

  // The header through Beast, then the bytes: plain, straight from the file
  // to the socket (sendfile), as fast as the client takes them; under TLS,
  // read in chunks and written through the TLS stream.
  // Logged when the body is sent or the connection ends: with the bytes
  // that actually left (a listener who stops early has not downloaded it).
  void send_file(std::shared_ptr<http::response<http::empty_body>> res, util::platform::ServedFile file,
                 std::uint64_t first, std::uint64_t length) {
    logged_.status = res->result_int();
    pending_log_ = true;
    const bool keep = res->keep_alive();
    body_.emplace(std::move(file));
    offset_ = first_ = first;
    remain_ = length;
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*res);
    lowest().expires_after(std::chrono::seconds(60));
    http::async_write_header(stream_, *serializer,
                             [self = shared_from_this(), res, serializer, keep](beast::error_code ec, std::size_t) {
                               if (ec) return self->close();
                               self->pump(keep);
                             });
  }

  void pump(bool keep) {
    if constexpr (kTls) {
      if (remain_ == 0) return body_done(keep);
      // 64 KiB: four TLS records; a thousand downloads at once hold 64 MiB.
      chunk_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(remain_, 64 * 1024)));
      const auto got = body_->read_at(chunk_.data(), chunk_.size(), offset_);
      if (got <= 0) return close();  // the file shrank or failed: the client sees a short body
      offset_ += static_cast<std::uint64_t>(got);
      remain_ -= static_cast<std::uint64_t>(got);
      lowest().expires_after(std::chrono::seconds(60));  // as sendfile's stall timer: 60 s for a chunk
      asio::async_write(stream_, asio::buffer(chunk_.data(), static_cast<std::size_t>(got)),
                        [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
                          if (ec) return self->close();
                          self->pump(keep);
                        });
    } else {
      send_plain(keep);
    }
  }

  void body_done(bool keep) {
    body_.reset();
    chunk_.clear();
    chunk_.shrink_to_fit();
    flush_log();
    if (!keep) return close();
    read();
  }

  void send_plain(bool keep) {
    auto& socket = lowest().socket();
    beast::error_code ec;
    if (!socket.native_non_blocking()) socket.native_non_blocking(true, ec);
    while (remain_ > 0) {
      const auto sent = body_->send_to(socket.native_handle(), offset_,
                                       static_cast<std::size_t>(std::min<std::uint64_t>(remain_, 1 << 20)));
      if (sent < 0 || ec) return close();
      if (sent == 0) {  // the client is slower than the disk: wait until it takes more (60 s at most)
        stall_timer_.expires_after(std::chrono::seconds(60));
        stall_timer_.async_wait([self = shared_from_this()](beast::error_code e) {
          if (!e) self->close();
        });
        socket.async_wait(tcp::socket::wait_write, [self = shared_from_this(), keep](beast::error_code e) {
          self->stall_timer_.cancel();
          if (e) return self->close();
          self->pump(keep);
        });
        return;
      }
      offset_ += static_cast<std::uint64_t>(sent);
      remain_ -= static_cast<std::uint64_t>(sent);
    }
    body_done(keep);
  }

  std::string client() const {
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    return ec ? "-" : publisher::client_for_log(ep.address().to_string(), site_.client_key);
  }

  void flush_log() {
    if (!pending_log_) return;
    pending_log_ = false;
    logged_.bytes = offset_ - first_;
    logged_.time = now_seconds();
    site_.log.write(publisher::format_access_line(logged_));
  }

  void close() {
    flush_log();
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  asio::steady_timer stall_timer_;
  std::optional<util::platform::ServedFile> body_;  // the file being sent, if any
  std::uint64_t offset_ = 0, remain_ = 0, first_ = 0;
  Site& site_;
  publisher::AccessLine logged_;  // the request being answered, as the log shows it
  bool pending_log_ = false;      // a file being sent: logged when it ends
  std::vector<char> chunk_;       // under TLS: the part of the file being written
};

// With TLS on, each connection's first bytes tell a TLS handshake from
// plain HTTP (answered with a refusal that names https://).
class Detector : public std::enable_shared_from_this<Detector> {
 public:
  Detector(tcp::socket socket, Site& site) : stream_(std::move(socket)), site_(site) {}
  void start() {
    stream_.expires_after(std::chrono::seconds(30));
    beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](beast::error_code ec, bool tls) {
      if (ec) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      if (!tls)
        return std::make_shared<Session<beast::tcp_stream>>(std::move(self->stream_), self->site_,
                                                            std::move(self->buffer_))
            ->start();
      std::make_shared<Session<TlsStream>>(TlsStream(std::move(self->stream_), *self->site_.tls->context()),
                                           self->site_, std::move(self->buffer_))
          ->start();
    });
  }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Site& site_;
};

void accept(tcp::acceptor& acceptor, Site& site, std::shared_ptr<asio::steady_timer> pause, bool failing = false) {
  // Each connection on its own strand: its handlers (I/O, timers) never run
  // at the same time on the two threads.
  acceptor.async_accept(asio::make_strand(acceptor.get_executor()),
                        [&acceptor, &site, pause, failing](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors (EMFILE/ENFILE) or memory: say so once, keep the
      // connections we have, and try again shortly rather than spin.
      if (!failing) log_line("cannot accept connections: " + ec.message() + "; retrying every 100 ms");
      pause->expires_after(std::chrono::milliseconds(100));
      pause->async_wait([&acceptor, &site, pause](beast::error_code wait) {
        if (wait != asio::error::operation_aborted) accept(acceptor, site, pause, true);
      });
      return;
    }
    if (failing) log_line("accepting connections again");
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // no Nagle stalls between header and body
    if (site.tls)
      std::make_shared<Detector>(std::move(socket), site)->start();
    else
      std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), site, beast::flat_buffer())
          ->start();
    accept(acceptor, site, pause);
  });
}

// Builds when something falls due, and every 2 s to see new schedules made by
// other processes (a build with nothing to do reads show.xml and lists folders).
class Scheduler {
 public:
  explicit Scheduler(const publisher::ShowFolder& folder) : folder_(folder), thread_([this] { loop(); }) {}
  ~Scheduler() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      auto next = std::chrono::system_clock::now() + std::chrono::seconds(2);
      lock.unlock();
      Result<publisher::BuildReport> report = failure("unexpected failure");
      try {
        report = publisher::build_public(folder_, feed::now());
      } catch (const std::exception& e) {
        report = failure(std::string("unexpected failure: ") + e.what());
      }
      if (!report) log_line("build failed: " + report.error().message);
      else {
        for (int n : report->newly_published) log_line("published episode " + std::to_string(n));
        if (report->next_due && *report->next_due < next) next = *report->next_due;
      }
      lock.lock();
      wake_.wait_until(lock, next, [this] { return stop_; });
    }
  }

  const publisher::ShowFolder& folder_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

Result<ServeOptions> parse_listen(std::string_view text) {
  ServeOptions o;
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return bad_input(i18n::tr("--listen '{1}': use HOST:PORT, e.g. 127.0.0.1:8080", text));
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  o.address = host.empty() ? "0.0.0.0" : host == "localhost" ? "127.0.0.1" : host;
  unsigned port = 0;
  auto ps = text.substr(colon + 1);
  auto r = std::from_chars(ps.data(), ps.data() + ps.size(), port);
  if (r.ec != std::errc() || r.ptr != ps.data() + ps.size() || port == 0 || port > 65535)
    return bad_input(i18n::tr("--listen '{1}': the port must be 1 to 65535", text));
  o.port = static_cast<unsigned short>(port);
  beast::error_code ec;
  asio::ip::make_address(o.address, ec);
  if (ec) return bad_input(i18n::tr("--listen '{1}': '{2}' is not an IP address", text, o.address));
  return o;
}

Result<void> open_listener(tcp::acceptor& acceptor, const std::string& address, unsigned short port,
                           std::string_view suggestion) {
  beast::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address(address, ec), port);
  if (!ec) acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return failure(i18n::tr("cannot listen on {1}:{2}: {3} (is another server using the port? try --listen {4})",
                            address, port, ec.message(), suggestion));
  return {};
}

Result<void> serve(const publisher::ShowFolder& folder, const ServeOptions& options) {
  util::platform::report_broken_pipe_as_error();
  auto key = publisher::client_hash_key(folder);
  if (!key) return std::unexpected(key.error());
  auto tls = TlsCertificates::from_options(options.tls_cert, options.tls_key, log_line);
  if (!tls) return std::unexpected(tls.error());
  AccessLog access_log;
  if (!options.access_log.empty())
    if (auto r = access_log.open(options.access_log); !r) return r;
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc);
  if (auto r = open_listener(acceptor, options.address, options.port, "127.0.0.1:8081"); !r) return r;
  Scheduler scheduler(folder);
  Site site{folder.public_dir(), AccessGate(folder), *key, access_log, *tls};
  util::platform::raise_open_file_limit();
  auto pause = std::make_shared<asio::steady_timer>(ioc);
  accept(acceptor, site, pause);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    log_line("stopping");
    acceptor.close();
    ioc.stop();
  });
  // SIGHUP (systemctl reload, logrotate): the access log opened again, the
  // certificate loaded again.
  asio::signal_set hangup(ioc, SIGHUP);
  std::function<void()> on_hangup = [&] {
    hangup.async_wait([&](beast::error_code ec, int) {
      if (ec) return;
      if (auto r = access_log.reopen(); !r) log_line(r.error().message + "; still writing to the old file");
      log_line("SIGHUP: access log reopened");
      if (site.tls) site.tls->reload();
      on_hangup();
    });
  };
  on_hangup();
  std::thread second([&ioc] { ioc.run(); });
  ioc.run();
  second.join();
  return {};
}

}  // namespace crosstalk::server
