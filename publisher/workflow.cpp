// init, import, schedule, publish, unpublish, edit: each under the show lock,
// each file replaced atomically.
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/workflow.hpp"

#include <algorithm>
#include <boost/filesystem/operations.hpp>

#include "crosstalk/publisher/audit.hpp"
#include "crosstalk/publisher/build.hpp"
#include "crosstalk/publisher/nginx_config.hpp"
#include "crosstalk/publisher/settings.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/read_file.hpp"
#include "crosstalk/util/words.hpp"
#include "crosstalk/util/xml_text.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

namespace {

// Removes a file on scope exit unless released.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(fs::path p) : path_(std::move(p)) {}
  ~RemoveOnExit() {
    boost::system::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
  }
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

fs::path incoming_path(const ShowFolder& folder, const char* extension) {
  return folder.library() / fs::unique_path(std::string(".incoming-%%%%%%%%") + extension);
}

std::int64_t duration_ms(const feed::Episode& e) { return std::llround(e.duration_seconds * 1000); }

std::string departments_of(const feed::Show& show) {
  std::string out;
  for (const auto& d : show.rotation) out += (out.empty() ? "" : ", ") + d.id;
  return out;
}


// A tagged copy of `audio` (`write` tags the file it is given), ready to be
// renamed to `target` (the original, or its name after a department
// change) by commit(). Both renditions are staged before either is
// committed, so a crash between the renames is a moment long.
template <class Write>
Result<util::AtomicFile> stage_retag(const fs::path& audio, const fs::path& target, Write&& write) {
  auto copy = util::AtomicFile::create(target);
  if (!copy) return std::unexpected(copy.error());
  if (auto r = copy->close(); !r) return std::unexpected(r.error());
  boost::system::error_code ec;
  fs::remove(copy->temp_path(), ec);  // copy_file makes it anew
  if (auto r = util::copy_file(audio, copy->temp_path()); !r) return std::unexpected(r.error());
  if (auto r = write(copy->temp_path()); !r) return std::unexpected(r.error());
  return copy;
}

// A change that touches several files of one episode (audio, rendition,
// sidecar) stands between `.pending-STEM` appearing and going: a crash in
// between leaves the marker, and the next build (under the lock) finishes
// the change from the sidecar or, when there is none yet, rolls it back.
// `renamed_from`: the stem the episode's files had before a department
// change (the marker's content), so that recovery removes them.
Result<void> mark_pending(const ShowFolder& folder, const std::string& stem, const std::string& renamed_from = {}) {
  return util::write_file_atomically(
      pending_marker(folder, stem),
      std::span(reinterpret_cast<const std::uint8_t*>(renamed_from.data()), renamed_from.size()));
}

// An episode's files under `stem` (audio, MP3, sidecar, the sidecar last).
void remove_episode_files(const ShowFolder& folder, const std::string& stem) {
  boost::system::error_code ec;
  for (const char* extension : {".xml", ".opus", ".mp3"}) fs::remove(folder.library() / (stem + extension), ec);
}

void clear_pending(const ShowFolder& folder, const std::string& stem) {
  boost::system::error_code ec;
  fs::remove(pending_marker(folder, stem), ec);
}

// The prologue of every change to one episode: take the lock, read the
// library, find the episode; `fn` changes it while the lock is held.
// What it changed goes into the audit log as `action` ("delete": the
// episode is gone afterwards).
template <class Fn>
auto change_episode(const ShowFolder& folder, std::string_view ref, const char* action, Fn&& fn)
    -> decltype(fn(std::declval<feed::Episode&>())) {
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto episodes = load_library(folder);
  if (!episodes) return std::unexpected(episodes.error());
  auto found = find_episode(*episodes, ref);
  if (!found) return std::unexpected(found.error());
  const feed::Episode before = **found;
  auto result = fn(**found);
  if (result) {
    const bool gone = std::string_view(action) == "delete";
    auto changes = episode_changes(&before, gone ? nullptr : *found, folder.show);
    if (!changes.empty()) audit(folder, {{}, {}, action, before.number, {}, std::move(changes)});
  }
  return result;
}

}  // namespace

Result<void> check_department(const feed::Show& show, const std::string& id) {
  if (show.department(id)) return {};
  return bad_input(i18n::tr("unknown department '{1}' (this show has: {2})", id, departments_of(show)));
}

// Refuses a department out of turn, naming who spoke last.
Result<void> check_turn(const feed::Show& show, const std::vector<feed::Episode>& episodes,
                        const std::string& department, Turns turns) {
  Turn turn = whose_turn(show, episodes);
  if (turns == Turns::AllowOutOfTurn || department == turn.next) return {};
  std::string last = turn.last ? i18n::tr("{1} spoke last (episode {2})", turn.last->department, turn.last->number)
                               : i18n::tr("no one has spoken yet");
  // {1}, {2}: English possessives ("sales'"); {4}, {5}: the plain ids.
  return bad_input(i18n::tr("it is {1} turn, not {2}: {3}; add --out-of-turn to record anyway",
                            util::possessive(turn.next), util::possessive(department), last, turn.next, department));
}

Result<void> check_turn_at(const feed::Show& show, const std::vector<feed::Episode>& episodes, int number,
                           const std::string& department, Turns turns) {
  std::vector<feed::Episode> before;
  for (const auto& e : episodes)
    if (e.number < number) before.push_back(e);
  return check_turn(show, before, department, turns);
}

Result<void> check_title(const std::string& title) {
  if (title.find_first_not_of(" \t\r\n") == std::string::npos)
    return bad_input(i18n::tr("the title is empty; give one with --title \"...\""));
  return {};
}

Result<void> check_person_name(std::string_view what, std::string_view name) {
  const bool blank = name.find_first_not_of(" \t") == std::string_view::npos;
  const bool control = std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (blank || control || name.size() > 200 || util::xml_text_problem(name))
    return bad_input(i18n::tr("{1} name '{2}': give a person's name or e-mail (1-200 characters, one line)",
                              what, name));
  return {};
}

Result<void> check_email(std::string_view email) {
  if (email.empty()) return {};
  const auto at = email.find('@');
  const bool ok = at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
                  email.find('@', at + 1) == std::string_view::npos && email.size() <= 254 &&
                  std::none_of(email.begin(), email.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; }) &&
                  !util::xml_text_problem(email);
  if (!ok) return bad_input(i18n::tr("e-mail '{1}' is not an address like anna@example.com", email));
  return {};
}

Result<std::string> department_id(const feed::Show& show, std::string_view text) {
  for (const auto& d : show.rotation)
    if (d.id == text || d.name == text) return d.id;
  std::string known;
  for (const auto& d : show.rotation) known += (known.empty() ? "" : ", ") + d.id + " (" + d.name + ")";
  return bad_input(
      i18n::tr("unknown department '{1}' (this show has: {2}; leave it empty for someone from elsewhere)", text, known));
}

Result<void> check_text(std::string_view field, std::string_view value) {
  if (auto problem = util::xml_text_problem(value))
    return bad_input(i18n::tr("the {1} has {2}; remove it and try again", field, *problem));
  return {};
}

recorder::EncodeOptions encode_options(const ShowFolder& folder) {
  const feed::Show& show = folder.show;
  recorder::EncodeOptions encode;
  encode.bitrate = show.bitrate_kbps * 1000;
  encode.mp3_bitrate_kbps = show.mp3_bitrate_kbps;
  encode.loudness = {show.normalize, show.target_lufs, show.true_peak_dbtp, show.max_gain_db};
  return encode;
}

recorder::AudioTags tags_for(const ShowFolder& folder, const feed::Episode& e) {
  recorder::AudioTags tags;
  tags.title = e.title;
  tags.artist = e.host;
  tags.album = folder.show.title;
  tags.track = e.number;
  tags.date = feed::format_local(e.recorded_at, folder.show.timezone).substr(0, 10);  // the show's date, not UTC's
  tags.description = e.description;
  tags.language = folder.show.language;
  tags.department = e.department;
  tags.encoder = recorder::encoder_tag();
  for (const auto& c : e.chapters) tags.chapters.push_back({std::llround(c.start * 1000), c.title});
  if (!folder.show.cover.empty()) {
    auto cover = recorder::load_cover(folder.root / folder.show.cover);
    if (cover) tags.cover = std::move(*cover);
  }
  return tags;
}

Result<ShowFolder> init_show(const fs::path& dir, const InitOptions& o) {
  ShowSettings settings;  // init's options are checked as `settings` checks them
  settings.title = o.title;
  settings.description = o.description;
  settings.author = o.author;
  settings.owner_email = o.owner_email;
  settings.language = o.language;
  settings.timezone = o.timezone;
  settings.base_url = o.base_url;
  if (!o.cover.empty()) settings.cover = o.cover;
  if (auto r = check_settings(settings); !r) return std::unexpected(r.error());
  boost::system::error_code ec;
  if (fs::exists(dir / "show.xml", ec))
    return bad_input(i18n::tr("{1}: is already a show folder (show.xml exists)", dir.string()));
  fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  if (!fs::is_directory(parent, ec))
    return bad_input(i18n::tr("{1}: the folder {2} does not exist", dir.string(), parent.string()));
  fs::create_directories(dir, ec);
  if (ec) return bad_input(i18n::tr("{1}: cannot create the folder: {2}", dir.string(), ec.message()));

  ShowFolder folder;
  folder.root = dir;
  folder.show = feed::make_show(o.title, o.base_url, o.language);
  folder.show.description = o.description;
  folder.show.timezone = o.timezone;
  folder.show.author = o.author;
  folder.show.owner_email = o.owner_email;
  folder.show.private_feeds = o.private_feeds;
  for (const char* sub : {"library", "public"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) return bad_input(i18n::tr("{1}: cannot create: {2}", (dir / sub).string(), ec.message()));
  }
  if (!o.cover.empty()) {
    auto name = install_cover(dir, o.cover);
    if (!name) return std::unexpected(name.error());
    folder.show.cover = *name;
  }
  if (auto r = save_show(folder); !r) return std::unexpected(r.error());
  if (auto r = write_nginx_config(folder); !r) return std::unexpected(r.error());
  return folder;
}

namespace {

// The checks `import` and `record` make before any audio work.
struct Prepared {
  std::optional<feed::Time> publish_at;
};
Result<Prepared> prepare(const ShowFolder& folder, const ImportOptions& o) {
  if (auto r = check_title(o.title); !r) return std::unexpected(r.error());
  for (auto [field, value] : {std::pair{"title", &o.title}, {"description", &o.description}, {"host", &o.host}})
    if (auto r = check_text(field, *value); !r) return std::unexpected(r.error());
  if (!o.department.empty())
    if (auto r = check_department(folder.show, o.department); !r) return std::unexpected(r.error());
  Prepared p;
  if (!o.publish_at.empty()) {
    auto t = feed::parse_time(o.publish_at, folder.show.timezone);
    if (!t) return std::unexpected(Error{ErrorKind::BadInput, "--publish-at: " + t.error().message});
    p.publish_at = *t;
  }
  // Refuse early, before minutes of encoding or recording, when it is clearly out of turn.
  auto episodes = load_library(folder);
  if (!episodes) return std::unexpected(episodes.error());
  if (!o.department.empty())
    if (auto r = check_turn(folder.show, *episodes, o.department, o.turns); !r) return std::unexpected(r.error());
  return p;
}

// Under the lock: a number and a turn, the tags, the rename into library/
// and the sidecar. `incoming` is a finished Opus file inside library/.
Result<feed::Episode> add_to_library(const ShowFolder& folder, const fs::path& incoming,
                                     const fs::path& incoming_mp3, const ImportOptions& o, const Prepared& p,
                                     feed::Episode e) {
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto episodes = load_library(folder);
  if (!episodes) return std::unexpected(episodes.error());
  if (!e.recording_id.empty())  // under the lock: two deliveries of one recording add it once
    for (const auto& other : *episodes)
      if (other.recording_id == e.recording_id)
        return failure("recording " + e.recording_id + " is episode " + std::to_string(other.number) +
                       " already; nothing added");
  e.department = o.department.empty() ? whose_turn(folder.show, *episodes).next : o.department;
  if (auto r = check_turn(folder.show, *episodes, e.department, o.turns); !r)
    return std::unexpected(r.error());  // someone else took the turn meanwhile
  e.number = highest_number(folder, *episodes) + 1;
  e.title = o.title;
  e.description = o.description;
  e.host = o.host;
  e.guid = feed::random_guid();
  if (p.publish_at) {
    e.state = feed::State::Scheduled;
    e.publish_at = p.publish_at;
  }
  const recorder::AudioTags tags = tags_for(folder, e);
  if (auto r = recorder::write_tags(incoming, tags); !r) return std::unexpected(r.error());
  boost::system::error_code ec;
  e.size_bytes = fs::file_size(incoming, ec);
  if (!incoming_mp3.empty()) {
    if (auto r = recorder::write_mp3_tags(incoming_mp3, recorder::mp3_tags_of(tags), duration_ms(e)); !r) return std::unexpected(r.error());
    e.mp3_size_bytes = fs::file_size(incoming_mp3, ec);
  }
  for (const fs::path& target : {folder.audio(e), folder.mp3(e)})
    if (fs::exists(target, ec))
      return failure(target.string() + ": already exists without a sidecar; move it away and retry");
  // MP3, Opus, then the sidecar, under a pending marker: a crash leaves
  // audio without a sidecar that the next build removes.
  if (auto r = mark_pending(folder, e.stem()); !r) return std::unexpected(r.error());
  if (!incoming_mp3.empty()) {
    fs::rename(incoming_mp3, folder.mp3(e), ec);
    if (ec) {
      clear_pending(folder, e.stem());
      return failure(folder.mp3(e).string() + ": cannot move into the library: " + ec.message());
    }
  }
  fs::rename(incoming, folder.audio(e), ec);
  if (ec) {
    fs::remove(folder.mp3(e), ec);
    clear_pending(folder, e.stem());
    return failure(folder.audio(e).string() + ": cannot move into the library: " + ec.message());
  }
  if (auto r = save_episode(folder, e); !r) {
    fs::remove(folder.audio(e), ec);  // no audio without its sidecar
    fs::remove(folder.mp3(e), ec);
    clear_pending(folder, e.stem());
    return std::unexpected(r.error());
  }
  clear_pending(folder, e.stem());
  audit(folder, {{}, {}, e.recording_id.empty() ? "import" : "record", e.number, {}, episode_changes(nullptr, &e, folder.show)});
  return e;
}

}  // namespace

namespace {
// Encodes `file` (normalised as the show says) into library/, with its MP3
// rendition when the show has them, and adds it.
Result<ImportResult> encode_and_add(const ShowFolder& folder, const fs::path& file, const ImportOptions& o,
                                    const Prepared& prepared, feed::Episode draft) {
  // Encode outside the lock: other hosts can import at the same time.
  const fs::path incoming = incoming_path(folder, ".opus");
  const fs::path incoming_mp3 = folder.show.mp3 ? incoming_path(folder, ".mp3") : fs::path();
  RemoveOnExit cleanup(incoming), cleanup_mp3(incoming_mp3);
  recorder::EncodeOptions encode = encode_options(folder);
  encode.tags.title = o.title;
  encode.mp3_path = incoming_mp3;
  encode.loudness.quiet_input = recorder::QuietInput::Refuse;
  if (o.max_gain_db) encode.loudness.max_gain_db = *o.max_gain_db;
  encode.progress = o.progress;
  auto report = recorder::encode_file(file, incoming, encode);
  if (!report) return std::unexpected(report.error());
  draft.duration_seconds = report->seconds();
  const recorder::LoudnessReport& l = report->loudness;
  draft.loudness = feed::EpisodeLoudness{l.input.integrated_lufs, l.input.range_lu, l.input.true_peak_dbtp,
                                         l.gain_db, l.output.integrated_lufs, l.output.true_peak_dbtp,
                                         l.normalized};
  auto e = add_to_library(folder, incoming, incoming_mp3, o, prepared, std::move(draft));
  if (!e) return std::unexpected(e.error());
  cleanup.release();
  cleanup_mp3.release();
  return ImportResult{*e, *report, prepared.publish_at && *prepared.publish_at <= feed::now()};
}
}  // namespace

namespace {
// A tag, trimmed, as the default of an option: refused when a feed could
// not carry it.
Result<std::string> tag_as_default(const fs::path& file, const char* what, std::string tag) {
  const auto first = tag.find_first_not_of(" \t\r\n");
  tag = first == std::string::npos ? std::string() : tag.substr(first, tag.find_last_not_of(" \t\r\n") - first + 1);
  if (auto problem = util::xml_text_problem(tag))
    return bad_input(file.string() + ": its " + what + " tag contains " + *problem + "; give --" +
                     (std::string(what) == "title" ? "title" : "host") + " instead");
  return tag;
}
}  // namespace

Result<ImportResult> import_episode(const ShowFolder& folder, const fs::path& file,
                                    const ImportOptions& options) {
  // The file's own title and artist stand in for --title and --host (an
  // artist tag a feed could not carry is left out: a host is optional).
  ImportOptions o = options;
  bool title_from_file = false, host_from_file = false;
  if (o.title.empty() || o.host.empty()) {
    auto tags = recorder::read_input_tags(file);
    if (!tags) return std::unexpected(tags.error());
    auto title = tag_as_default(file, "title", tags->title);
    auto artist = tag_as_default(file, "artist", tags->artist);
    if (o.title.empty()) {
      if (!title) return std::unexpected(title.error());
      if (title->empty())
        return bad_input(i18n::tr("{1}: has no title tag; give the episode a title with --title \"…\"", file.string()));
      o.title = *title;
      title_from_file = true;
    }
    if (o.host.empty() && artist && !artist->empty()) {
      o.host = *artist;
      host_from_file = true;
    }
  }
  auto prepared = prepare(folder, o);
  if (!prepared) return std::unexpected(prepared.error());
  feed::Episode draft;
  draft.recorded_at = feed::now();
  auto result = encode_and_add(folder, file, o, *prepared, std::move(draft));
  if (result) {
    result->title_from_file = title_from_file;
    result->host_from_file = host_from_file;
  }
  return result;
}

Result<ImportResult> import_recording(const ShowFolder& folder, const fs::path& lossless, const ImportOptions& o,
                                      feed::Episode draft) {
  auto prepared = prepare(folder, o);
  if (!prepared) return std::unexpected(prepared.error());
  return encode_and_add(folder, lossless, o, *prepared, std::move(draft));
}

Result<void> check_recording(const ShowFolder& folder, const ImportOptions& options) {
  auto p = prepare(folder, options);
  if (!p) return std::unexpected(p.error());
  return {};
}

Result<feed::Episode> add_recording(const ShowFolder& folder, const fs::path& opus, const fs::path& lossless,
                                    const ImportOptions& o, feed::Episode draft) {
  auto prepared = prepare(folder, o);
  if (!prepared) return std::unexpected(prepared.error());
  const fs::path incoming = incoming_path(folder, ".opus");
  boost::system::error_code ec;
  const bool mp3 = folder.show.mp3 && !lossless.empty() && fs::exists(lossless, ec);
  const fs::path incoming_mp3 = mp3 ? incoming_path(folder, ".mp3") : fs::path();
  RemoveOnExit cleanup(incoming), cleanup_mp3(incoming_mp3);
  if (auto r = util::copy_file(opus, incoming); !r) return std::unexpected(r.error());
  if (mp3) {  // from the lossless copy, never from the Opus file
    recorder::EncodeOptions encode = encode_options(folder);
    encode.loudness.normalize = false;
    encode.mp3_path = incoming_mp3;
    if (auto r = recorder::encode_mp3_file(lossless, encode); !r) return std::unexpected(r.error());
  }
  auto e = add_to_library(folder, incoming, incoming_mp3, o, *prepared, std::move(draft));
  if (!e) return std::unexpected(e.error());
  cleanup.release();
  cleanup_mp3.release();
  return *e;
}

Result<ScheduleResult> schedule_episode(const ShowFolder& folder, std::string_view ref,
                                        std::string_view when, feed::Time now) {
  auto t = feed::parse_time(when, folder.show.timezone);
  if (!t) return std::unexpected(Error{ErrorKind::BadInput, "--at: " + t.error().message});
  if (*t <= now)  // a typo that would publish within seconds under `serve`
    return bad_input(i18n::tr("--at {1} is in the past (it is {2}); to publish now, use 'crosstalk publish {3}'", when,
                              feed::format_local(now, folder.show.timezone), ref));
  return change_episode(folder, ref, "schedule", [&](feed::Episode& e) -> Result<ScheduleResult> {
    if (e.state == feed::State::Published)
      return bad_input(i18n::tr("episode {1} is already published; unpublish it first to schedule it again", e.number));
    e.state = feed::State::Scheduled;
    e.publish_at = *t;
    if (auto r = save_episode(folder, e); !r) return std::unexpected(r.error());
    return ScheduleResult{e, *t <= feed::now()};
  });
}

Result<StateChange> publish_episode(const ShowFolder& folder, std::string_view ref, feed::Time now) {
  return change_episode(folder, ref, "publish", [&](feed::Episode& e) -> Result<StateChange> {
    const bool already = e.state == feed::State::Published;
    if (!already) {
      e.state = feed::State::Published;
      e.publish_at = now;
      e.published_at = now;
      if (auto r = save_episode(folder, e); !r) return std::unexpected(r.error());
    }
    if (auto r = build_public_locked(folder, now); !r) return std::unexpected(r.error());
    return StateChange{e, already};
  });
}

Result<feed::Episode> delete_episode(const ShowFolder& folder, std::string_view ref) {
  return change_episode(folder, ref, "delete", [&](feed::Episode& e) -> Result<feed::Episode> {
    if (e.state != feed::State::Draft)
      return bad_input(i18n::tr("episode {1} is {2}: only drafts can be deleted ('crosstalk unpublish {1}' first makes it a draft)",
                                e.number, e.state == feed::State::Published ? i18n::tr("published") : i18n::tr("scheduled")));
    // The sidecar goes first, under a pending marker: a crash after it
    // leaves audio without a sidecar, which the next build removes
    // (finish_pending_changes); before it, the episode is still whole.
    if (auto r = mark_pending(folder, e.stem()); !r) return std::unexpected(r.error());
    boost::system::error_code ec;
    fs::remove(folder.sidecar(e), ec);
    if (ec) {
      clear_pending(folder, e.stem());
      return failure(folder.sidecar(e).string() + ": cannot delete: " + ec.message());
    }
    // Audio left behind keeps the marker: the next build removes it.
    for (const fs::path& audio : {folder.audio(e), folder.mp3(e)}) {
      fs::remove(audio, ec);
      if (ec && fs::exists(audio))
        return failure(audio.string() + ": cannot delete: " + ec.message() +
                       "; the draft is gone, 'crosstalk build' removes its audio once it can");
    }
    clear_pending(folder, e.stem());
    return e;
  });
}

Result<StateChange> unpublish_episode(const ShowFolder& folder, std::string_view ref) {
  return change_episode(folder, ref, "unpublish", [&](feed::Episode& e) -> Result<StateChange> {
    const bool already = e.state == feed::State::Draft;
    if (!already) {
      e.state = feed::State::Draft;
      e.publish_at.reset();
      e.published_at.reset();
      if (auto r = save_episode(folder, e); !r) return std::unexpected(r.error());
    }
    if (auto r = build_public_locked(folder, feed::now()); !r) return std::unexpected(r.error());
    return StateChange{e, already};
  });
}

Result<void> retag_episode(const ShowFolder& folder, feed::Episode& e) { return rewrite_episode(folder, e, e); }

Result<void> rewrite_episode(const ShowFolder& folder, const feed::Episode& was, feed::Episode& e) {
  // Both renditions are staged and renamed in under the pending marker,
  // then the sidecar says what they are, then (a department change) the
  // files under the old name go. A crash before the sidecar leaves the
  // episode as it was (recovery removes new names without a sidecar, or
  // retags from the old sidecar); after it, recovery finishes the change.
  const bool renamed = was.stem() != e.stem();
  const recorder::AudioTags tags = tags_for(folder, e);
  auto opus =
      stage_retag(folder.audio(was), folder.audio(e), [&](const fs::path& p) { return recorder::write_tags(p, tags); });
  if (!opus) return std::unexpected(opus.error());
  boost::system::error_code ec;
  std::optional<util::AtomicFile> mp3;
  if (e.mp3_size_bytes && fs::exists(folder.mp3(was), ec)) {
    auto staged = stage_retag(folder.mp3(was), folder.mp3(e), [&](const fs::path& p) {
      return recorder::write_mp3_tags(p, recorder::mp3_tags_of(tags), duration_ms(e));
    });
    if (!staged) return std::unexpected(staged.error());
    mp3.emplace(std::move(*staged));
  }
  e.size_bytes = fs::file_size(opus->temp_path(), ec);
  if (mp3) e.mp3_size_bytes = fs::file_size(mp3->temp_path(), ec);
  if (auto r = mark_pending(folder, e.stem(), renamed ? was.stem() : std::string()); !r) return std::unexpected(r.error());
  if (auto r = opus->commit(); !r) return std::unexpected(r.error());
  if (mp3)
    if (auto r = mp3->commit(); !r) return std::unexpected(r.error());
  if (auto r = save_episode(folder, e); !r) return std::unexpected(r.error());
  if (renamed) remove_episode_files(folder, was.stem());
  clear_pending(folder, e.stem());
  return {};
}

Result<void> finish_pending_changes(const ShowFolder& folder) {
  const std::string prefix = ".pending-";
  boost::system::error_code ec;
  std::vector<std::string> stems;
  for (fs::directory_iterator it(folder.library(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.find(".tmp-") == std::string::npos) stems.push_back(name.substr(prefix.size()));
  }
  for (const std::string& stem : stems) {
    const fs::path sidecar = folder.library() / (stem + ".xml");
    if (!fs::exists(sidecar, ec)) {  // an addition or a move cut short: its audio goes
      remove_episode_files(folder, stem);
      clear_pending(folder, stem);
      continue;
    }
    // A department change whose new sidecar is there: the old name's files go.
    auto renamed_from = util::read_file(pending_marker(folder, stem));
    if (renamed_from && !renamed_from->empty() && *renamed_from != stem &&
        renamed_from->find_first_of("/\\") == std::string::npos)
      remove_episode_files(folder, *renamed_from);
    auto e = feed::load_episode(sidecar);
    if (!e) return std::unexpected(e.error());
    if (auto r = retag_episode(folder, *e); !r) return std::unexpected(r.error());
  }
  return {};
}

Result<feed::Episode> edit_episode(const ShowFolder& folder, std::string_view ref,
                                   const EditOptions& o) {
  if (o.title)
    if (auto r = check_title(*o.title); !r) return std::unexpected(r.error());
  for (auto [field, value] : {std::pair{"title", &o.title}, {"description", &o.description}, {"host", &o.host},
                              {"note", &o.note}})
    if (*value)
      if (auto r = check_text(field, **value); !r) return std::unexpected(r.error());
  if (o.chapter_titles)
    for (const auto& t : *o.chapter_titles)
      if (auto r = check_text("chapter title", t); !r) return std::unexpected(r.error());
  if (o.department)
    if (auto r = check_department(folder.show, *o.department); !r) return std::unexpected(r.error());
  return change_episode(folder, ref, "edit", [&](feed::Episode& e) -> Result<feed::Episode> {
    if (o.allowed)
      if (auto r = o.allowed(e); !r) return std::unexpected(r.error());
    const feed::Episode was = e;
    if (o.department && *o.department != e.department) {
      if (e.state == feed::State::Published)
        return bad_input(i18n::tr("episode {1} is published: its department names its audio's address, which staff's "
                                  "podcast apps and the listening figures already have; only drafts and scheduled "
                                  "episodes can move",
                                  e.number));
      auto library = load_library(folder);
      if (!library) return std::unexpected(library.error());
      if (auto r = check_turn_at(folder.show, *library, e.number, *o.department, o.turns); !r)
        return std::unexpected(r.error());
      e.department = *o.department;
    }
    if (o.chapter_titles) {
      if (o.chapter_titles->size() != e.chapters.size())
        return bad_input(i18n::tr("episode {1} has {2} chapter(s), not {3}: give a title for each, in order", e.number,
                                  e.chapters.size(), o.chapter_titles->size()));
      for (std::size_t i = 0; i < e.chapters.size(); ++i) e.chapters[i].title = (*o.chapter_titles)[i];
    }
    if (o.note) e.note = *o.note;
    if (o.title) e.title = *o.title;
    if (o.description) e.description = *o.description;
    if (o.host) e.host = *o.host;
    if (auto r = rewrite_episode(folder, was, e); !r) return std::unexpected(r.error());
    if (e.state == feed::State::Published)
      if (auto r = build_public_locked(folder, feed::now()); !r) return std::unexpected(r.error());
    return e;
  });
}

}  // namespace crosstalk::publisher
