// audit.log: one JSON object per line, appended in one write under the show lock.
#include "crosstalk/publisher/audit.hpp"

#include <boost/filesystem/operations.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/platform.hpp"

namespace fs = boost::filesystem;
using nlohmann::json;

namespace crosstalk::publisher {

namespace {

std::string time_text(const std::optional<feed::Time>& t, const feed::Show& show) {
  return t ? feed::format_local(*t, show.timezone) : std::string();
}

std::string chapters_text(const std::vector<feed::Chapter>& chapters) {
  std::string out;
  for (const auto& c : chapters) out += (out.empty() ? "" : " | ") + c.title;
  return out;
}

}  // namespace

std::vector<AuditChange> episode_changes(const feed::Episode* before, const feed::Episode* after,
                                         const feed::Show& show) {
  static const feed::Episode none;
  const feed::Episode& b = before ? *before : none;
  const feed::Episode& a = after ? *after : none;
  std::vector<AuditChange> out;
  auto field = [&](const char* name, std::string from, std::string to) {
    if (from != to) out.push_back({name, std::move(from), std::move(to)});
  };
  field("title", b.title, a.title);
  field("department", b.department, a.department);
  field("host", b.host, a.host);
  field("description", b.description, a.description);
  field("state", before ? std::string(feed::to_string(b.state)) : "", after ? std::string(feed::to_string(a.state)) : "");
  field("publish-at", time_text(b.publish_at, show), time_text(a.publish_at, show));
  field("chapters", chapters_text(b.chapters), chapters_text(a.chapters));
  field("note", b.note, a.note);
  return out;
}

void audit(const ShowFolder& folder, AuditEntry entry) {
  entry.at = feed::format_utc(feed::now());
  entry.who = folder.actor.empty() ? util::platform::user_name() : folder.actor;
  json changes = json::array();
  for (const auto& c : entry.changes) changes.push_back({{"field", c.field}, {"before", c.before}, {"after", c.after}});
  json line = {{"at", entry.at}, {"who", entry.who}, {"action", entry.action}};
  if (entry.episode) line["episode"] = entry.episode;
  if (!entry.subject.empty()) line["subject"] = entry.subject;
  if (!changes.empty()) line["changes"] = changes;
  // Invalid UTF-8 (a hand-edited sidecar) is replaced, not thrown on.
  const std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace);
  if (auto r = util::platform::append_line(folder.audit_log(), text); !r)
    std::fprintf(stderr, "%s\n",
                 i18n::tr("warning: the change was made, but not written to the audit log: {1}", r.error().message)
                     .c_str());
}

Result<std::vector<AuditEntry>> recent_audit(const ShowFolder& folder, std::size_t count) {
  std::vector<AuditEntry> out;
  std::ifstream in(folder.audit_log().string(), std::ios::binary);
  if (!in) return out;  // nothing changed yet
  // Only the end of the file: the newest entries, whatever the log's length.
  constexpr std::streamoff kTail = 1 << 20;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(size > kTail ? size - kTail : 0);
  std::vector<std::string> lines;
  std::string line;
  if (size > kTail) std::getline(in, line);  // a line cut by the seek
  while (std::getline(in, line)) lines.push_back(line);
  for (auto it = lines.rbegin(); it != lines.rend() && out.size() < count; ++it) {
    json j = json::parse(*it, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("at") || !j.contains("action")) continue;
    AuditEntry e;
    try {  // a hand-edited line of the wrong shape is skipped like a torn one
    e.at = j.value("at", "");
    e.who = j.value("who", "");
    e.action = j.value("action", "");
    e.episode = j.value("episode", 0);
    e.subject = j.value("subject", "");
    if (j.contains("changes") && j["changes"].is_array())
      for (const auto& c : j["changes"])
        if (c.is_object()) e.changes.push_back({c.value("field", ""), c.value("before", ""), c.value("after", "")});
    } catch (const json::exception&) {
      continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace crosstalk::publisher
