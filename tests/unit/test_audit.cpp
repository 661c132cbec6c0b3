// The audit log: what changed, who, newest first; torn or foreign lines skipped.
#include <gtest/gtest.h>

#include <fstream>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/audit.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::publisher;

namespace {
ShowFolder folder_in(const test::TempDir& dir) {
  ShowFolder f;
  f.root = dir.path();
  f.show.timezone = "Europe/Moscow";
  return f;
}
}  // namespace

TEST(Audit, EpisodeChangesNameEachFieldBeforeAndAfter) {
  feed::Show show;
  show.timezone = "Europe/Moscow";
  feed::Episode before;
  before.number = 7;
  before.title = "Черновик";
  before.chapters = {{0, "Начало"}};
  feed::Episode after = before;
  after.title = "Итоги & <квартала> 🎙";
  after.state = feed::State::Scheduled;
  after.publish_at = *feed::parse_time("2026-12-01T10:00", "Europe/Moscow");
  auto changes = episode_changes(&before, &after, show);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0], (AuditChange{"title", "Черновик", "Итоги & <квартала> 🎙"}));
  EXPECT_EQ(changes[1], (AuditChange{"state", "draft", "scheduled"}));
  EXPECT_EQ(changes[2].field, "publish-at");
  EXPECT_EQ(changes[2].before, "");
  EXPECT_EQ(changes[2].after.substr(0, 16), "2026-12-01 10:00");
  EXPECT_TRUE(episode_changes(&before, &before, show).empty());
  // A deletion: every field that had a value goes to "".
  auto gone = episode_changes(&before, nullptr, show);
  EXPECT_EQ(gone[0], (AuditChange{"title", "Черновик", ""}));
}

TEST(Audit, NewestFirstWithWhoAndTornLinesSkipped) {
  test::TempDir dir;
  ShowFolder f = folder_in(dir);
  f.actor = studio_actor("Анна \"Ч\"");
  audit(f, {{}, {}, "edit", 3, {}, {{"title", "a", "b\nc"}}});
  {
    std::ofstream torn((dir / "audit.log").string(), std::ios::app);
    torn << "{\"at\":\"2026-11-29T10:00:00Z\",\"who\":\"cut sh";  // power lost mid-line: no newline
  }
  f.actor.clear();  // the OS user
  audit(f, {{}, {}, "subscriber add", 0, "Борис & Co", {}});  // starts a line of its own
  {
    std::ofstream odd((dir / "audit.log").string(), std::ios::app);
    odd << "[1,2]\n{\"at\":1,\"action\":2}\n";  // lines of the wrong shape
  }
  auto entries = recent_audit(f, 10);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].action, "subscriber add");
  EXPECT_EQ((*entries)[0].subject, "Борис & Co");
  EXPECT_FALSE((*entries)[0].who.empty());
  EXPECT_EQ((*entries)[1].who, "Анна \"Ч\" (studio)");
  EXPECT_EQ((*entries)[1].episode, 3);
  ASSERT_EQ((*entries)[1].changes.size(), 1u);
  EXPECT_EQ((*entries)[1].changes[0].after, "b\nc");
  EXPECT_EQ(recent_audit(f, 1)->size(), 1u);
}

TEST(Audit, NoLogYetIsNoEntries) {
  test::TempDir dir;
  auto entries = recent_audit(folder_in(dir), 10);
  ASSERT_TRUE(entries);
  EXPECT_TRUE(entries->empty());
}
