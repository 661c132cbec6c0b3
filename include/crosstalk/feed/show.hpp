// The show's settings (show.xml) and an episode's sidecar (library/NNNN-dept.xml):
// the data model every other part reads, stored as XML through pugixml.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/time.hpp"

namespace crosstalk::feed {

struct Department {
  std::string id;    // ASCII, used in file names and feed names: "marketing"
  std::string name;  // shown to people: "Маркетинг"
  std::string podcast_guid;  // of feed-<id>.xml, set once at init
  bool operator==(const Department&) const = default;
};

struct Show {
  std::string title;
  std::string description;
  std::string author;
  std::string owner_email;
  std::string language = "ru";
  std::string timezone = "Europe/Moscow";
  std::string base_url = "http://127.0.0.1:8080/";  // ends with '/'
  std::string cover;     // file name in the show folder, e.g. cover.jpg; empty: none
  std::string category = "Business";
  std::string podcast_guid;  // of feed.xml, set once at init, kept forever
  std::vector<Department> rotation;
  int bitrate_kbps = 64;
  // The MP3 rendition of every episode (for Apple Podcasts and older
  // Safari): <mp3 enabled="true" bitrate-kbps="64"/>, on by default.
  bool mp3 = true;
  int mp3_bitrate_kbps = 64;
  // Loudness normalisation of every import (EBU R128).
  bool normalize = true;
  double target_lufs = -16.0;
  double true_peak_dbtp = -1.0;
  double max_gain_db = 20.0;
  // Private feeds: only subscribers' token URLs (base_url + "s/<token>/…")
  // are served.
  bool private_feeds = false;
  // For the nginx snippet: where nginx asks `crosstalk serve` about a token,
  // and its access log (tokens redacted).
  std::string nginx_auth_check = "127.0.0.1:8080";
  std::string nginx_access_log = "/var/log/nginx/crosstalk-access.log";
  // Where hosts open the browser studio (sign-in links start with it).
  std::string studio_url = "http://127.0.0.1:8090/";  // ends with '/'
  // Listening figures (<stats client="address" names="false"/>): what
  // access logs hold for the client (its address, or "hash": a keyed hash
  // of it, the key in the show folder's .stats-key), and whether
  // `crosstalk stats` may name individual subscribers.
  bool stats_hash_clients = false;
  bool stats_names = false;
  bool operator==(const Show&) const = default;

  const Department* department(std::string_view id) const;
};

enum class State { Draft, Scheduled, Published };
std::string_view to_string(State s);

// What loudness normalisation measured and did (absent for older episodes).
struct EpisodeLoudness {
  double input_lufs = 0, input_lra = 0, input_true_peak = 0;
  double gain_db = 0, output_lufs = 0, output_true_peak = 0;
  bool normalized = false;
  bool operator==(const EpisodeLoudness&) const = default;
};

// A chapter mark: seconds into the episode and a title.
struct Chapter {
  double start = 0;
  std::string title;
  bool operator==(const Chapter&) const = default;
};

// What the live recorder reports about its capture (absent for imports).
struct CaptureStats {
  std::uint64_t overflows = 0;        // input overflows reported by the audio system
  std::uint64_t dropped_samples = 0;  // lost because the encoder fell behind
  bool operator==(const CaptureStats&) const = default;
};

struct Episode {
  int number = 0;
  std::string department;
  std::string title;
  std::string description;
  std::string host;
  Time recorded_at{};
  double duration_seconds = 0;
  std::uint64_t size_bytes = 0;
  std::optional<std::uint64_t> mp3_size_bytes;  // the MP3 rendition's, when it exists
  std::string guid;  // generated once, never changes
  State state = State::Draft;
  std::optional<Time> publish_at;    // scheduled for
  std::optional<Time> published_at;  // the item's pubDate
  std::optional<EpisodeLoudness> loudness;
  std::vector<Chapter> chapters;
  std::optional<CaptureStats> capture;
  std::string recording_id;  // a live recording's spool id (delivered once), else empty
  std::string recorded_by;   // the studio's staff name who recorded it (owns the draft), else empty
  std::string note;          // the host's note for comms (never published)
  bool cut_short = false;    // the recording ended without Stop (tab closed, device gone)
  bool operator==(const Episode&) const = default;

  std::string stem() const;         // "0007-sales"
  std::string audio_file() const;   // "0007-sales.opus"
  std::string mp3_file() const;     // "0007-sales.mp3"
  std::string sidecar_file() const; // "0007-sales.xml"
  std::string chapters_file() const;  // "0007-sales.chapters.json" (Podcasting 2.0)
};

// Someone with a personal feed URL. Only the SHA-256 of the token is kept.
struct Subscriber {
  std::string name;
  std::string token_sha256;  // lowercase hex
  Time added{};
  std::string department;    // may be empty: for the listening figures by department
  std::string email;         // may be empty: for a mail merge of the links (subscribers add --from)
  bool operator==(const Subscriber&) const = default;
};

// Someone who may enter the browser studio (staff.xml). A host records and
// edits their own drafts; comms may do everything.
enum class Role { Host, Comms };
std::string_view to_string(Role r);
struct StaffMember {
  std::string name;
  Role role = Role::Host;
  std::string department;    // may be empty
  std::string email;         // may be empty; matched by the single-sign-on header too
  std::string token_sha256;  // lowercase hex of the sign-in token
  Time added{};
  bool operator==(const StaffMember&) const = default;
};
// staff.xml in the show folder; a missing file is nobody.
Result<std::vector<StaffMember>> load_staff(const boost::filesystem::path& staff_xml);
std::string staff_to_xml(const std::vector<StaffMember>& staff);

// subscribers.xml in the show folder; a missing file is no subscribers.
Result<std::vector<Subscriber>> load_subscribers(const boost::filesystem::path& subscribers_xml);
std::string subscribers_to_xml(const std::vector<Subscriber>& subscribers);

// A new show's defaults: rotation marketing, sales (names in its language)
// and the podcast:guid of every feed, from its URL.
Show make_show(std::string title, std::string base_url, std::string language);

Result<Show> load_show(const boost::filesystem::path& show_xml);
std::string show_to_xml(const Show& show);

Result<Episode> load_episode(const boost::filesystem::path& sidecar);
std::string episode_to_xml(const Episode& episode);

// The feed URL's podcast:guid (Podcasting 2.0): UUIDv5 of the URL without
// its scheme and trailing slashes.
std::string podcast_guid_for(std::string_view feed_url);
std::string random_guid();

// The MP3 rendition's bitrates LAME offers for 48 kHz (32 … 192 kbit/s).
bool is_mp3_bitrate(int kbps);

// Department ids: lowercase ASCII letters, digits and '-', 1-32 long.
bool is_valid_department_id(std::string_view id);

}  // namespace crosstalk::feed
