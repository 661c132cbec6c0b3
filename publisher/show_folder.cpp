// Opening a show folder, reading its library, the show-wide lock.
#include "crosstalk/publisher/show_folder.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <boost/filesystem/operations.hpp>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/read_file.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

namespace {
std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// "0007-sales.xml", ".0007-sales.opus.tmp-…" → 7; 0 for other names.
int number_in_name(std::string name) {
  if (!name.empty() && name[0] == '.') name.erase(0, 1);
  std::size_t i = 0;
  int n = 0;
  for (; i < name.size() && i < 9 && name[i] >= '0' && name[i] <= '9'; ++i) n = n * 10 + (name[i] - '0');
  return i >= 4 && i < name.size() && name[i] == '-' ? n : 0;
}
}  // namespace

Result<ShowFolder> open_show(const fs::path& dir) {
  boost::system::error_code ec;
  if (!fs::is_directory(dir, ec))
    return bad_input(dir.string() + ": no such folder (give the show folder with -C DIR)");
  ShowFolder folder;
  folder.root = dir;
  if (!fs::exists(folder.show_xml(), ec))
    return bad_input("run this inside a show folder or give -C SHOW: " +
                     (dir == "." ? "the current folder (" + fs::current_path(ec).string() + ")" : dir.string()) +
                     " is not a show folder (no show.xml); 'crosstalk init DIR --title T' creates one");
  auto show = feed::load_show(folder.show_xml());
  if (!show) return std::unexpected(show.error());
  folder.show = std::move(*show);
  if (!fs::is_directory(folder.library(), ec))
    return bad_input(folder.library().string() + ": missing; this show folder is damaged (restore library/)");
  return folder;
}

fs::path user_config_file() { return util::platform::user_config_dir() / "crosstalk" / "config"; }

namespace {
// The value of `show = …` in the config file; empty when there is none.
std::string configured_show(const fs::path& file) {
  std::ifstream in(file.string());
  std::string line, show;
  while (std::getline(in, line)) {
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string s) {
      const auto first = s.find_first_not_of(" \t\r");
      return first == std::string::npos ? std::string() : s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
    };
    if (trim(line.substr(0, eq)) == "show") show = trim(line.substr(eq + 1));
  }
  if (show.rfind("~/", 0) == 0)
    if (const char* home = std::getenv("HOME"); home && *home) show = (fs::path(home) / show.substr(2)).string();
  return show;
}
}  // namespace

ShowLocation locate_show() {
  boost::system::error_code ec;
  if (fs::exists(fs::path("show.xml"), ec)) return {".", ""};
  if (const char* env = std::getenv("CROSSTALK_SHOW"); env && *env) return {env, "CROSSTALK_SHOW"};
  const fs::path config = user_config_file();
  if (auto show = configured_show(config); !show.empty()) return {show, config.string()};
  return {".", ""};
}

namespace {
// Sidecars parsed before, per library folder and file name, with the
// file's stamp (mtime, size, inode, ctime) when parsed: a long-running
// process (the studio, serve) reads a 10,000-episode library for every
// request, and parsing is what costs (~0.3 s); a stat per file is ~1 µs.
// Every write is an atomic rename (a new inode); a hand edit changes mtime
// and ctime.
struct CachedSidecar {
  util::platform::FileStamp stamp;
  feed::Episode episode;
};
using SidecarCache = std::unordered_map<std::string, CachedSidecar>;
std::mutex sidecar_cache_mutex;
std::unordered_map<std::string, SidecarCache> sidecar_caches;  // by library folder
}  // namespace

Result<std::vector<feed::Episode>> load_library(const ShowFolder& folder) {
  std::vector<feed::Episode> episodes;
  const std::string library = fs::absolute(folder.library()).string();
  SidecarCache before, now;  // now: only the files there now
  {
    std::lock_guard lock(sidecar_cache_mutex);
    before.swap(sidecar_caches[library]);  // (two readers at once: one of them parses)
  }
  boost::system::error_code ec;
  for (fs::directory_iterator it(folder.library(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || it->path().extension() != ".xml") continue;
    const auto stamp = util::platform::stat_stamp(it->path());
    if (auto hit = before.find(name); stamp && hit != before.end() && hit->second.stamp == *stamp) {
      episodes.push_back(hit->second.episode);
      now.insert(before.extract(hit));
      continue;
    }
    auto episode = feed::load_episode(it->path());
    if (!episode) return std::unexpected(episode.error());
    if (episode->sidecar_file() != name)
      return bad_input(it->path().string() + ": its number and department say " +
                       episode->sidecar_file() + "; rename the file or fix it");
    if (stamp) now.emplace(name, CachedSidecar{*stamp, *episode});
    episodes.push_back(std::move(*episode));
  }
  if (ec) return failure(folder.library().string() + ": cannot list: " + ec.message());
  {
    std::lock_guard lock(sidecar_cache_mutex);
    sidecar_caches[library].swap(now);
  }
  std::sort(episodes.begin(), episodes.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  for (std::size_t i = 1; i < episodes.size(); ++i) {
    if (episodes[i].number != episodes[i - 1].number) continue;
    // A move whose new sidecar is written: the old one is on its way out.
    auto moved_from = [&](const feed::Episode& to, const feed::Episode& from) {
      auto marker = util::read_file(pending_marker(folder, to.stem()));
      return marker && *marker == from.stem();
    };
    if (moved_from(episodes[i], episodes[i - 1])) {
      episodes.erase(episodes.begin() + static_cast<std::ptrdiff_t>(i - 1));
    } else if (moved_from(episodes[i - 1], episodes[i])) {
      episodes.erase(episodes.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      return bad_input(folder.library().string() + ": episode " + std::to_string(episodes[i].number) +
                       " exists twice (" + episodes[i - 1].stem() + ", " + episodes[i].stem() + ")");
    }
    --i;
  }
  return episodes;
}

fs::path pending_marker(const ShowFolder& folder, const std::string& stem) {
  return folder.library() / (".pending-" + stem);
}

int highest_number(const ShowFolder& folder, const std::vector<feed::Episode>& episodes) {
  int highest = episodes.empty() ? 0 : episodes.back().number;
  boost::system::error_code ec;
  for (fs::directory_iterator it(folder.library(), ec), end; !ec && it != end; it.increment(ec))
    highest = std::max(highest, number_in_name(it->path().filename().string()));
  return highest;
}

Result<feed::Episode*> find_episode(std::vector<feed::Episode>& episodes, std::string_view ref) {
  for (auto& e : episodes)
    if (std::to_string(e.number) == ref || e.stem() == ref) return &e;
  if (episodes.empty()) return bad_input(i18n::tr("no episode '{1}' in this show (it has none yet)", ref));
  if (episodes.size() > 10)
    return bad_input(i18n::tr("no episode '{1}' in this show (it has {2}, numbered {3} to {4})", ref, episodes.size(),
                              episodes.front().number, episodes.back().number));
  std::string known;
  for (const auto& e : episodes) known += (known.empty() ? "" : ", ") + std::to_string(e.number);
  return bad_input(i18n::tr("no episode '{1}' in this show (it has {2})", ref, known));
}

Result<void> save_episode(const ShowFolder& folder, const feed::Episode& episode) {
  return util::write_file_atomically(folder.sidecar(episode), bytes_of(feed::episode_to_xml(episode)));
}

Result<void> save_show(const ShowFolder& folder) {
  return util::write_file_atomically(folder.show_xml(), bytes_of(feed::show_to_xml(folder.show)));
}

Result<util::platform::FileLock> lock_show(const ShowFolder& folder) {
  util::platform::LockWait wait;
  if (const char* env = std::getenv("CROSSTALK_LOCK_TIMEOUT"); env && *env) {
    const std::string_view text(env);
    unsigned seconds = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size())
      return bad_input("CROSSTALK_LOCK_TIMEOUT='" + std::string(text) + "': give whole seconds, e.g. 300");
    wait.give_up_after = std::chrono::seconds(seconds);
  }
  if (const char* single = std::getenv("CROSSTALK_SINGLE_WRITER"); single && std::string_view(single) == "1")
    wait.local_only_is_fine = true;
  const std::string file = folder.lock_file().string();
  wait.waiting = [&file](const std::string& holder) {
    std::fprintf(stderr, "crosstalk: waiting for the show lock (%s), held by %s\n", file.c_str(), holder.c_str());
  };
  wait.give_up_hint =
      "if that process is gone, its machine releases the lock (see docs/show-folder.md); "
      "CROSSTALK_LOCK_TIMEOUT=SECONDS waits longer";
  return util::platform::FileLock::acquire(folder.lock_file(), wait);
}

Turn whose_turn(const feed::Show& show, const std::vector<feed::Episode>& episodes) {
  Turn turn;
  turn.next = show.rotation.front().id;
  if (episodes.empty()) return turn;
  turn.last = &episodes.back();
  for (std::size_t i = 0; i < show.rotation.size(); ++i)
    if (show.rotation[i].id == turn.last->department)
      turn.next = show.rotation[(i + 1) % show.rotation.size()].id;
  return turn;
}

}  // namespace crosstalk::publisher
