// The show folder on disk: show.xml, library/ (every episode, never served),
// public/ (the web root). Opening, the show-wide lock, reading and writing
// episode sidecars.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::publisher {

struct ShowFolder {
  boost::filesystem::path root;
  feed::Show show;
  // Who makes the changes, for the audit log: the OS user (open_show's
  // default), or the person signed in to the studio.
  std::string actor;

  boost::filesystem::path show_xml() const { return root / "show.xml"; }
  boost::filesystem::path library() const { return root / "library"; }
  boost::filesystem::path public_dir() const { return root / "public"; }
  boost::filesystem::path lock_file() const { return root / ".crosstalk.lock"; }
  boost::filesystem::path audit_log() const { return root / "audit.log"; }
  boost::filesystem::path audio(const feed::Episode& e) const { return library() / e.audio_file(); }
  boost::filesystem::path mp3(const feed::Episode& e) const { return library() / e.mp3_file(); }
  boost::filesystem::path sidecar(const feed::Episode& e) const { return library() / e.sidecar_file(); }
};

// Fails with one line when `dir` is not a show folder or show.xml is bad.
Result<ShowFolder> open_show(const boost::filesystem::path& dir);

// The show folder when -C is not given: the current folder when it is one;
// else $CROSSTALK_SHOW; else the `show = PATH` line of the per-user config
// file (user_config_file()); else the current folder (and opening it says
// what to do). `origin` says which, for messages: "", "CROSSTALK_SHOW" or
// the config file's path.
struct ShowLocation {
  boost::filesystem::path dir;
  std::string origin;
};
ShowLocation locate_show();
// <user config dir>/crosstalk/config: `show = /path/to/show` (# comments).
boost::filesystem::path user_config_file();

// Every sidecar in library/, sorted by number; a malformed one is an error
// naming its file and line. A department change cut short after its new
// sidecar (library/.pending-NEW naming the old stem) shows the new one.
Result<std::vector<feed::Episode>> load_library(const ShowFolder& folder);

// library/.pending-STEM: a change to several files of one episode under
// way (workflow.cpp); after a department change it holds the old stem.
boost::filesystem::path pending_marker(const ShowFolder& folder, const std::string& stem);

// The highest episode number used by any file in library/ (sidecar or audio).
int highest_number(const ShowFolder& folder, const std::vector<feed::Episode>& episodes);

// "7" or "0007-sales".
Result<feed::Episode*> find_episode(std::vector<feed::Episode>& episodes, std::string_view ref);

Result<void> save_episode(const ShowFolder& folder, const feed::Episode& episode);
Result<void> save_show(const ShowFolder& folder);

// The show-wide lock: every change to the folder happens while holding it.
Result<util::platform::FileLock> lock_show(const ShowFolder& folder);

// Whose turn it is: the department after the highest-numbered episode's.
struct Turn {
  std::string next;              // department id
  const feed::Episode* last = nullptr;  // the highest-numbered episode, if any
};
Turn whose_turn(const feed::Show& show, const std::vector<feed::Episode>& episodes);

}  // namespace crosstalk::publisher
