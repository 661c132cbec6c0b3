// `crosstalk settings [--title T] [--language L] …`: without options prints
// the show's settings (show.xml); with options changes them all or none.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/settings.hpp"

namespace crosstalk::cli {

namespace {

template <class T>
void option(CLI::App& cmd, const char* name, std::optional<T>& field, const std::string& help) {
  cmd.add_option_function<T>(name, [&field](const T& v) { field = v; }, help);
}

// Each setting: its name (padded to 12) and value, or "changed NAME: VALUE".
void print_settings(const std::vector<publisher::Setting>& settings, bool changed) {
  for (const auto& s : settings) {
    const std::string value = s.value.empty() ? i18n::tr("(none)") : s.value;
    if (changed)
      std::printf("%s\n", i18n::tr("changed {1}: {2}", s.name, value).c_str());
    else
      std::printf("%-12s %s\n", s.name.c_str(), value.c_str());
  }
}

}  // namespace

void register_settings(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  auto s = std::make_shared<publisher::ShowSettings>();
  auto* cmd = root.add_subcommand(
      "settings", i18n::tr("Show the show's settings, or change them (title, language, time zone, …)"));
  option(*cmd, "--title", s->title, i18n::tr("the show's title"));
  option(*cmd, "--description", s->description, i18n::tr("what the show is about"));
  option(*cmd, "--author", s->author, i18n::tr("author shown in podcast apps"));
  option(*cmd, "--owner-email", s->owner_email, i18n::tr("owner's e-mail"));
  option(*cmd, "--language", s->language, i18n::tr("language code: ru, en, en-GB, …"));
  option(*cmd, "--timezone", s->timezone, i18n::tr("Area/City, e.g. Europe/Moscow"));
  option(*cmd, "--base-url", s->base_url, i18n::tr("where public/ is served, e.g. http://podcast.intranet/"));
  option(*cmd, "--studio-url", s->studio_url, i18n::tr("where hosts open the browser studio"));
  option(*cmd, "--cover", s->cover, i18n::tr("a new cover image, JPEG or PNG, copied into the show folder"));
  option(*cmd, "--private", s->private_feeds, i18n::tr("true: only personal links ('subscribers add') work"));
  option(*cmd, "--normalize", s->normalize, i18n::tr("true: loudness-normalise every episode"));
  option(*cmd, "--loudness", s->target_lufs, i18n::tr("loudness target, LUFS (-40 to -5; default -16)"));
  option(*cmd, "--true-peak", s->true_peak_dbtp, i18n::tr("true-peak ceiling, dBTP (-12 to 0)"));
  option(*cmd, "--max-gain", s->max_gain_db, i18n::tr("raise a quiet recording by at most this, dB (0 to 60)"));
  option(*cmd, "--bitrate", s->bitrate_kbps, i18n::tr("Opus bitrate, kbit/s (6 to 256)"));
  option(*cmd, "--mp3", s->mp3, i18n::tr("true: make an MP3 rendition of every episode"));
  option(*cmd, "--mp3-bitrate", s->mp3_bitrate_kbps, i18n::tr("MP3 bitrate, kbit/s (32 to 192)"));
  cmd->callback([&action, s, show_dir, cmd] {
    const bool change = cmd->get_options([](CLI::Option* o) { return o->count() > 0 && o->get_name() != "--help"; }).size() > 0;
    action = [s, show_dir, change]() -> Result<void> {
      auto folder = show_dir->open();
      if (!folder) return std::unexpected(folder.error());
      if (!change) {
        print_settings(publisher::settings_of(folder->show), false);
        return {};
      }
      auto r = publisher::change_settings(*folder, *s);
      if (!r) return std::unexpected(r.error());
      if (r->changed.empty()) {
        std::printf("%s\n", i18n::tr("nothing changed: every value was already so").c_str());
        return {};
      }
      print_settings(r->changed, true);
      std::printf("%s\n", i18n::tr("run 'crosstalk build' to update public/ (feeds and page)").c_str());
      return {};
    };
  });
}

}  // namespace crosstalk::cli
