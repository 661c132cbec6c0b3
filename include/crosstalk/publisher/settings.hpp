// The show's settings as people change them: `crosstalk settings` shows
// show.xml's fields and changes them, and `init` checks its options with the
// same code (check_settings). A change is all or nothing: every value is
// checked first, then show.xml is replaced atomically under the show lock
// and the change goes into the audit log.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

// What to change; an empty optional leaves that setting as it is.
struct ShowSettings {
  std::optional<std::string> title, description, author, owner_email, language, timezone, base_url,
      studio_url;
  std::optional<std::string> cover;  // a JPEG/PNG file to copy into the show folder
  std::optional<bool> private_feeds, normalize, mp3;
  std::optional<double> target_lufs, true_peak_dbtp, max_gain_db;
  std::optional<int> bitrate_kbps, mp3_bitrate_kbps;
};

// The first bad value, as one line naming its option and what to give
// instead (exit 2); nothing else is looked at. Used by `init` too.
Result<void> check_settings(const ShowSettings& settings);

// One setting as `crosstalk settings` prints it: the option's name
// without "--" and its value.
struct Setting {
  std::string name, value;
};
std::vector<Setting> settings_of(const feed::Show& show);

// Copies a checked cover image into the show folder (cover.jpg or
// cover.png, atomically) and returns its file name.
Result<std::string> install_cover(const boost::filesystem::path& show_root, const std::string& image);

// Checks, then under the lock applies the change to show.xml as it is on
// disk, writes it atomically, rewrites the nginx snippets and records what
// changed (before → after) in the audit log. Returns the show as saved and
// updates folder.show.
struct SettingsChange {
  feed::Show show;
  std::vector<Setting> changed;  // after, in settings_of's order
};
Result<SettingsChange> change_settings(ShowFolder& folder, const ShowSettings& settings);

}  // namespace crosstalk::publisher
