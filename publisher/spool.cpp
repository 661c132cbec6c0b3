// The spool: rec-<time>-<random>.opus plus rec-….xml.
#include "crosstalk/publisher/spool.hpp"

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cstdlib>
#include <pugixml.hpp>
#include <sstream>

#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/platform.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

fs::path SpoolItem::meta() const {
  fs::path m = audio;
  return m.replace_extension(".xml");
}

fs::path SpoolItem::lossless() const {
  fs::path m = audio;
  return m.replace_extension(".wav");
}

Result<fs::path> spool_dir() {
  const char* env = std::getenv("CROSSTALK_SPOOL");
  fs::path dir = env && *env ? fs::path(env) : util::platform::user_data_dir() / "crosstalk" / "spool";
  boost::system::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return failure(dir.string() + ": cannot create the recording spool: " + ec.message());
  return dir;
}

Result<void> save_spool_item(const SpoolItem& item) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("recording");
  root.append_attribute("version") = 1;
  auto add = [&root](const char* name, const std::string& value) { root.append_child(name).text().set(value.c_str()); };
  add("show", item.show_dir);
  add("title", item.options.title);
  add("description", item.options.description);
  add("host", item.options.host);
  add("department", item.options.department);
  add("out-of-turn", item.options.turns == Turns::AllowOutOfTurn ? "true" : "false");
  add("publish-at", item.options.publish_at);
  if (item.options.max_gain_db) add("max-gain", std::to_string(*item.options.max_gain_db));
  add("recorded-at", feed::format_utc(item.recorded_at));
  add("state", item.complete ? "complete" : "recording");
  add("seconds", std::to_string(item.seconds));
  add("overflows", std::to_string(item.overflows));
  add("dropped-samples", std::to_string(item.dropped));
  if (!item.recording_id.empty()) add("recording-id", item.recording_id);
  if (!item.recorded_by.empty()) add("recorded-by", item.recorded_by);
  if (item.cut_short) add("cut-short", "true");
  auto chapters = root.append_child("chapters");
  for (const auto& c : item.chapters) {
    auto node = chapters.append_child("chapter");
    node.append_attribute("start") = c.start;
    node.text().set(c.title.c_str());
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  const std::string text = out.str();
  return util::write_file_atomically(item.meta(), {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

Result<SpoolItem> load_spool_item(const fs::path& meta) {
  pugi::xml_document doc;
  auto parsed = doc.load_file(meta.c_str());
  auto root = doc.child("recording");
  if (!parsed || !root) return bad_input(meta.string() + ": not a crosstalk spool file (" + parsed.description() + ")");
  auto text = [&root](const char* name) { return std::string(root.child(name).text().as_string()); };
  SpoolItem item;
  item.audio = fs::path(meta).replace_extension(".opus");
  item.show_dir = text("show");
  item.options.title = text("title");
  item.options.description = text("description");
  item.options.host = text("host");
  item.options.department = text("department");
  item.options.turns = text("out-of-turn") == "true" ? Turns::AllowOutOfTurn : Turns::Enforce;
  item.options.publish_at = text("publish-at");
  if (auto max_gain = root.child("max-gain")) item.options.max_gain_db = max_gain.text().as_double();
  if (auto t = feed::parse_time(text("recorded-at"), "UTC")) item.recorded_at = *t;
  item.complete = text("state") == "complete";
  item.seconds = root.child("seconds").text().as_double();
  item.overflows = root.child("overflows").text().as_ullong();
  item.dropped = root.child("dropped-samples").text().as_ullong();
  for (auto node : root.child("chapters").children("chapter"))
    item.chapters.push_back({node.attribute("start").as_double(), node.text().as_string()});
  item.recording_id = text("recording-id");
  if (item.recording_id.empty()) item.recording_id = item.audio.stem().string();
  item.recorded_by = text("recorded-by");
  item.cut_short = text("cut-short") == "true";
  return item;
}

Result<std::vector<SpoolItem>> load_spool() {
  auto dir = spool_dir();
  if (!dir) return std::unexpected(dir.error());
  std::vector<fs::path> metas;
  boost::system::error_code ec;
  for (fs::directory_iterator it(*dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("rec-", 0) == 0 && it->path().extension() == ".xml") metas.push_back(it->path());
  }
  std::sort(metas.begin(), metas.end());
  std::vector<SpoolItem> items;
  for (const auto& m : metas) {
    if (!fs::exists(m, ec)) continue;  // delivered meanwhile by another process
    auto item = load_spool_item(m);
    if (!item) return std::unexpected(item.error());
    items.push_back(std::move(*item));
  }
  return items;
}

void discard(const SpoolItem& item) {
  boost::system::error_code ec;
  fs::remove(item.audio, ec);
  fs::remove(item.meta(), ec);
  fs::remove(fs::path(item.audio).replace_extension(".log"), ec);
  fs::remove(item.lossless(), ec);
}

Result<feed::Episode> deliver(const SpoolItem& item, const std::function<void()>& before_normalising) {
  boost::system::error_code ec;
  if (!fs::exists(item.audio, ec))
    return bad_input("no audio (the recording never started); 'crosstalk spool discard " + item.recording_id +
                     "' removes it");
  if (!item.complete)
    return bad_input(item.audio.string() + ": the recording was cut short; run 'crosstalk recover --all' (or 'crosstalk recover " +
                     item.audio.string() + "') first");
  auto folder = open_show(item.show_dir);
  if (!folder) return std::unexpected(folder.error());
  // Delivered already (before a crash, or by another process meanwhile):
  // only the spool's copy goes.
  auto delivered = [&]() -> std::optional<feed::Episode> {
    auto episodes = load_library(*folder);
    if (!episodes) return std::nullopt;
    for (const auto& e : *episodes)
      if (e.recording_id == item.recording_id) {
        discard(item);
        return e;
      }
    return std::nullopt;
  };
  if (auto e = delivered()) return *e;
  feed::Episode draft;
  draft.recording_id = item.recording_id;
  draft.recorded_at = item.recorded_at;
  draft.duration_seconds = item.seconds;
  // A chapter past the end (marked in the last instant, or cut by a crash) is dropped.
  for (const auto& c : item.chapters)
    if (c.start < item.seconds) draft.chapters.push_back(c);
  draft.capture = feed::CaptureStats{item.overflows, item.dropped};
  draft.recorded_by = item.recorded_by;
  draft.cut_short = item.cut_short;
  Result<feed::Episode> e = failure("not delivered");
  if (folder->show.normalize && fs::exists(item.lossless(), ec)) {
    if (before_normalising) before_normalising();
    auto imported = import_recording(*folder, item.lossless(), item.options, std::move(draft));
    if (imported) e = imported->episode;
    else e = std::unexpected(imported.error());
  } else {
    e = add_recording(*folder, item.audio, item.lossless(), item.options, std::move(draft));
  }
  if (!e) {
    if (auto done = delivered()) return *done;  // another process was first (under the lock, see add_to_library)
    return std::unexpected(e.error());
  }
  discard(item);
  return e;
}

}  // namespace crosstalk::publisher
