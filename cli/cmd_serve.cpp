// `crosstalk serve [--listen 127.0.0.1:8080]`: serves public/ and publishes
// what falls due, until Ctrl-C.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/server/http_server.hpp"

namespace crosstalk::cli {

void register_serve(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  auto listen = std::make_shared<std::string>("127.0.0.1:8080");
  auto* cmd = root.add_subcommand("serve", "Serve public/ over HTTP and publish what falls due");
  cmd->add_option("--listen", *listen, "HOST:PORT (default 127.0.0.1:8080)");
  cmd->callback([&action, listen, show_dir] {
    action = [listen, show_dir]() -> Result<void> {
      auto options = server::parse_listen(*listen);
      if (!options) return std::unexpected(options.error());
      auto folder = show_dir->open();
      if (!folder) return std::unexpected(folder.error());
      std::printf("serving %s at http://%s:%u/ (feed: http://%s:%u/feed.xml); Ctrl-C stops\n",
                  folder->public_dir().string().c_str(), options->address.c_str(), options->port,
                  options->address.c_str(), options->port);
      if (folder->show.private_feeds)
        std::printf("private show: only personal URLs work (crosstalk subscribers add NAME)\n");
      std::fflush(stdout);
      return server::serve(*folder, *options);
    };
  });
}

}  // namespace crosstalk::cli
