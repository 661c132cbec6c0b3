// The serve decisions without sockets: target → file, ranges, dates, types.
#include <gtest/gtest.h>

#include "crosstalk/server/http_server.hpp"
#include "crosstalk/server/static_files.hpp"
#include "temp_dir.hpp"

using namespace crosstalk::server;
namespace fs = boost::filesystem;

TEST(StaticFiles, ResolvesOnlyFilesInsideTheRoot) {
  crosstalk::test::TempDir dir;
  fs::create_directories(dir / "public" / "episodes");
  crosstalk::test::write_bytes(dir / "public" / "feed.xml", "x");
  crosstalk::test::write_bytes(dir / "public" / "index.html", "x");
  crosstalk::test::write_bytes(dir / "public" / "episodes" / "a b.opus", "x");
  crosstalk::test::write_bytes(dir / "secret.xml", "x");
  fs::create_symlink(dir / "secret.xml", dir / "public" / "link.xml");
  const fs::path root = dir / "public";
  EXPECT_TRUE(open_target(root, "/feed.xml"));
  EXPECT_TRUE(open_target(root, "/feed.xml?token=abc"));
  EXPECT_EQ(open_target(root, "/")->name, "index.html");
  EXPECT_TRUE(open_target(root, "/episodes/a%20b.opus"));
  EXPECT_EQ(open_target(root, "/episodes/a%20b.opus")->name, "a b.opus");
  for (const char* bad : {"/../secret.xml", "/%2e%2e/secret.xml", "/episodes/../../secret.xml",
                          "/episodes%2fa%20b.opus", "/episodes%5Ca%20b.opus", "/feed.xml%00", "/link.xml",
                          "/episodes", "/episodes/", "//feed.xml", "/.hidden", "feed.xml", "", "/%zz",
                          "/feed.xml%"})
    EXPECT_FALSE(open_target(root, bad)) << bad;
}

TEST(StaticFiles, Ranges) {
  ByteRange r;
  EXPECT_EQ(parse_range("bytes=0-99", 1000, r), RangeKind::Satisfiable);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 99u);
  EXPECT_EQ(parse_range("bytes=990-", 1000, r), RangeKind::Satisfiable);
  EXPECT_EQ(r.last, 999u);
  EXPECT_EQ(parse_range("bytes=-10", 1000, r), RangeKind::Satisfiable);
  EXPECT_EQ(r.first, 990u);
  EXPECT_EQ(parse_range("bytes=500-5000", 1000, r), RangeKind::Satisfiable);
  EXPECT_EQ(r.last, 999u);
  EXPECT_EQ(parse_range("bytes=1000-", 1000, r), RangeKind::Unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 1000, r), RangeKind::Unsatisfiable);
  EXPECT_EQ(parse_range("bytes=5-1", 1000, r), RangeKind::None);
  EXPECT_EQ(parse_range("bytes=0-1,3-4", 1000, r), RangeKind::None);
  EXPECT_EQ(parse_range("items=0-1", 1000, r), RangeKind::None);
  EXPECT_EQ(parse_range("bytes=x-1", 1000, r), RangeKind::None);
}

TEST(StaticFiles, DatesTypesAndTags) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_FALSE(parse_http_date("yesterday"));
  EXPECT_EQ(content_type("a.opus"), "audio/ogg");
  EXPECT_EQ(content_type("feed.xml"), "application/rss+xml; charset=utf-8");
  EXPECT_EQ(content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type("cover.png"), "image/png");
  EXPECT_EQ(content_type("a.mp3"), "audio/mpeg");
  // Chapters: a registered type, as nginx's snippet sends it (the feed's
  // podcast:chapters says application/json+chapters).
  EXPECT_EQ(content_type("0001-sales.chapters.json"), "application/json");
  EXPECT_EQ(cache_control("feed.xml"), "no-cache");
  EXPECT_NE(etag(10, 1), etag(10, 2));
  EXPECT_NE(etag(10, 1), etag(11, 1));
}

TEST(StaticFiles, ListenAddresses) {
  auto a = parse_listen("localhost:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->address, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(parse_listen("[::1]:9000")->address, "::1");
  EXPECT_EQ(parse_listen(":8080")->address, "0.0.0.0");
  EXPECT_FALSE(parse_listen("127.0.0.1:0"));
  EXPECT_FALSE(parse_listen("127.0.0.1"));
  EXPECT_FALSE(parse_listen("podcast.intranet:80"));
}

TEST(StaticFiles, AbsoluteFormTargetsLoseSchemeAndAuthority) {
  EXPECT_EQ(origin_form("http://podcast.intranet:8080/feed.xml?x=1"), "/feed.xml?x=1");
  EXPECT_EQ(origin_form("HTTPS://h/s/abc/feed.xml"), "/s/abc/feed.xml");
  EXPECT_EQ(origin_form("http://h"), "/");
  EXPECT_EQ(origin_form("http://h?x"), "/?x");
  EXPECT_EQ(origin_form("/feed.xml"), "/feed.xml");
  EXPECT_EQ(origin_form("*"), "*");
  EXPECT_EQ(origin_form("/http://h/x"), "/http://h/x");
}
