// build: publish what is due, then make public/ match the published set.
// Order keeps every moment consistent for readers: new audio is linked
// first, then feeds and page are replaced atomically, then audio that is no
// longer published is removed.
#include "crosstalk/publisher/build.hpp"

#include "crosstalk/publisher/audit.hpp"

#include <boost/filesystem/operations.hpp>
#include <ctime>
#include <cstdio>
#include <set>
#include <sstream>

#include "crosstalk/feed/render.hpp"
#include "crosstalk/publisher/nginx_config.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/platform.hpp"
#include "crosstalk/util/read_file.hpp"
#include "crosstalk/version.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

namespace {

std::string read_all(const fs::path& p) { return util::read_file(p).value_or(std::string()); }

bool same_file(const fs::path& a, const fs::path& b) {
  boost::system::error_code ec;
  if (fs::equivalent(a, b, ec) && !ec) return true;
  // A copy (other file system): same size and mtime as the library's.
  return fs::exists(b, ec) && fs::file_size(a, ec) == fs::file_size(b, ec) &&
         fs::last_write_time(a, ec) == fs::last_write_time(b, ec);
}

// Hard link when possible (same file system), else a copy; made under a
// temporary name and renamed, so the episode URL never shows half a file.
Result<void> place_episode(const fs::path& source, const fs::path& target) {
  fs::path temp = target.parent_path() / fs::unique_path("." + target.filename().string() + ".tmp-%%%%%%%%");
  boost::system::error_code ec;
  fs::create_hard_link(source, temp, ec);
  if (ec) {
    ec.clear();
    auto copied = util::copy_file(source, temp);
    if (copied) fs::last_write_time(temp, fs::last_write_time(source, ec), ec);
    if (!copied || ec) {
      boost::system::error_code ignored;
      fs::remove(temp, ignored);
      return failure(target.string() + ": cannot copy the episode: " +
                     (copied ? ec.message() : copied.error().message));
    }
  }
  fs::rename(temp, target, ec);
  if (ec) {
    boost::system::error_code ignored;
    fs::remove(temp, ignored);
    return failure(target.string() + ": cannot publish the episode: " + ec.message());
  }
  return {};
}

// What a build depends on, summed up: every file in library/, show.xml, the
// cover, and what is in public/. Any edit, rename, addition or removal
// changes it (mtimes are nanoseconds on local disks). One file's share:
std::uint64_t stamp_hash(const std::string& name, const fs::path& p) {
  auto st = util::platform::stat_stamp(p);
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  auto feed = [&h](const void* data, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) h = (h ^ static_cast<const unsigned char*>(data)[i]) * 1099511628211ull;
  };
  feed(name.data(), name.size());
  if (st) {
    feed(&st->mtime_ns, sizeof st->mtime_ns);
    feed(&st->size, sizeof st->size);
    feed(&st->inode, sizeof st->inode);
    feed(&st->ctime_ns, sizeof st->ctime_ns);
  }
  return h;
}

// A folder and (unless `shallow`) every entry in it; summed, so order-independent.
std::uint64_t folder_hash(const fs::path& dir, bool shallow) {
  std::uint64_t sum = stamp_hash(dir.string(), dir);
  if (shallow) return sum;
  boost::system::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    sum += stamp_hash(it->path().filename().string(), it->path());
  return sum;
}

// The inputs besides show.xml (the cover it names, library/): stamped before
// the build reads them, so a change made while it runs triggers the next one.
std::uint64_t inputs_hash(const ShowFolder& folder) {
  return (folder.show.cover.empty() ? 0 : stamp_hash("cover", folder.root / folder.show.cover)) +
         folder_hash(folder.library(), false);
}

// What is in public/ (episodes/: its own mtime covers links added or removed).
std::uint64_t outputs_hash(const ShowFolder& folder) {
  return folder_hash(folder.public_dir(), false) + folder_hash(folder.public_dir() / "episodes", true);
}

std::string fingerprint(std::uint64_t sum) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(sum));
  return std::string(kVersion) + " " + buf;
}

fs::path stamp_path(const ShowFolder& folder) { return folder.root / ".crosstalk-build"; }

// The stamp of the last complete build: fingerprint, next due time, count.
struct Stamp {
  std::string fingerprint;
  std::optional<feed::Time> next_due;
  std::size_t published = 0;
};

std::optional<Stamp> read_stamp(const ShowFolder& folder) {
  auto text = util::read_file(stamp_path(folder));
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  Stamp s;
  std::string due;
  if (!std::getline(in, s.fingerprint) || !std::getline(in, due) || !(in >> s.published)) return std::nullopt;
  if (due != "-") {
    auto t = feed::parse_time(due, "UTC");
    if (!t) return std::nullopt;
    s.next_due = *t;
  }
  return s;
}

Result<void> write_stamp(const ShowFolder& folder, const BuildReport& report, const std::string& fingerprint) {
  std::string text = fingerprint + "\n" +
                     (report.next_due ? feed::format_utc(*report.next_due) : "-") + "\n" +
                     std::to_string(report.published) + "\n";
  return util::write_file_atomically(stamp_path(folder), {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

Result<BuildReport> build_everything(const ShowFolder& folder, feed::Time now);

}  // namespace

Result<BuildReport> build_public(const ShowFolder& folder, feed::Time now) {
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  return build_public_locked(folder, now);
}

Result<BuildReport> build_public_locked(const ShowFolder& caller, feed::Time now) {
  // The settings on disk now, not those the caller read earlier (serve reads
  // them once, at start); show.xml is stamped before it is read.
  std::uint64_t inputs = stamp_hash("show.xml", caller.show_xml());
  auto show = feed::load_show(caller.show_xml());
  if (!show) return std::unexpected(Error{show.error().kind, show.error().message + " (public/ left as it was)"});
  const ShowFolder folder{caller.root, std::move(*show), caller.actor};
  inputs += inputs_hash(folder);
  // Nothing changed since the last build and nothing fell due: done, without
  // reading a single sidecar.
  if (auto stamp = read_stamp(folder); stamp && (!stamp->next_due || now < *stamp->next_due) &&
                                       stamp->fingerprint == fingerprint(inputs + outputs_hash(folder))) {
    BuildReport report;
    report.published = stamp->published;
    report.next_due = stamp->next_due;
    return report;
  }
  auto report = build_everything(folder, now);
  if (!report) return report;
  if (auto r = write_nginx_config(folder); !r) return std::unexpected(r.error());
  // The inputs as they were when read: what changed since shows at the next build.
  if (auto r = write_stamp(folder, *report, fingerprint(inputs + outputs_hash(folder))); !r)
    return std::unexpected(r.error());
  return report;
}

namespace {

Result<BuildReport> build_everything(const ShowFolder& folder, feed::Time now) {
  // What a crash cut short first (library/.pending-*), then read and check
  // everything before touching public/.
  if (auto r = finish_pending_changes(folder); !r) return std::unexpected(r.error());
  auto library = load_library(folder);
  if (!library) return std::unexpected(library.error());
  BuildReport report;
  boost::system::error_code ec;
  std::vector<feed::Episode> published;
  for (feed::Episode& e : *library) {
    bool due = e.state == feed::State::Scheduled && e.publish_at && *e.publish_at <= now;
    if (e.state == feed::State::Scheduled && !due &&
        (!report.next_due || *e.publish_at < *report.next_due))
      report.next_due = e.publish_at;
    if (e.state != feed::State::Published && !due) continue;
    if (!fs::is_regular_file(folder.audio(e), ec))
      return failure(folder.audio(e).string() + ": the audio of episode " + std::to_string(e.number) +
                     " is missing; restore it or unpublish " + std::to_string(e.number));
    if (e.mp3_size_bytes && !fs::is_regular_file(folder.mp3(e), ec))
      e.mp3_size_bytes.reset();  // its MP3 went missing: `build` makes it again, `check` names it
    if (due) {
      e.state = feed::State::Published;
      e.published_at = e.publish_at;
      report.newly_published.push_back(e.number);
    }
    published.push_back(e);
  }
  std::string cover_bytes;
  feed::PublicCover cover;
  if (!folder.show.cover.empty()) {
    if (!fs::is_regular_file(folder.root / folder.show.cover, ec))
      return failure((folder.root / folder.show.cover).string() + ": the cover named in show.xml is missing");
    cover.file = folder.show.cover;
    cover_bytes = read_all(folder.root / folder.show.cover);
  }
  std::vector<std::pair<std::string, std::string>> pages;
  std::vector<feed::Rendition> renditions{feed::Rendition::Opus};
  if (folder.show.mp3) renditions.push_back(feed::Rendition::Mp3);
  for (feed::Rendition r : renditions) {
    pages.emplace_back(feed::feed_file_name("", r), feed::render_feed(folder.show, published, "", cover, r));
    for (const auto& d : folder.show.rotation)
      pages.emplace_back(feed::feed_file_name(d.id, r), feed::render_feed(folder.show, published, d.id, cover, r));
  }
  pages.emplace_back("index.html", feed::render_page(folder.show, published, cover));
  if (!cover.file.empty()) pages.emplace_back(cover.file, cover_bytes);
  for (const feed::Episode& e : published)
    if (!e.chapters.empty()) pages.emplace_back("episodes/" + e.chapters_file(), feed::render_chapters(e));

  // The sidecars of episodes that just went live.
  for (const feed::Episode& e : published)
    if (std::find(report.newly_published.begin(), report.newly_published.end(), e.number) !=
        report.newly_published.end()) {
      if (auto r = save_episode(folder, e); !r) return std::unexpected(r.error());
      audit(folder, {{}, {}, "publish (its time came)", e.number, {}, {{"state", "scheduled", "published"}}});
    }

  const fs::path pub = folder.public_dir();
  const fs::path episodes_dir = pub / "episodes";
  // Temporary files of a build that was killed (we hold the lock: no build
  // is writing now).
  for (fs::directory_iterator it(pub, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    boost::system::error_code rm;
    if (name[0] == '.' && name.find(".tmp-") != std::string::npos) fs::remove(it->path(), rm);
    // MP3 feeds of a show that has turned its MP3 renditions off.
    if (!folder.show.mp3 && name.rfind("feed-mp3", 0) == 0 && it->path().extension() == ".xml") {
      fs::remove(it->path(), rm);
      if (!rm) report.removed.push_back(name);
    }
  }
  ec.clear();
  // In library/: temp files of killed sidecar writes and re-tags (made under
  // the lock), and imports abandoned for a day (imports encode unlocked).
  const auto day_ago = std::time(nullptr) - 24 * 3600;
  for (fs::directory_iterator it(folder.library(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    boost::system::error_code rm;
    bool incoming = name.rfind(".incoming-", 0) == 0 || name.rfind("..incoming-", 0) == 0;
    bool stale_temp = name[0] == '.' && name.find(".tmp-") != std::string::npos && !incoming;
    if (stale_temp || (incoming && fs::last_write_time(it->path(), rm) < day_ago)) fs::remove(it->path(), rm);
  }
  ec.clear();
  fs::create_directories(episodes_dir, ec);
  if (ec) return failure(episodes_dir.string() + ": cannot create: " + ec.message());

  std::set<std::string> wanted;
  for (const feed::Episode& e : published) {
    if (!e.chapters.empty()) wanted.insert(e.chapters_file());
    std::vector<std::pair<fs::path, std::string>> files{{folder.audio(e), e.audio_file()}};
    if (folder.show.mp3 && e.mp3_size_bytes) files.emplace_back(folder.mp3(e), e.mp3_file());
    for (const auto& [source, name] : files) {
      wanted.insert(name);
      fs::path target = episodes_dir / name;
      if (same_file(source, target)) continue;
      if (auto r = place_episode(source, target); !r) return std::unexpected(r.error());
      report.written.push_back("episodes/" + name);
    }
  }
  for (const auto& [name, content] : pages) {
    auto changed = util::write_file_if_changed(pub / name, content);
    if (!changed) return std::unexpected(changed.error());
    if (*changed) report.written.push_back(name);
  }
  for (fs::directory_iterator it(episodes_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (wanted.count(name)) continue;
    boost::system::error_code rm;
    fs::remove(it->path(), rm);
    if (rm) return failure(it->path().string() + ": cannot remove: " + rm.message());
    report.removed.push_back("episodes/" + name);
  }
  report.published = published.size();
  return report;
}

}  // namespace

}  // namespace crosstalk::publisher
