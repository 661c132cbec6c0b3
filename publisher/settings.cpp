// `crosstalk settings` and init's checks: show.xml's fields as options,
// checked one by one, changed all at once under the lock.
#include "crosstalk/publisher/settings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <boost/filesystem/operations.hpp>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/audit.hpp"
#include "crosstalk/publisher/nginx_config.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/recorder/audio_tags.hpp"
#include "crosstalk/util/atomic_file.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

namespace {

// Every message of this file, in one place (to be translated later).
constexpr const char* kNeedsAbsoluteUrl = "must be an absolute URL like http://podcast.intranet/";
constexpr const char* kNeedsLanguage = "must be a language code like ru, en or en-GB";
constexpr const char* kOutOfRange = "is out of range; give ";
constexpr const char* kMp3Rates = "one of 32 40 48 56 64 80 96 112 128 160 192";
constexpr const char* kUnchanged = " (show.xml is unchanged)";
constexpr const char* kSavedBad = "the new show.xml would not load: ";

std::string option_value(const char* option, const std::string& value) {
  return std::string(option) + " '" + value + "'";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string cover_file_name(const recorder::Cover& cover) {
  return cover.image.mime_type == "image/png" ? "cover.png" : "cover.jpg";
}

bool is_language_code(std::string_view code) {
  // BCP 47's common shapes: a 2-3 letter language, then 2-8 letter/digit subtags.
  std::size_t start = 0;
  for (bool first = true;; first = false) {
    std::size_t end = code.find('-', start);
    std::string_view part = code.substr(start, end == std::string_view::npos ? code.npos : end - start);
    const bool ok = first ? (part.size() == 2 || part.size() == 3) &&
                                std::all_of(part.begin(), part.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })
                          : part.size() >= 2 && part.size() <= 8 &&
                                std::all_of(part.begin(), part.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    if (!ok) return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

Result<void> check_url(const char* option, const std::optional<std::string>& url) {
  if (url && url->find("://") == std::string::npos) return bad_input(option_value(option, *url) + " " + kNeedsAbsoluteUrl);
  return {};
}

Result<void> check_range(const char* option, const std::optional<double>& v, double lo, double hi) {
  if (v && !(*v >= lo && *v <= hi))
    return bad_input(option_value(option, number(*v)) + " " + kOutOfRange + number(lo) + " to " + number(hi));
  return {};
}

}  // namespace

Result<void> check_settings(const ShowSettings& s) {
  if (s.title)
    if (auto r = check_title(*s.title); !r) return r;
  for (auto [field, value] : {std::pair{"title", &s.title}, {"description", &s.description}, {"author", &s.author},
                              {"owner e-mail", &s.owner_email}, {"language", &s.language}, {"base URL", &s.base_url},
                              {"studio URL", &s.studio_url}})
    if (*value)
      if (auto r = check_text(field, **value); !r) return r;
  if (auto r = check_url("--base-url", s.base_url); !r) return r;
  if (auto r = check_url("--studio-url", s.studio_url); !r) return r;
  if (s.language && !is_language_code(*s.language))
    return bad_input(option_value("--language", *s.language) + " " + kNeedsLanguage);
  if (s.timezone)
    if (auto r = feed::check_time_zone(*s.timezone); !r)
      return bad_input("--timezone: " + r.error().message);
  if (s.cover)
    if (auto c = recorder::load_cover(*s.cover); !c) return bad_input("--cover: " + c.error().message);
  if (auto r = check_range("--loudness", s.target_lufs, -40, -5); !r) return r;
  if (auto r = check_range("--true-peak", s.true_peak_dbtp, -12, 0); !r) return r;
  if (auto r = check_range("--max-gain", s.max_gain_db, 0, 60); !r) return r;
  if (s.bitrate_kbps)
    if (auto r = check_range("--bitrate", double(*s.bitrate_kbps), 6, 256); !r) return r;
  if (s.mp3_bitrate_kbps && !feed::is_mp3_bitrate(*s.mp3_bitrate_kbps))
    return bad_input(option_value("--mp3-bitrate", std::to_string(*s.mp3_bitrate_kbps)) + " " + kOutOfRange + kMp3Rates);
  return {};
}

std::vector<Setting> settings_of(const feed::Show& s) {
  auto yes_no = [](bool b) { return std::string(b ? "true" : "false"); };
  return {{"title", s.title},
          {"description", s.description},
          {"author", s.author},
          {"owner-email", s.owner_email},
          {"language", s.language},
          {"timezone", s.timezone},
          {"base-url", s.base_url},
          {"studio-url", s.studio_url},
          {"cover", s.cover},
          {"private", yes_no(s.private_feeds)},
          {"normalize", yes_no(s.normalize)},
          {"loudness", number(s.target_lufs)},
          {"true-peak", number(s.true_peak_dbtp)},
          {"max-gain", number(s.max_gain_db)},
          {"bitrate", std::to_string(s.bitrate_kbps)},
          {"mp3", yes_no(s.mp3)},
          {"mp3-bitrate", std::to_string(s.mp3_bitrate_kbps)}};
}

Result<std::string> install_cover(const fs::path& show_root, const std::string& image) {
  auto cover = recorder::load_cover(image);
  if (!cover) return std::unexpected(cover.error());
  std::string name = cover_file_name(*cover);
  if (auto r = util::write_file_atomically(show_root / name, cover->data); !r) return std::unexpected(r.error());
  return name;
}

Result<SettingsChange> change_settings(ShowFolder& folder, const ShowSettings& s) {
  if (auto r = check_settings(s); !r) return std::unexpected(Error{r.error().kind, r.error().message + kUnchanged});
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto current = feed::load_show(folder.show_xml());  // as it is now, not as opened
  if (!current) return std::unexpected(current.error());
  feed::Show show = *current;
  auto set = [](auto& field, const auto& value) {
    if (value) field = *value;
  };
  set(show.title, s.title);
  set(show.description, s.description);
  set(show.author, s.author);
  set(show.owner_email, s.owner_email);
  set(show.language, s.language);
  set(show.timezone, s.timezone);
  set(show.base_url, s.base_url);
  set(show.studio_url, s.studio_url);
  set(show.private_feeds, s.private_feeds);
  set(show.normalize, s.normalize);
  set(show.mp3, s.mp3);
  set(show.target_lufs, s.target_lufs);
  set(show.true_peak_dbtp, s.true_peak_dbtp);
  set(show.max_gain_db, s.max_gain_db);
  set(show.bitrate_kbps, s.bitrate_kbps);
  set(show.mp3_bitrate_kbps, s.mp3_bitrate_kbps);
  if (!show.base_url.empty() && show.base_url.back() != '/') show.base_url += '/';
  if (!show.studio_url.empty() && show.studio_url.back() != '/') show.studio_url += '/';
  std::optional<recorder::Cover> cover;
  if (s.cover) {
    auto c = recorder::load_cover(*s.cover);
    if (!c) return bad_input("--cover: " + c.error().message + kUnchanged);
    cover = std::move(*c);
    show.cover = cover_file_name(*cover);
  }

  // The new show.xml goes beside the old one and must load before it replaces it.
  const std::string xml = feed::show_to_xml(show);
  auto staged = util::AtomicFile::create(folder.show_xml());
  if (!staged) return std::unexpected(staged.error());
  if (auto r = staged->file().write_all({reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size()}); !r)
    return std::unexpected(r.error());
  if (auto r = staged->close(); !r) return std::unexpected(r.error());
  if (auto reloaded = feed::load_show(staged->temp_path()); !reloaded)
    return bad_input(kSavedBad + reloaded.error().message + kUnchanged);
  SettingsChange out{show, {}};
  std::vector<AuditChange> changes;
  const auto before = settings_of(*current), after = settings_of(show);
  for (std::size_t i = 0; i < after.size(); ++i)
    if (before[i].value != after[i].value || (after[i].name == "cover" && s.cover)) {
      changes.push_back({after[i].name, before[i].value, after[i].value});
      out.changed.push_back(after[i]);
    }
  if (changes.empty()) return out;  // show.xml stays as it was, mtime included
  if (cover)  // after show.xml is known good, before it names the file
    if (auto r = util::write_file_atomically(folder.root / show.cover, cover->data); !r)
      return std::unexpected(r.error());
  if (auto r = staged->commit(); !r) return std::unexpected(r.error());
  folder.show = show;
  audit(folder, {{}, {}, "settings", 0, {}, std::move(changes)});
  if (auto r = write_nginx_config(folder); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace crosstalk::publisher
