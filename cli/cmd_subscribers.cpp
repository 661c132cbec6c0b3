// `crosstalk subscribers add NAME | list | revoke NAME`: personal feed URLs
// for a private show.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/subscribers.hpp"

namespace crosstalk::cli {

void register_subscribers(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  auto* group = root.add_subcommand("subscribers", "Personal feed URLs of a private show");
  group->require_subcommand(1);
  {
    auto name = std::make_shared<std::string>();
    auto department = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("add", "Give someone a personal feed URL (printed once)");
    cmd->add_option("NAME", *name, "the person, e.g. their name or e-mail")->required()->check(xml_text());
    cmd->add_option("--department", *department, "their department (for listening figures by department)");
    cmd->callback([&action, name, department, show_dir] {
      action = [name, department, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto added = publisher::add_subscriber(*folder, *name, feed::now(), *department);
        if (!added) return std::unexpected(added.error());
        std::printf("added %s\nfeed: %s\npage: %s\n", name->c_str(), added->feed_url.c_str(), added->page_url.c_str());
        std::printf("Send these to %s only: the link is their key, kept nowhere else "
                    "(lost: revoke and add again).\n", name->c_str());
        return {};
      };
    });
  }
  {
    auto* cmd = group->add_subcommand("list", "Who has a personal feed URL");
    cmd->callback([&action, show_dir] {
      action = [show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto list = publisher::list_subscribers(*folder);
        if (!list) return std::unexpected(list.error());
        for (const auto& s : *list)
          std::printf("%s\t%s\tadded %s\n", s.name.c_str(), s.department.empty() ? "-" : s.department.c_str(),
                      feed::format_local(s.added, folder->show.timezone).c_str());
        std::printf("%zu subscriber(s)%s\n", list->size(),
                    folder->show.private_feeds ? "" : "; the show is public: anyone with the link can listen");
        return {};
      };
    });
  }
  {
    auto name = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("revoke", "Take someone's personal feed URL away (at once)");
    cmd->add_option("NAME", *name, "as given to 'subscribers add'")->required();
    cmd->callback([&action, name, show_dir] {
      action = [name, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        if (auto r = publisher::revoke_subscriber(*folder, *name); !r) return r;
        std::printf("revoked %s: their URLs stop working at their next request\n", name->c_str());
        return {};
      };
    });
  }
}

}  // namespace crosstalk::cli
