// `crosstalk serve [--listen 127.0.0.1:8080]`: serves public/ and publishes
// what falls due, until Ctrl-C.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/server/http_server.hpp"

namespace crosstalk::cli {

namespace {
// Every message of this command, in one place (to be translated later).
constexpr const char* kServingPublic = "serving %s at %s (feed: %sfeed.xml); Ctrl-C stops\n";
constexpr const char* kServingPrivate =
    "serving %s at %s: a private show, so every feed is personal (%ss/<token>/feed.xml; "
    "'crosstalk subscribers add NAME' gives one); Ctrl-C stops\n";
}  // namespace

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
      const std::string at = "http://" + options->address + ":" + std::to_string(options->port) + "/";
      if (folder->show.private_feeds)
        std::printf(kServingPrivate, folder->public_dir().string().c_str(), at.c_str(), at.c_str());
      else
        std::printf(kServingPublic, folder->public_dir().string().c_str(), at.c_str(), at.c_str());
      std::fflush(stdout);
      return server::serve(*folder, *options);
    };
  });
}

}  // namespace crosstalk::cli
