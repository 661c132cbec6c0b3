// `crosstalk serve [--listen 127.0.0.1:8080] [--tls-cert F --tls-key F]
// [--access-log FILE]`: serves public/ and publishes what falls due, until
// Ctrl-C (SIGHUP: the log reopened, the certificate reloaded).
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/server/http_server.hpp"

namespace crosstalk::cli {

void register_serve(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  struct Args {
    std::string listen = "127.0.0.1:8080";
    server::ServeOptions options;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("serve", i18n::tr("Serve public/ over HTTP or HTTPS and publish what falls due"));
  cmd->add_option("--listen", a->listen, i18n::tr("HOST:PORT (default 127.0.0.1:8080)"));
  add_tls_options(*cmd, a->options.tls_cert, a->options.tls_key);
  cmd->add_option("--access-log", a->options.access_log,
                  i18n::tr("append one line per request to FILE (default: standard output); reopened on SIGHUP"));
  cmd->callback([&action, a, show_dir] {
    action = [a, show_dir]() -> Result<void> {
      auto listen = server::parse_listen(a->listen);
      if (!listen) return std::unexpected(listen.error());
      auto folder = show_dir->open();
      if (!folder) return std::unexpected(folder.error());
      server::ServeOptions o = a->options;
      o.address = listen->address;
      o.port = listen->port;
      const char* scheme = o.tls_cert.empty() && o.tls_key.empty() ? "http" : "https";
      const std::string at = std::string(scheme) + "://" + o.address + ":" + std::to_string(o.port) + "/";
      const std::string dir = folder->public_dir().string();
      const std::string line =
          folder->show.private_feeds
              ? i18n::tr("serving {1} at {2}: a private show, so every feed is personal ({2}s/<token>/feed.xml; "
                         "'crosstalk subscribers add NAME' gives one); Ctrl-C stops",
                         dir, at)
              : i18n::tr("serving {1} at {2} (feed: {2}feed.xml); Ctrl-C stops", dir, at);
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
      return server::serve(*folder, o);
    };
  });
}

}  // namespace crosstalk::cli
