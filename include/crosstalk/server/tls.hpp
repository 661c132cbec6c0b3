// TLS for `crosstalk serve` and `crosstalk studio` (--tls-cert/--tls-key):
// a server context from PEM files that follows the files when they change,
// so a renewed certificate is used without a restart.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::server {

class TlsCertificates {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Both files, or neither (nullptr: plain HTTP); a file that is not a PEM
  // certificate chain or its key is refused with one line naming the option.
  static Result<std::shared_ptr<TlsCertificates>> from_options(const std::string& cert, const std::string& key,
                                                               Log log);

  // The context for a new connection. At most once a second it looks at the
  // two files' stamps (mtime, size, inode) and loads them again when they
  // changed; a pair that does not load (e.g. the certificate renewed but not
  // yet its key) keeps the current one, said once in the log.
  std::shared_ptr<boost::asio::ssl::context> context();

  // SIGHUP: loads the files now, changed or not.
  void reload();

 private:
  TlsCertificates(std::string cert, std::string key, Log log) : cert_(std::move(cert)), key_(std::move(key)), log_(std::move(log)) {}
  struct Stamps {
    std::optional<util::platform::FileStamp> cert, key;
    bool operator==(const Stamps&) const = default;
  };
  Stamps stamps() const;
  Result<std::shared_ptr<boost::asio::ssl::context>> load() const;
  void load_if_changed(bool force);  // holds mutex_

  const std::string cert_, key_;
  const Log log_;
  std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> current_;
  // Contexts of earlier certificates: connections made with them may still
  // be open (a renewal a month costs a few KiB).
  std::vector<std::shared_ptr<boost::asio::ssl::context>> earlier_;
  Stamps loaded_, refused_;
  std::chrono::steady_clock::time_point checked_;
};

}  // namespace crosstalk::server
