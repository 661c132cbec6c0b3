// TLS contexts from PEM files for serve and the studio, reloaded when the
// files change (checked on new connections) or on SIGHUP.
#include "crosstalk/server/tls.hpp"

#include "crosstalk/i18n/i18n.hpp"

namespace ssl = boost::asio::ssl;

namespace crosstalk::server {

Result<std::shared_ptr<TlsCertificates>> TlsCertificates::from_options(const std::string& cert,
                                                                       const std::string& key, Log log) {
  if (cert.empty() && key.empty()) return std::shared_ptr<TlsCertificates>();
  if (cert.empty() || key.empty()) return bad_input(i18n::tr("give both --tls-cert and --tls-key (PEM files), or neither"));
  std::shared_ptr<TlsCertificates> tls(new TlsCertificates(cert, key, std::move(log)));
  tls->loaded_ = tls->stamps();
  auto context = tls->load();
  if (!context) return std::unexpected(context.error());
  tls->current_ = *context;
  tls->checked_ = std::chrono::steady_clock::now();
  return tls;
}

TlsCertificates::Stamps TlsCertificates::stamps() const {
  return {util::platform::stat_stamp(cert_), util::platform::stat_stamp(key_)};
}

Result<std::shared_ptr<ssl::context>> TlsCertificates::load() const {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_, ec);
  if (ec) return bad_input(i18n::tr("--tls-cert {1}: {2} (a PEM certificate chain)", cert_, ec.message()));
  context->use_private_key_file(key_, ssl::context::pem, ec);
  if (ec) return bad_input(i18n::tr("--tls-key {1}: {2} (the PEM key of that certificate)", key_, ec.message()));
  return context;
}

void TlsCertificates::load_if_changed(bool force) {
  checked_ = std::chrono::steady_clock::now();
  const Stamps now = stamps();
  if (!force && (now == loaded_ || now == refused_)) return;
  auto context = load();
  if (!context) {
    refused_ = now;
    log_("TLS: cannot load the changed certificate, keeping the current one: " + context.error().message);
    return;
  }
  earlier_.push_back(std::move(current_));
  current_ = std::move(*context);
  loaded_ = now;
  refused_ = {};
  log_("TLS: certificate loaded again from " + cert_);
}

std::shared_ptr<ssl::context> TlsCertificates::context() {
  std::lock_guard lock(mutex_);
  if (std::chrono::steady_clock::now() - checked_ >= std::chrono::seconds(1)) load_if_changed(false);
  return current_;
}

void TlsCertificates::reload() {
  std::lock_guard lock(mutex_);
  load_if_changed(true);
}

}  // namespace crosstalk::server
