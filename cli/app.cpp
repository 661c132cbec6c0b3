// Parses the command line with CLI11 and runs the chosen subcommand; the one
// place where errors become text and exit codes.
#include "app.hpp"

#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "crosstalk/util/platform.hpp"
#include "crosstalk/util/xml_text.hpp"
#include "crosstalk/version.hpp"

namespace crosstalk::cli {

const CLI::Validator& xml_text() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        auto problem = util::xml_text_problem(text);
        return problem ? "contains " + *problem + "; remove it" : std::string();
      },
      "");
  return validator;
}

void add_max_gain(CLI::App& cmd, std::optional<double>& max_gain_db) {
  cmd.add_option_function<double>("--max-gain", [&max_gain_db](const double& db) { max_gain_db = db; },
                                  "raise a quiet recording by at most this, dB (default: the show's, 20); "
                                  "a recording that needs more is refused")
      ->check(CLI::Range(0.0, 60.0));
}

int run(int argc, char** argv) {
  util::platform::report_file_size_limit_as_error();
  CLI::App root{"crosstalk — the studio for the company podcast", "crosstalk"};
  root.set_version_flag("--version", std::string("crosstalk ") + kVersion);
  root.require_subcommand(1);
  root.fallthrough();  // -C DIR works before or after the subcommand
  auto show_dir = std::make_shared<std::string>(".");
  root.add_option("-C,--show", *show_dir, "the show folder (default: the current folder)");
  Action action;
  register_encode(root, action);
  register_show_commands(root, action, show_dir);
  register_record_commands(root, action, show_dir);
  register_subscribers(root, action, show_dir);
  register_serve(root, action, show_dir);

  if (argc > 1 && argv[1][0] != '-') {
    auto known = root.get_subcommands([&](CLI::App* sub) { return sub->get_name() == argv[1]; });
    if (known.empty()) {
      std::fprintf(stderr, "crosstalk: unknown command '%s' (see 'crosstalk --help')\n", argv[1]);
      return 2;
    }
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
    std::fprintf(stderr, "%s: %s (see '%s --help')\n", where.c_str(), e.what(), where.c_str());
    return 2;
  }
  if (!action) return 2;
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
