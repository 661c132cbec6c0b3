// `crosstalk staff add NAME --role host|comms | list | revoke NAME`: who may
// enter the browser studio.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/staff.hpp"

namespace crosstalk::cli {

void register_staff(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  auto* group = root.add_subcommand("staff", i18n::tr("Who may enter the browser studio: add, list, revoke"));
  group->require_subcommand(1);
  {
    struct Args {
      std::string name, role = "host", department, email;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("add", i18n::tr("Give someone a personal sign-in link to the studio (printed once)"));
    cmd->add_option("NAME", a->name, i18n::tr("the person's name (pre-filled as the host of their recordings)"))->required()->check(xml_text());
    cmd->add_option("--role", a->role, i18n::tr("host: records and edits their own drafts; comms: everything"))
        ->check(CLI::IsMember({"host", "comms"}));
    cmd->add_option("--department", a->department, i18n::tr("their department, e.g. marketing or sales"));
    cmd->add_option("--email", a->email, i18n::tr("their e-mail (also matched by a single-sign-on proxy's header)"))->check(xml_text());
    cmd->callback([&action, a, show_dir] {
      action = [a, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto added = publisher::add_staff(*folder, a->name, a->role == "comms" ? feed::Role::Comms : feed::Role::Host,
                                          a->department, a->email, feed::now());
        if (!added) return std::unexpected(added.error());
        std::printf("%s\n", i18n::tr("added {1} ({2})\nsign-in link: {3}", a->name, a->role, added->signin_url).c_str());
        std::printf("%s\n", i18n::tr("Send it to {1} only: the link is their key, kept nowhere else "
                                     "(lost: revoke and add again).",
                                     a->name)
                                .c_str());
        return {};
      };
    });
  }
  {
    auto* cmd = group->add_subcommand("list", i18n::tr("Who may enter the studio"));
    cmd->callback([&action, show_dir] {
      action = [show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto list = publisher::list_staff(*folder);
        if (!list) return std::unexpected(list.error());
        for (const auto& s : *list)
          std::printf("%s\t%s\t%s\t%s\tadded %s\n", s.name.c_str(), std::string(feed::to_string(s.role)).c_str(),
                      s.department.empty() ? "-" : s.department.c_str(), s.email.empty() ? "-" : s.email.c_str(),
                      feed::format_local(s.added, folder->show.timezone).c_str());
        std::printf("%s\n", i18n::tr("{1} staff member(s)", list->size()).c_str());
        return {};
      };
    });
  }
  {
    auto name = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("revoke", i18n::tr("Take someone's studio access away (at their next request)"));
    cmd->add_option("NAME", *name, i18n::tr("as given to 'staff add'"))->required();
    cmd->callback([&action, name, show_dir] {
      action = [name, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        if (auto r = publisher::revoke_staff(*folder, *name); !r) return r;
        std::printf("%s\n",
                    i18n::tr("revoked {1}: their link and sessions stop working at their next request", *name).c_str());
        return {};
      };
    });
  }
}

}  // namespace crosstalk::cli
