// `crosstalk subscribers add NAME | add --from FILE.csv [--links OUT.csv] |
// list | export | revoke NAME`: personal feed URLs for a private show.
#include <cstdio>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/subscribers.hpp"
#include "crosstalk/publisher/subscribers_csv.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/csv.hpp"

namespace crosstalk::cli {

namespace {

void say(FILE* to, const std::string& line) { std::fprintf(to, "%s\n", line.c_str()); }

// A CSV file for a spreadsheet, written atomically: a byte-order mark first
// (Excel reads UTF-8 Cyrillic right only with it).
Result<void> write_csv(util::AtomicFile& file, const std::string& csv) {
  const std::string bytes = std::string(util::kUtf8Bom) + csv;
  if (auto r = file.file().write_all({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}); !r) return r;
  return file.commit();
}

Result<void> write_csv_file(const std::string& path, const std::string& csv) {
  auto file = util::AtomicFile::create(path);
  if (!file) return std::unexpected(file.error());
  return write_csv(*file, csv);
}

Result<void> add_from_csv(const publisher::ShowFolder& folder, const std::string& from, const std::string& links) {
  auto people = publisher::read_people_csv(from);
  if (!people) return std::unexpected(people.error());
  // The links file is opened before anyone is added: a folder that is not
  // there stops it while nothing has changed.
  std::optional<util::AtomicFile> out;
  if (!links.empty()) {
    auto file = util::AtomicFile::create(links);
    if (!file) return bad_input(i18n::tr("--links: {1}; nobody was added", file.error().message));
    out.emplace(std::move(*file));
  }
  auto added = publisher::add_subscribers(folder, *people, feed::now());
  if (!added) return std::unexpected(Error{added.error().kind, i18n::tr("{1}; nobody was added", added.error().message)});
  const std::string csv = publisher::links_csv(*added);
  if (!out) {
    std::fputs(csv.c_str(), stdout);
    return {};
  }
  if (auto r = write_csv(*out, csv); !r)
    return std::unexpected(Error{r.error().kind, i18n::tr("{1}; the {2} subscriber(s) were added: 'subscribers revoke' "
                                                          "them and add again",
                                                          r.error().message, added->size())});
  say(stdout, i18n::tr("added {1} subscriber(s) from {2}", added->size(), from));
  say(stdout, i18n::tr("their personal links are in {1} (for a mail merge): send each person only their own row, "
                       "then delete the file; the links are kept nowhere else",
                       links));
  return {};
}

}  // namespace

void register_subscribers(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  auto* group = root.add_subcommand("subscribers", i18n::tr("Personal feed URLs of a private show"));
  group->require_subcommand(1);
  {
    auto name = std::make_shared<std::string>();
    auto department = std::make_shared<std::string>();
    auto from = std::make_shared<std::string>();
    auto links = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("add", i18n::tr("Give someone (or everyone in a CSV file) a personal feed URL, printed once"));
    cmd->add_option("NAME", *name, i18n::tr("the person, e.g. their name or e-mail"))->check(xml_text());
    cmd->add_option("--department", *department, i18n::tr("their department (for listening figures by department)"));
    cmd->add_option("--from", *from, i18n::tr("a CSV file with a header row: name, e-mail, department (UTF-8)"));
    cmd->add_option("--links", *links, i18n::tr("with --from: write the personal links to this CSV file (for a mail merge)"));
    cmd->callback([&action, name, department, from, links, show_dir] {
      action = [name, department, from, links, show_dir]() -> Result<void> {
        if (from->empty() == name->empty())
          return bad_input(i18n::tr("subscribers add: give a NAME, or --from FILE.csv for a list of people"));
        if (from->empty() && !links->empty())
          return bad_input(i18n::tr("subscribers add: --links goes with --from (one person's links are printed)"));
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        if (!from->empty()) return add_from_csv(*folder, *from, *links);
        auto added = publisher::add_subscriber(*folder, *name, feed::now(), *department);
        if (!added) return std::unexpected(added.error());
        say(stdout, i18n::tr("added {1}", *name));
        say(stdout, i18n::tr("feed: {1}", added->feed_url));
        say(stdout, i18n::tr("page: {1}", added->page_url));
        say(stdout, i18n::tr("Send these to {1} only: the link is their key, kept nowhere else (lost: revoke and add "
                             "again).",
                             *name));
        return {};
      };
    });
  }
  {
    auto out = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("export", i18n::tr("The subscribers as CSV: name, e-mail, department, added (no links: see --help)"));
    cmd->add_option("--out", *out, i18n::tr("write it to this file (UTF-8 with a byte-order mark, for Excel) instead of printing it"));
    cmd->callback([&action, out, show_dir] {
      action = [out, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto list = publisher::list_subscribers(*folder);
        if (!list) return std::unexpected(list.error());
        const std::string csv = publisher::subscribers_csv(*list, folder->show);
        if (out->empty()) std::fputs(csv.c_str(), stdout);
        else if (auto r = write_csv_file(*out, csv); !r) return r;
        else say(stdout, i18n::tr("{1} subscriber(s) written to {2}", list->size(), *out));
        say(stderr, i18n::tr("note: personal links are not in the export: only a hash of each is kept, so they cannot "
                             "be shown again (a lost link: 'subscribers revoke NAME', then 'subscribers add NAME')"));
        return {};
      };
    });
  }
  {
    auto* cmd = group->add_subcommand("list", i18n::tr("Who has a personal feed URL"));
    cmd->callback([&action, show_dir] {
      action = [show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto list = publisher::list_subscribers(*folder);
        if (!list) return std::unexpected(list.error());
        for (const auto& s : *list)
          std::printf("%s\t%s\t%s\n", s.name.c_str(), s.department.empty() ? "-" : s.department.c_str(),
                      i18n::tr("added {1}", feed::format_local(s.added, folder->show.timezone)).c_str());
        say(stdout, folder->show.private_feeds
                        ? i18n::tr("{1} subscriber(s)", list->size())
                        : i18n::tr("{1} subscriber(s); the show is public: anyone with the link can listen", list->size()));
        return {};
      };
    });
  }
  {
    auto name = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("revoke", i18n::tr("Take someone's personal feed URL away (at once)"));
    cmd->add_option("NAME", *name, i18n::tr("as given to 'subscribers add'"))->required();
    cmd->callback([&action, name, show_dir] {
      action = [name, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        if (auto r = publisher::revoke_subscriber(*folder, *name); !r) return r;
        say(stdout, i18n::tr("revoked {1}: their URLs stop working at their next request", *name));
        return {};
      };
    });
  }
}

}  // namespace crosstalk::cli
