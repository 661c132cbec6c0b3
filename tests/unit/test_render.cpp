// Feeds and page from a known show: structure, order, filtering, escaping.
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "crosstalk/feed/render.hpp"

using namespace crosstalk::feed;

namespace {
Show show() {
  Show s = make_show("Голос врага & <Co>", "http://podcast.intranet/", "ru");
  s.owner_email = "comms@example.com";
  return s;
}
Episode episode(int n, const std::string& dep, const std::string& when) {
  Episode e;
  e.number = n;
  e.department = dep;
  e.title = "Выпуск " + std::to_string(n) + " <b>&\"'</b> 🎙";
  e.description = "Описание & <i>";
  e.host = "Анна";
  e.duration_seconds = 61.6;
  e.size_bytes = 1000 + static_cast<std::uint64_t>(n);
  e.guid = "guid-" + std::to_string(n);
  e.state = State::Published;
  e.published_at = *parse_time(when, "UTC");
  e.recorded_at = *e.published_at;
  return e;
}
}  // namespace

TEST(Render, FeedHasChannelTagsAndItemsNewestFirst) {
  std::vector<Episode> eps{episode(1, "marketing", "2026-11-01T07:00Z"),
                           episode(3, "marketing", "2026-11-15T07:00Z"),
                           episode(2, "sales", "2026-11-08T07:00Z")};
  std::string xml = render_feed(show(), eps, "", {"cover.jpg"});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  auto ch = doc.child("rss").child("channel");
  EXPECT_STREQ(ch.child_value("title"), "Голос врага & <Co>");
  EXPECT_STREQ(ch.child_value("itunes:block"), "Yes");
  EXPECT_STREQ(ch.child_value("podcast:locked"), "yes");
  EXPECT_STREQ(ch.child("itunes:image").attribute("href").value(), "http://podcast.intranet/cover.jpg");
  EXPECT_STREQ(ch.child_value("podcast:guid"), podcast_guid_for("http://podcast.intranet/feed.xml").c_str());
  std::vector<std::string> order;
  for (auto item : ch.children("item")) order.push_back(item.child_value("itunes:episode"));
  EXPECT_EQ(order, (std::vector<std::string>{"3", "2", "1"}));
  auto first = ch.child("item");
  EXPECT_STREQ(first.child_value("title"), "Выпуск 3 <b>&\"'</b> 🎙");
  EXPECT_STREQ(first.child_value("pubDate"), "Sun, 15 Nov 2026 10:00:00 +0300");
  EXPECT_STREQ(first.child("enclosure").attribute("length").value(), "1003");
  EXPECT_STREQ(first.child("enclosure").attribute("type").value(), "audio/ogg");
  EXPECT_STREQ(first.child("guid").attribute("isPermaLink").value(), "false");
  EXPECT_STREQ(first.child_value("itunes:duration"), "62");
  EXPECT_STREQ(first.child_value("category"), "Маркетинг");
  EXPECT_STREQ(first.child_value("podcast:person"), "Анна");
}

TEST(Render, DepartmentFeedHasOnlyItsEpisodesAndItsOwnGuid) {
  std::vector<Episode> eps{episode(1, "marketing", "2026-11-01T07:00Z"), episode(2, "sales", "2026-11-08T07:00Z")};
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(render_feed(show(), eps, "sales", {}).c_str()));
  auto ch = doc.child("rss").child("channel");
  EXPECT_EQ(std::distance(ch.children("item").begin(), ch.children("item").end()), 1);
  EXPECT_STREQ(ch.child("item").child_value("itunes:episode"), "2");
  EXPECT_STREQ(ch.child_value("podcast:guid"), podcast_guid_for("http://podcast.intranet/feed-sales.xml").c_str());
  EXPECT_FALSE(ch.child("itunes:image"));
}

TEST(Render, ChannelDescriptionKeepsEmojiAndIsCutAtACharacterBoundary) {
  Show s = show();
  s.description = "Описание 🎙️";
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(render_feed(s, {}, "", {}).c_str()));
  EXPECT_STREQ(doc.child("rss").child("channel").child_value("description"), "Описание 🎙️");
  s.description.clear();
  for (int i = 0; i < 2100; ++i) s.description += "я";  // 4200 bytes
  s.description = "x" + s.description;                   // odd offset: byte 4000 is mid-character
  ASSERT_TRUE(doc.load_string(render_feed(s, {}, "", {}).c_str()));
  std::string cut = doc.child("rss").child("channel").child_value("description");
  EXPECT_EQ(cut.size(), 3999u);
  EXPECT_EQ(cut, s.description.substr(0, 3999));
}

TEST(Render, SameInputSameBytes) {
  std::vector<Episode> eps{episode(1, "marketing", "2026-11-01T07:00Z")};
  EXPECT_EQ(render_feed(show(), eps, "", {}), render_feed(show(), eps, "", {}));
  EXPECT_EQ(render_page(show(), eps, {}), render_page(show(), eps, {}));
}

TEST(Render, PageEscapesEverythingAndHasAPlayerPerEpisode) {
  std::vector<Episode> eps{episode(1, "marketing", "2026-11-01T07:00Z"), episode(2, "sales", "2026-11-08T07:00Z")};
  std::string html = render_page(show(), eps, {"cover.jpg"});
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
  EXPECT_NE(html.find("Выпуск 2 &lt;b&gt;&amp;&quot;&#39;&lt;/b&gt; 🎙"), std::string::npos);
  EXPECT_NE(html.find("<title>Голос врага &amp; &lt;Co&gt;</title>"), std::string::npos);
  EXPECT_LT(html.find("episode-2"), html.find("episode-1"));  // newest first
  std::size_t players = 0;
  for (std::size_t at = 0; (at = html.find("<audio controls preload=\"none\"", at)) != std::string::npos; ++at) ++players;
  EXPECT_EQ(players, 2u);
  EXPECT_NE(html.find("href=\"feed-sales.xml\""), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos) << "self-contained: no external URLs";
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(Render, Durations) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(61.6), "1:02");
  EXPECT_EQ(format_duration(3725), "1:02:05");
}
