// show.xml and sidecars: round trips with any text, errors with file:line.
#include <gtest/gtest.h>

#include "crosstalk/feed/show.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::feed;

namespace {
const std::string kNasty = "Голос врага & <b>\"продажи\"</b> 'маркетинг' 🎙️\nвторая строка";
}

TEST(ShowXml, PodcastGuidIsTheNamespacesUuidV5) {
  // The example in the Podcasting 2.0 namespace docs.
  EXPECT_EQ(podcast_guid_for("https://mp3s.nashownotes.com/pc20rss.xml"),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810");
  EXPECT_EQ(podcast_guid_for("http://mp3s.nashownotes.com/pc20rss.xml/"),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810");
  EXPECT_NE(random_guid(), random_guid());
}

TEST(ShowXml, ShowRoundTrips) {
  test::TempDir dir;
  Show show = make_show(kNasty, "http://podcast.intranet", "ru");
  show.description = kNasty;
  show.author = "Отдел коммуникаций";
  show.timezone = "Europe/Berlin";
  show.target_lufs = -19.5;
  show.max_gain_db = 12;
  show.normalize = false;
  show.mp3 = false;
  show.mp3_bitrate_kbps = 96;
  EXPECT_EQ(show.base_url, "http://podcast.intranet/");
  ASSERT_EQ(show.rotation.size(), 2u);
  EXPECT_EQ(show.rotation[0].name, "Маркетинг");
  test::write_bytes(dir / "show.xml", show_to_xml(show));
  auto back = load_show(dir / "show.xml");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, show);
  // MP3 renditions are on by default (shows made before them included), and
  // a bitrate LAME cannot do is refused with the line.
  std::string text = show_to_xml(show);
  const auto at = text.find("  <mp3 ");
  ASSERT_NE(at, std::string::npos);
  test::write_bytes(dir / "show.xml", text.substr(0, at) + text.substr(text.find('\n', at) + 1));
  back = load_show(dir / "show.xml");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->mp3);
  EXPECT_EQ(back->mp3_bitrate_kbps, 64);
  test::write_bytes(dir / "show.xml", text.substr(0, at) + "  <mp3 enabled=\"true\" bitrate-kbps=\"65\"/>\n" +
                                          text.substr(text.find('\n', at) + 1));
  back = load_show(dir / "show.xml");
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("show.xml:"), std::string::npos) << back.error().message;
  EXPECT_NE(back.error().message.find("bitrate-kbps"), std::string::npos);
}

TEST(ShowXml, EpisodeRoundTrips) {
  test::TempDir dir;
  Episode e;
  e.number = 12;
  e.department = "sales";
  e.title = kNasty;
  e.description = kNasty;
  e.host = "Иван & Мария";
  e.recorded_at = *parse_time("2026-11-20T12:34:56Z", "UTC");
  e.duration_seconds = 1234.5;
  e.size_bytes = 9876543;
  e.guid = random_guid();
  e.state = State::Scheduled;
  e.publish_at = *parse_time("2026-12-01T07:00Z", "UTC");
  e.loudness = EpisodeLoudness{-35.25, 6.5, -14.75, 19.25, -16.0, -2.0, true};
  e.chapters = {{0, kNasty}, {83.456, "Глава 2"}};
  e.capture = CaptureStats{2, 480};
  e.mp3_size_bytes = 4242;
  EXPECT_EQ(e.stem(), "0012-sales");
  EXPECT_EQ(e.mp3_file(), "0012-sales.mp3");
  EXPECT_EQ(e.chapters_file(), "0012-sales.chapters.json");
  test::write_bytes(dir / "0012-sales.xml", episode_to_xml(e));
  auto back = load_episode(dir / "0012-sales.xml");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);
  e.loudness->input_lufs = -HUGE_VAL;  // silence
  test::write_bytes(dir / "0012-sales.xml", episode_to_xml(e));
  back = load_episode(dir / "0012-sales.xml");
  ASSERT_TRUE(back);
  EXPECT_TRUE(std::isinf(back->loudness->input_lufs));
}

TEST(ShowXml, ErrorsNameTheFileAndLine) {
  test::TempDir dir;
  test::write_bytes(dir / "show.xml", "<?xml version=\"1.0\"?>\n<show>\n  <title>x</title>\n  <oops>\n</show>\n");
  auto bad = load_show(dir / "show.xml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::BadInput);
  EXPECT_NE(bad.error().message.find("show.xml:5: malformed XML"), std::string::npos) << bad.error().message;

  Show show = make_show("T", "http://x/", "en");
  std::string xml = show_to_xml(show);
  xml.replace(xml.find("<timezone>Europe/Moscow"), 22, "<timezone>Nowhere/City");
  test::write_bytes(dir / "show.xml", xml);
  bad = load_show(dir / "show.xml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("show.xml:8: unknown time zone"), std::string::npos) << bad.error().message;

  test::write_bytes(dir / "0001-sales.xml",
                    "<episode>\n<number>1</number>\n<department>sales</department>\n"
                    "<recorded-at>yesterday</recorded-at>\n<guid>g</guid>\n<state>draft</state>\n</episode>\n");
  auto ep = load_episode(dir / "0001-sales.xml");
  ASSERT_FALSE(ep);
  EXPECT_NE(ep.error().message.find("0001-sales.xml:4: <recorded-at> is not a time"), std::string::npos)
      << ep.error().message;
}

TEST(ShowXml, DepartmentIds) {
  EXPECT_TRUE(is_valid_department_id("marketing"));
  EXPECT_TRUE(is_valid_department_id("r-and-d2"));
  EXPECT_FALSE(is_valid_department_id("Sales"));
  EXPECT_FALSE(is_valid_department_id("продажи"));
  EXPECT_FALSE(is_valid_department_id("../x"));
  EXPECT_FALSE(is_valid_department_id(""));
}
