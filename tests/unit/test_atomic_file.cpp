// AtomicFile: the target shows the old content or the complete new one.
#include <gtest/gtest.h>

#include "crosstalk/util/atomic_file.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
namespace fs = boost::filesystem;

namespace {
std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

TEST(AtomicFile, CommitReplacesTheTarget) {
  test::TempDir dir;
  test::write_bytes(dir / "feed.xml", "old");
  auto file = util::AtomicFile::create(dir / "feed.xml");
  ASSERT_TRUE(file);
  ASSERT_TRUE(file->file().write_all(bytes("new content")));
  auto seen = test::read_bytes(dir / "feed.xml");
  EXPECT_EQ(std::string(seen.begin(), seen.end()), "old");  // not yet
  ASSERT_TRUE(file->commit());
  seen = test::read_bytes(dir / "feed.xml");
  EXPECT_EQ(std::string(seen.begin(), seen.end()), "new content");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, WithoutCommitTheOldFileStaysAndTheTempGoes) {
  test::TempDir dir;
  test::write_bytes(dir / "feed.xml", "old");
  {
    auto file = util::AtomicFile::create(dir / "feed.xml");
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->file().write_all(bytes("half")));
    EXPECT_TRUE(fs::exists(file->temp_path()));
    EXPECT_EQ(file->temp_path().parent_path(), dir.path());
  }
  auto seen = test::read_bytes(dir / "feed.xml");
  EXPECT_EQ(std::string(seen.begin(), seen.end()), "old");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, CloseThenEditByPathThenCommit) {
  test::TempDir dir;
  auto file = util::AtomicFile::create(dir / "a.opus");
  ASSERT_TRUE(file);
  ASSERT_TRUE(file->file().write_all(bytes("abc")));
  ASSERT_TRUE(file->close());
  test::write_bytes(file->temp_path(), "edited");
  ASSERT_TRUE(file->commit());
  auto seen = test::read_bytes(dir / "a.opus");
  EXPECT_EQ(std::string(seen.begin(), seen.end()), "edited");
}

TEST(AtomicFile, MissingFolderIsBadInput) {
  test::TempDir dir;
  auto file = util::AtomicFile::create(dir.path() / "nope" / "x.opus");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().kind, ErrorKind::BadInput);
  EXPECT_NE(file.error().message.find("does not exist"), std::string::npos);
}

TEST(AtomicFile, WriteFileAtomically) {
  test::TempDir dir;
  ASSERT_TRUE(util::write_file_atomically(dir / "x.txt", bytes("Привет & <>")));
  auto seen = test::read_bytes(dir / "x.txt");
  EXPECT_EQ(std::string(seen.begin(), seen.end()), "Привет & <>");
  // Derived data, not waited for on the disk: replaced the same way, no temp left.
  ASSERT_TRUE(
      util::write_file_atomically(dir / "x.txt", bytes("🎙️ \"'"), util::Durability::Unsynced));
  seen = test::read_bytes(dir / "x.txt");
  EXPECT_EQ(std::string(seen.begin(), seen.end()), "🎙️ \"'");
  EXPECT_EQ(entries(dir.path()), 1u);
}
