// Parses the command line with CLI11 and runs the chosen subcommand; the one
// place where errors become text and exit codes.
#include "app.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/platform.hpp"
#include "crosstalk/util/words.hpp"
#include "crosstalk/util/xml_text.hpp"
#include "crosstalk/version.hpp"

namespace crosstalk::cli {

const CLI::Validator& xml_text() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        auto problem = util::xml_text_problem(text);
        return problem ? i18n::tr("contains {1}; remove it", *problem) : std::string();
      },
      "");
  return validator;
}

Result<publisher::ShowFolder> ShowDir::open() const {
  auto folder = publisher::open_show(path);
  if (!folder && !origin.empty())
    return std::unexpected(Error{folder.error().kind, folder.error().message + "; that folder comes from " + origin});
  return folder;
}

void add_max_gain(CLI::App& cmd, std::optional<double>& max_gain_db) {
  cmd.add_option_function<double>("--max-gain", [&max_gain_db](const double& db) { max_gain_db = db; },
                                  i18n::tr("raise a quiet recording by at most this, dB (default: the show's, 20); "
                                           "a recording that needs more is refused"))
      ->check(CLI::Range(0.0, 60.0));
}

void add_tls_options(CLI::App& cmd, std::string& cert, std::string& key) {
  cmd.add_option("--tls-cert", cert, i18n::tr("PEM certificate chain (e.g. from the company's CA); reloaded when it changes"))
      ->check(CLI::ExistingFile);
  cmd.add_option("--tls-key", key, i18n::tr("PEM private key of that certificate"))->check(CLI::ExistingFile);
}

namespace {
// CLI11's own words in --help ("Usage", "Options", …) in the reader's
// language; in English they stay as CLI11 writes them. Labels CLI11 looks up
// by key, and the "Options" group's title through make_group: a
// subcommand's -h,--help is added before it inherits option defaults.
class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter() {
    for (const auto& [key, text] : {std::pair<const char*, std::string>{"Usage", i18n::tr("Usage")},
                                    {"OPTIONS", i18n::tr("OPTIONS")},
                                    {"SUBCOMMAND", i18n::tr("SUBCOMMAND")},
                                    {"SUBCOMMANDS", i18n::tr("SUBCOMMANDS")},
                                    {"Positionals", i18n::tr("Positionals")},
                                    {"Options", i18n::tr("Options")},
                                    {"REQUIRED", i18n::tr("REQUIRED")},
                                    {"Excludes", i18n::tr("Excludes")},
                                    {"Needs", i18n::tr("Needs")}})
      label(key, text);
  }
  std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
    return CLI::Formatter::make_group(get_label(group), is_positional, std::move(opts));
  }
};

// Before any subcommand is added: each inherits the formatter, its group's
// title and the help flag's text from its parent.
void translate_help(CLI::App& root) {
  root.formatter(std::make_shared<HelpFormatter>());
  root.group(i18n::tr("Subcommands"));
  root.set_help_flag("-h,--help", i18n::tr("Print this help message and exit"));
}

// A mistyped or missing command (or subcommand, as in 'spool lst'): the one
// line to print, naming the commands there are and the likely one. Options
// and -C's value are stepped over; a command's own arguments end the walk.
std::optional<std::string> command_problem(CLI::App& root, int argc, char** argv) {
  CLI::App* app = &root;
  std::string where = "crosstalk";
  for (int i = 1;; ++i) {
    auto subs = app->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return std::nullopt;
    std::vector<std::string> names;
    std::string list;
    for (const CLI::App* sub : subs) {
      names.push_back(sub->get_name());
      list += (list.empty() ? "" : ", ") + sub->get_name();
    }
    while (i < argc && std::string_view(argv[i]).starts_with("-")) {
      const std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h" || arg == "--version") return std::nullopt;  // CLI11 answers these
      i += arg == "-C" || arg == "--show" ? 2 : 1;
    }
    if (i >= argc)
      return i18n::tr("{1}: give a command; commands are: {2} (see '{1} --help')", where, list);
    const std::string word = argv[i];
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      auto guess = util::closest_match(word, names);
      return guess ? i18n::tr("{1}: unknown command '{2}'; commands are: {3} (did you mean '{4}'?)", where, word, list,
                              *guess)
                   : i18n::tr("{1}: unknown command '{2}'; commands are: {3}", where, word, list);
    }
    app = app->get_subcommand(word);
    where += " " + word;
  }
}
}  // namespace

int run(int argc, char** argv) {
  util::platform::report_file_size_limit_as_error();
  i18n::set_language(i18n::language_from_environment());  // LANG=ru_RU.UTF-8: messages in Russian
  CLI::App root{i18n::tr("crosstalk — the studio for the company podcast"), "crosstalk"};
  translate_help(root);
  root.set_version_flag("--version", std::string("crosstalk ") + kVersion,
                        i18n::tr("Display program version information and exit"));
  root.require_subcommand(1);
  root.fallthrough();  // -C DIR works before or after the subcommand
  auto show_dir = std::make_shared<ShowDir>();
  CLI::Option* show_option = root.add_option(
      "-C,--show", show_dir->path,
      i18n::tr("the show folder (default: the current folder if it is one, else $CROSSTALK_SHOW, else 'show = DIR' in "
               "{1})",
               publisher::user_config_file().string()));
  Action action;
  register_encode(root, action);
  register_show_commands(root, action, show_dir);
  register_settings(root, action, show_dir);
  register_record_commands(root, action, show_dir);
  register_subscribers(root, action, show_dir);
  register_serve(root, action, show_dir);
  register_stats(root, action, show_dir);
  register_staff(root, action, show_dir);
  register_studio(root, action, show_dir);

  if (auto problem = command_problem(root, argc, argv)) {
    std::fprintf(stderr, "%s\n", problem->c_str());
    return 2;
  }
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return root.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = "crosstalk";
    for (const CLI::App* sub : root.get_subcommands()) where += " " + sub->get_name();
    // CLI11's own sentence stays English; the frame around it is the reader's.
    std::fprintf(stderr, "%s\n", i18n::tr("{1}: {2} (see '{1} --help')", where, e.what()).c_str());
    return 2;
  }
  if (!action) return 2;
  if (show_option->count() == 0) {
    auto located = publisher::locate_show();
    show_dir->path = located.dir.string();
    show_dir->origin = located.origin;
  }
  try {
    auto result = action();
    if (!result) {
      std::fprintf(stderr, "crosstalk: %s\n", result.error().message.c_str());
      return exit_code(result.error());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crosstalk: unexpected failure: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace crosstalk::cli
