// The comms team's and the hosts' operations on a show folder. Every change
// happens under the show-wide lock, and every file is replaced atomically.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/recorder/encode_file.hpp"

namespace crosstalk::publisher {

struct InitOptions {
  std::string title;
  std::string description;
  std::string base_url = "http://127.0.0.1:8080/";
  std::string language = "ru";
  std::string timezone = "Europe/Moscow";
  std::string author;
  std::string owner_email;
  std::string cover;  // path of a JPEG/PNG to copy in
  bool private_feeds = false;  // only subscribers' personal URLs are served
};
Result<ShowFolder> init_show(const boost::filesystem::path& dir, const InitOptions& options);

enum class Turns { Enforce, AllowOutOfTurn };

struct ImportOptions {
  std::string title;
  std::string description;
  std::string host;
  std::string department;  // empty: whose turn it is
  Turns turns = Turns::Enforce;
  std::string publish_at;  // empty: a draft
  // Raise a quiet recording by up to this much (default: the show's cap);
  // beyond the cap an import is refused, not published too quiet.
  std::optional<double> max_gain_db;
  // How far the encode is (0..1), from an encoder thread (EncodeOptions::progress).
  std::function<void(double)> progress;
};

struct ImportResult {
  feed::Episode episode;
  recorder::EncodeReport encode;
  bool publish_time_passed = false;
  bool title_from_file = false, host_from_file = false;  // the file's tags stood in for them
};

// The `encode` pipeline into library/, then a number and a sidecar. An
// empty title or host: the file's title or artist tag (no title: refused).
Result<ImportResult> import_episode(const ShowFolder& folder, const boost::filesystem::path& file,
                                    const ImportOptions& options);

// A live recording (a finished Opus file, e.g. in the spool): the same
// checks, numbering, turns, tags and sidecar as import, without re-encoding.
// `draft` brings what the recorder knows: recorded_at, duration_seconds,
// chapters, capture. check_recording makes the checks alone, before
// recording starts.
Result<void> check_recording(const ShowFolder& folder, const ImportOptions& options);
// `lossless` (may be empty or missing): the recorder's lossless copy, from
// which the MP3 rendition is made when the show has them.
Result<feed::Episode> add_recording(const ShowFolder& folder, const boost::filesystem::path& opus,
                                    const boost::filesystem::path& lossless, const ImportOptions& options,
                                    feed::Episode draft);
// A live recording's lossless copy through the import pipeline (loudness
// normalised as the show says), keeping the draft's chapters and capture.
Result<ImportResult> import_recording(const ShowFolder& folder, const boost::filesystem::path& lossless,
                                      const ImportOptions& options, feed::Episode draft);

struct ScheduleResult {
  feed::Episode episode;
  bool in_the_past = false;  // (now was pretended) publishes at the next build
};
// A time not after `now` is refused: 'publish' is for now.
Result<ScheduleResult> schedule_episode(const ShowFolder& folder, std::string_view ref,
                                        std::string_view when, feed::Time now);
// `already`: the episode was published (a draft) before; public/ is built
// either way.
struct StateChange {
  feed::Episode episode;
  bool already = false;
};
Result<StateChange> publish_episode(const ShowFolder& folder, std::string_view ref, feed::Time now);
Result<StateChange> unpublish_episode(const ShowFolder& folder, std::string_view ref);
// Removes a draft (audio, MP3, sidecar); scheduled and published episodes
// are refused. Numbers are never reused, except the highest one: deleting
// the newest draft frees its number and gives the turn back to its
// department (nobody outside comms has seen a draft). docs/show-folder.md.
Result<feed::Episode> delete_episode(const ShowFolder& folder, std::string_view ref);

struct EditOptions {
  std::optional<std::string> title, description, host, note;
  // Another department renames the episode's files (0007-sales.* →
  // 0007-marketing.*); drafts and scheduled episodes only, and in turn
  // (after the episode before it) unless `turns` allows otherwise.
  std::optional<std::string> department;
  Turns turns = Turns::Enforce;
  std::optional<std::vector<std::string>> chapter_titles;  // one per chapter, in order
  // Asked under the lock, with the episode as it is then (e.g. "only the
  // host's own drafts"): an error refuses the edit.
  std::function<Result<void>(const feed::Episode&)> allowed;
};
// Updates the sidecar and re-tags the audio (a tagged copy renamed over it).
Result<feed::Episode> edit_episode(const ShowFolder& folder, std::string_view ref,
                                   const EditOptions& options);

// The encoder's settings for this show's episodes: bitrates and loudness
// (no output files named).
recorder::EncodeOptions encode_options(const ShowFolder& folder);

// The tags an episode's audio carries.
recorder::AudioTags tags_for(const ShowFolder& folder, const feed::Episode& episode);

// An id of the show's rotation (refused naming the ones there are).
Result<void> check_department(const feed::Show& show, const std::string& id);
// Refuses a department out of turn (unless allowed), naming who spoke last.
Result<void> check_turn(const feed::Show& show, const std::vector<feed::Episode>& episodes,
                        const std::string& department, Turns turns);
// The same for episode `number` moving to `department`: the turn as it was
// when it came (the one after the episode before it).
Result<void> check_turn_at(const feed::Show& show, const std::vector<feed::Episode>& episodes, int number,
                           const std::string& department, Turns turns);

// Titles may not be empty or only spaces.
Result<void> check_title(const std::string& title);
// A person's name or e-mail for a subscriber or staff account (`what`):
// one line, 1-200 characters.
Result<void> check_person_name(std::string_view what, std::string_view name);
// An e-mail address, or empty: one '@' with text on both sides, no spaces,
// at most 254 characters.
Result<void> check_email(std::string_view email);
// A department as people write it: its id ("sales") or its name
// ("Продажи") → the id; else refused naming the ones there are.
Result<std::string> department_id(const feed::Show& show, std::string_view text);
// Text XML can carry (util::xml_text_problem); `field` names it in the message.
Result<void> check_text(std::string_view field, std::string_view value);

// Under the lock: tags both renditions of `e` as its sidecar says, and saves
// the sidecar with their new sizes.
Result<void> retag_episode(const ShowFolder& folder, feed::Episode& e);
// The same for an episode that was `was` (its files under was.stem()):
// after a department change the files are renamed, crash-safely.
Result<void> rewrite_episode(const ShowFolder& folder, const feed::Episode& was, feed::Episode& e);
// Under the lock: finishes what a crash cut short (library/.pending-STEM):
// retags from the sidecar, or removes the audio of an addition that never
// got its sidecar. `build` calls it first.
Result<void> finish_pending_changes(const ShowFolder& folder);

}  // namespace crosstalk::publisher
