// Each subcommand registers its options on the root CLI11 app and, when it is
// the one given, leaves the work to do in `action`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "crosstalk/error.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/recorder/audio_file_reader.hpp"
#include "crosstalk/recorder/loudness.hpp"

namespace crosstalk::cli {

using Action = std::function<Result<void>()>;

// For options whose text reaches feeds, tags or show files: refuses what
// XML 1.0 cannot carry (util::xml_text_problem), naming the option (exit 2).
const CLI::Validator& xml_text();

// --max-gain of import, record and upload: how far a quiet recording may be
// raised; beyond it the import is refused with a line saying so.
void add_max_gain(CLI::App& cmd, std::optional<double>& max_gain_db);

// --tls-cert/--tls-key of serve and studio (PEM files; both or neither).
void add_tls_options(CLI::App& cmd, std::string& cert, std::string& key);

void register_encode(CLI::App& root, Action& action);
// One line of loudness figures, and a warning line for silent or very quiet input.
// An episode's state as the reader says it ("draft", "черновик").
std::string state_text(feed::State state);
// A number as printf's `format` writes it, for a translated message.
std::string number(const char* format, double v);
void print_loudness(const std::string& source, const recorder::LoudnessReport& loudness);
// What the user should know of the input on stderr: which of several audio streams was used.
void print_input_notes(const std::string& source, const recorder::AudioFileInfo& input);
// The show folder: -C/--show, or where publisher::locate_show() found it.
struct ShowDir {
  std::string path = ".";
  std::string origin;  // "" (-C or the current folder), "CROSSTALK_SHOW" or the config file
  // A failure says where the folder came from when -C did not name it.
  Result<publisher::ShowFolder> open() const;
};

// `show_dir` holds the show folder once parsed.
void register_show_commands(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir);
void register_settings(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir);
void register_subscribers(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir);
void register_record_commands(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir);
void register_serve(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir);
void register_stats(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir);
void register_staff(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir);
void register_studio(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir);

}  // namespace crosstalk::cli
