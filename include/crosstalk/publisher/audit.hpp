// The audit log: every change to a show, from the CLI or the studio, as
// one JSON line in audit.log at the show folder's root (never served):
// when, who (the signed-in person, or the OS user), what, before → after.
// docs/show-folder.md describes the format.
#pragma once

#include <string>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

struct AuditChange {
  std::string field, before, after;
  bool operator==(const AuditChange&) const = default;
};

struct AuditEntry {
  std::string at;      // 2026-11-29T10:00:00Z (filled in by audit())
  std::string who;     // filled in from ShowFolder::actor
  std::string action;  // "import", "edit", "schedule", "publish", "unpublish", "delete", "subscriber add", ...
  int episode = 0;     // 0: not about one episode
  std::string subject;  // what it is about when not an episode (a subscriber's name)
  std::vector<AuditChange> changes;
};

// How the audit log names a person signed in to the studio: "Анна (studio)".
inline std::string studio_actor(const std::string& name) { return name + " (studio)"; }

// The fields of an episode a person changes, before → after (either may be
// null: an addition, a deletion). Times in the show's zone.
std::vector<AuditChange> episode_changes(const feed::Episode* before, const feed::Episode* after,
                                         const feed::Show& show);

// Appends one entry; call it under the show lock, after the change is made.
// The change stands whatever happens here: a log that cannot be written
// (disk full) is reported on standard error and the command goes on.
void audit(const ShowFolder& folder, AuditEntry entry);

// The newest `count` entries, newest first. A line that is not whole (a
// crash mid-write) is skipped.
Result<std::vector<AuditEntry>> recent_audit(const ShowFolder& folder, std::size_t count);

}  // namespace crosstalk::publisher
