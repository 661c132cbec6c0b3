// `crosstalk studio [--listen 127.0.0.1:8090] [--tls-cert F --tls-key F]`:
// the browser studio for hosts, until Ctrl-C.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/publisher/spool.hpp"
#include "crosstalk/server/http_server.hpp"
#include "crosstalk/studio/studio.hpp"

namespace crosstalk::cli {

void register_studio(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  struct Args {
    std::string listen = "127.0.0.1:8090";
    studio::StudioOptions options;
    int cut_short_after = 120;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("studio", i18n::tr("Run the browser studio: hosts record from any laptop"));
  cmd->add_option("--listen", a->listen, i18n::tr("HOST:PORT (default 127.0.0.1:8090); off loopback only with TLS"));
  add_tls_options(*cmd, a->options.tls_cert, a->options.tls_key);
  cmd->add_option("--trust-proxy", a->options.trusted_proxies,
                  i18n::tr("address of a reverse proxy allowed to name the user (with --user-header); repeatable"));
  cmd->add_option("--user-header", a->options.user_header,
                  i18n::tr("single sign-on: the header the proxy sets, e.g. X-Remote-User (matched to staff by name or e-mail)"));
  cmd->add_option("--cut-short-after", a->cut_short_after,
                  i18n::tr("seconds a recording waits for its page to come back before it is filed as cut short (default 120)"))
      ->check(CLI::Range(1, 86400));
  cmd->callback([&action, a, show_dir] {
    action = [a, show_dir]() -> Result<void> {
      auto listen = server::parse_listen(a->listen);
      if (!listen) return std::unexpected(listen.error());
      if (!a->options.user_header.empty() && a->options.trusted_proxies.empty())
        return bad_input(i18n::tr("--user-header needs --trust-proxy ADDRESS: the header is believed only from your proxy"));
      auto folder = show_dir->open();
      if (!folder) return std::unexpected(folder.error());
      studio::StudioOptions o = a->options;
      o.address = listen->address;
      o.port = listen->port;
      o.cut_short_after = std::chrono::seconds(a->cut_short_after);
      auto spool = publisher::spool_dir();
      if (!spool) return std::unexpected(spool.error());
      const std::string at = std::string(o.tls_cert.empty() ? "http" : "https") + "://" + o.address + ":" +
                             std::to_string(o.port) + "/";
      std::printf("%s\n", i18n::tr("studio for {1} at {2} (sign-in links: crosstalk staff add NAME); spool: {3}; "
                                    "Ctrl-C stops",
                                    folder->show.title, at, spool->string())
                              .c_str());
      std::fflush(stdout);
      return studio::run_studio(*folder, o);
    };
  });
}

}  // namespace crosstalk::cli
