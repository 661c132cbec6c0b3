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
  // Self-contained: the only absolute URLs are the show's own feeds (to copy
  // and scan) and AntennaPod's subscribe link; no external assets.
  for (std::size_t at = 0; (at = html.find("http", at)) != std::string::npos; at += 4) {
    const std::string rest = html.substr(at, 100);
    if (rest.rfind("http%3A%2F%2Fpodcast.intranet%2F", 0) == 0) continue;  // inside AntennaPod's link
    EXPECT_TRUE(rest.rfind("http://podcast.intranet/", 0) == 0 ||
                rest.rfind("https://antennapod.org/deeplink/subscribe?url=http%3A%2F%2Fpodcast.intranet%2F", 0) == 0 ||
                rest.rfind("http://www.w3.org/2000/svg", 0) == 0)
        << rest;
  }
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
}

TEST(Render, MP3FeedEnclosesTheMP3WithOpusAsTheAlternate) {
  std::vector<Episode> eps{episode(1, "marketing", "2026-11-01T07:00Z"), episode(2, "sales", "2026-11-08T07:00Z")};
  eps[0].mp3_size_bytes = 777;  // episode 2 has no MP3 yet
  for (Rendition r : {Rendition::Opus, Rendition::Mp3}) {
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(render_feed(show(), eps, "", {}, r).c_str()));
    auto ch = doc.child("rss").child("channel");
    const bool mp3 = r == Rendition::Mp3;
    EXPECT_STREQ(ch.child("atom:link").attribute("href").value(),
                 mp3 ? "http://podcast.intranet/feed-mp3.xml" : "http://podcast.intranet/feed.xml");
    EXPECT_STREQ(ch.child_value("podcast:guid"),
                 mp3 ? podcast_guid_for("http://podcast.intranet/feed-mp3.xml").c_str() : show().podcast_guid.c_str());
    const auto items = ch.children("item");
    EXPECT_EQ(std::distance(items.begin(), items.end()), mp3 ? 1 : 2);
    for (auto item : items) {
      const auto enclosures = item.children("enclosure");
      EXPECT_EQ(std::distance(enclosures.begin(), enclosures.end()), 1);
      const bool has_mp3 = std::string(item.child_value("itunes:episode")) == "1";
      EXPECT_STREQ(item.child("enclosure").attribute("type").value(), mp3 ? "audio/mpeg" : "audio/ogg");
      const auto alts = item.children("podcast:alternateEnclosure");
      ASSERT_EQ(std::distance(alts.begin(), alts.end()), has_mp3 ? 2 : 0);
      if (!has_mp3) continue;
      auto first = *alts.begin();
      EXPECT_STREQ(first.attribute("default").value(), "true");
      EXPECT_STREQ(first.attribute("type").value(), item.child("enclosure").attribute("type").value());
      EXPECT_STREQ(first.child("podcast:source").attribute("uri").value(),
                   item.child("enclosure").attribute("url").value());
      auto second = *std::next(alts.begin());
      EXPECT_FALSE(second.attribute("default"));
      EXPECT_STREQ(second.attribute("length").value(), mp3 ? "1001" : "777");
      EXPECT_STREQ(second.attribute("bitrate").value(), "64000");
      EXPECT_STREQ(second.attribute("codecs").value(), mp3 ? "opus" : "mp3");
    }
  }
  EXPECT_EQ(feed_file_name("sales", Rendition::Mp3), "feed-mp3-sales.xml");
  EXPECT_FALSE(is_valid_department_id("mp3"));
  EXPECT_FALSE(is_valid_department_id("mp3-sales"));
}

TEST(Render, PageOffersOpusThenMP3AndASubscribeSectionWithQrCodes) {
  std::vector<Episode> eps{episode(1, "marketing", "2026-11-01T07:00Z")};
  eps[0].mp3_size_bytes = 777;
  const std::string html = render_page(show(), eps, {});
  const auto opus = html.find("<source src=\"episodes/0001-marketing.opus\" type=\"audio/ogg; codecs=opus\">");
  const auto mp3 = html.find("<source src=\"episodes/0001-marketing.mp3\" type=\"audio/mpeg\">");
  ASSERT_NE(opus, std::string::npos);
  ASSERT_NE(mp3, std::string::npos);
  EXPECT_LT(opus, mp3);
  EXPECT_NE(html.find("MP3</a> (1 KB)"), std::string::npos) << "777 bytes is not 0.0 MB";
  EXPECT_NE(html.find("Подписаться / Subscribe"), std::string::npos);
  EXPECT_NE(html.find("value=\"http://podcast.intranet/feed-mp3.xml\""), std::string::npos);  // Apple
  EXPECT_NE(html.find("aria-label=\"QR: http://podcast.intranet/feed-mp3.xml\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"QR: http://podcast.intranet/feed.xml\""), std::string::npos);  // Android
  Show private_show = show();
  private_show.private_feeds = true;
  const std::string page = render_page(private_show, eps, {});
  EXPECT_NE(page.find(kSubscribeMarker), std::string::npos);
  EXPECT_EQ(page.find("http://podcast.intranet/"), std::string::npos) << "a private page names no shared URL";
}

TEST(Render, QrSvgIsSquareWithAQuietZone) {
  const std::string svg = qr_svg("http://podcast.intranet/feed-mp3.xml", "QR & <x>");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("aria-label=\"QR &amp; &lt;x&gt;\""), std::string::npos);
  // Version 3 (29 modules) for a URL this long at level M, plus 4 on each side.
  EXPECT_NE(svg.find("viewBox=\"0 0 37 37\""), std::string::npos) << svg.substr(0, 200);
}

TEST(Render, Durations) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(61.6), "1:02");
  EXPECT_EQ(format_duration(3725), "1:02:05");
}

TEST(Render, PageDatesInWordsChaptersAsJumpLinksAndTheCoverAsFavicon) {
  std::vector<Episode> eps{episode(1, "marketing", "2026-11-01T07:00Z")};
  eps[0].chapters = {{0, "Начало & <конец>"}, {83.5, "Вторая"}};
  std::string html = render_page(show(), eps, {"cover.png"});
  EXPECT_NE(html.find("1 ноября 2026, 10:00 МСК"), std::string::npos);
  EXPECT_NE(html.find("<link rel=\"icon\" href=\"cover.png\">"), std::string::npos);
  EXPECT_NE(html.find("<ol class=\"chapters\" aria-label=\"Главы\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"episodes/0001-marketing.opus#t=83.500\" data-t=\"83.500\">1:24</a>Вторая"),
            std::string::npos) << html;
  EXPECT_NE(html.find("Начало &amp; &lt;конец&gt;"), std::string::npos);
  EXPECT_NE(html.find("<audio controls preload=\"none\">"), std::string::npos);
  EXPECT_NE(html.find(format_duration(61.6)), std::string::npos);  // the duration

  Show en = show();
  en.language = "en";
  html = render_page(en, eps, {});
  EXPECT_NE(html.find("1 November 2026, 10:00 MSK"), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Chapters\""), std::string::npos);
  EXPECT_EQ(html.find("rel=\"icon\""), std::string::npos);  // no cover, no icon
  eps[0].chapters.clear();
  EXPECT_EQ(render_page(en, eps, {}).find("class=\"chapters\""), std::string::npos);
  EXPECT_EQ(format_local_words(*parse_time("2026-07-05T21:30Z", "UTC"), "Europe/Moscow", "ru"), "6 июля 2026, 00:30 МСК");
}
