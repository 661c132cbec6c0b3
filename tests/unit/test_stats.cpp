// Listening figures on synthetic logs: an exact expected count for every
// counting rule (docs/stats.md), the log line both servers write, reading
// rotated and gzipped logs incrementally, the department matrix, the page.
#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/filesystem/operations.hpp>
#include <cstring>
#include <fstream>

#include "crosstalk/feed/show.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/access_log.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/publisher/subscribers.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/stats/agents.hpp"
#include "crosstalk/stats/by_listener.hpp"
#include "crosstalk/stats/counter.hpp"
#include "crosstalk/stats/log_files.hpp"
#include "crosstalk/stats/log_line.hpp"
#include "crosstalk/stats/people.hpp"
#include "crosstalk/stats/report.hpp"
#include "crosstalk/stats/state.hpp"
#include "crosstalk/stats/stats.hpp"
#include "crosstalk/stats/store.hpp"
#include "crosstalk/stats/sums.hpp"
#include "crosstalk/util/platform.hpp"
#include "crosstalk/util/read_file.hpp"
#include "crosstalk/util/token.hpp"
#include "private_show.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
namespace fs = boost::filesystem;

namespace {

constexpr std::int64_t T0 = 1795000000;  // 2026-11-18
constexpr std::uint64_t kSize = 1'000'000, kHeader = 1000;
constexpr double kSeconds = 600;
// headers + 60 s of (size − headers) / 600 s = 1000 + 99,900
constexpr std::uint64_t kThreshold = 100'900;
const char* const kAnt = "AntennaPod/3.4.0";

stats::FileTable files() {
  stats::FileTable t;
  t["0001-marketing.opus"] = {1, false, kSize, stats::download_threshold(kSize, kHeader, kSeconds)};
  t["0001-marketing.mp3"] = {1, true, 2 * kSize,
                             stats::download_threshold(2 * kSize, kHeader, kSeconds)};
  t["0002-sales.opus"] = {2, false, 40'000,
                          stats::download_threshold(40'000, kHeader, 50)};  // 50 s: the whole file
  return t;
}

struct Req {
  std::int64_t time = T0;
  std::string client = "10.0.0.1";
  std::string subscriber = "-";
  unsigned status = 200;
  std::uint64_t bytes = kSize;
  std::string method = "GET";
  std::string path = "/episodes/0001-marketing.opus";
  std::string range;
  std::string agent = kAnt;
};

std::string line(const Req& r) {
  publisher::AccessLine l;
  l.time = r.time;
  l.client = r.client;
  l.subscriber = r.subscriber;
  l.status = r.status;
  l.bytes = r.bytes;
  l.method = r.method;
  l.path = r.path;
  l.range = r.range;
  l.user_agent = r.agent;
  return publisher::format_access_line(l);
}

// Counts `requests` through the log line (as a log would be read).
stats::Counter count(const std::vector<Req>& requests) {
  stats::Counter c(files(), stats::Agents::builtin());
  for (const Req& r : requests) {
    const std::string text = line(r);
    stats::LogRecord rec;
    EXPECT_TRUE(stats::parse_line(text, rec)) << text;
    c.add(rec);
  }
  return c;
}

Req partial(std::uint64_t first, std::uint64_t bytes, std::int64_t at = T0) {
  Req r;
  r.time = at;
  r.status = 206;
  r.range = "bytes=" + std::to_string(first) + "-";
  r.bytes = bytes;
  return r;
}

}  // namespace

TEST(StatsLogLine, BothServersLineRoundTripsWithHostileText) {
  Req r;
  r.agent = "Плеер \"🎙️\" & <x> 'y' \\ \t end";
  r.path = "/s/[token]/episodes/0001-marketing.opus";
  r.subscriber = "0123456789ab";
  r.range = "bytes=0-";
  const std::string text = line(r);
  EXPECT_EQ(text.find('\t'), std::string::npos);
  stats::LogRecord rec;
  ASSERT_TRUE(stats::parse_line(text, rec)) << text;
  EXPECT_EQ(rec.time, T0);
  EXPECT_EQ(rec.client, "10.0.0.1");
  EXPECT_EQ(rec.subscriber, "0123456789ab");
  EXPECT_EQ(rec.status, 200u);
  EXPECT_EQ(rec.bytes, kSize);
  EXPECT_EQ(rec.range, "bytes=0-");
  EXPECT_EQ(rec.user_agent, "Плеер \\\"🎙️\\\" & <x> 'y' \\\\ \\u0009 end");
  EXPECT_EQ(stats::episode_file_of(rec.path), "0001-marketing.opus");
  // nginx's $time_iso8601 carries the local offset.
  const std::string nginx =
      "2026-11-18T11:13:20+03:00 10.0.0.1 \"\" 200 5 GET \"/episodes/x.mp3\" \"\" \"curl/7.88.1\"";
  ASSERT_TRUE(stats::parse_line(nginx, rec));
  EXPECT_EQ(rec.time, 1794989600);  // 08:13:20Z
  EXPECT_TRUE(rec.subscriber.empty());
  // A quote after a backslash does not close the field; a backslash after one does not escape it.
  const std::string head = "2026-11-18T11:13:20+03:00 10.0.0.1 \"\" 200 5 GET \"/x\" \"\" ";
  EXPECT_FALSE(stats::parse_line(head + "\"curl\\\"", rec));
  EXPECT_FALSE(stats::parse_line(head + "\"curl\\", rec));
  // (The record points into the line: each line kept while it is looked at.)
  const std::string escaped_backslash = head + "\"curl\\\\\"";
  ASSERT_TRUE(stats::parse_line(escaped_backslash, rec));
  EXPECT_EQ(rec.user_agent, "curl\\\\");
  const std::string both = head + "\"a\\\"b\\\\\\\" c\"";
  ASSERT_TRUE(stats::parse_line(both, rec));
  EXPECT_EQ(rec.user_agent, "a\\\"b\\\\\\\" c");
  // A user agent of 4,000 escaped backslashes and an escaped quote (a client's hostile header).
  const std::string agent = std::string(8000, '\\') + "\\\"";
  const std::string hostile = head + "\"" + agent + "\"";
  ASSERT_TRUE(stats::parse_line(hostile, rec));
  EXPECT_EQ(rec.user_agent, agent);
  EXPECT_FALSE(stats::parse_line(head + "\"" + agent, rec));
  EXPECT_FALSE(stats::parse_line("published episode 3", rec));
  EXPECT_FALSE(stats::parse_line("10.0.0.1 GET /feed.xml 200 5", rec));  // the old format
  EXPECT_EQ(stats::episode_file_of("/feed.xml"), "");
  EXPECT_EQ(stats::episode_file_of("/episodes/../x.opus"), "");
}

TEST(StatsLogLine, SubscriberIdIsNotTheTokenAndClientHashesKeepTheSlash64) {
  const std::string token(64, 'a');
  const std::string id = publisher::subscriber_log_id(util::sha256_hex(token));
  EXPECT_EQ(id.size(), 12u);
  EXPECT_EQ(token.find(id), std::string::npos);
  EXPECT_EQ(publisher::client_for_log("10.0.0.1", ""), "10.0.0.1");
  const std::string key(64, 'k');
  const auto h1 = publisher::client_for_log("2001:db8:1:2::5", key);
  EXPECT_EQ(h1.substr(0, 2), "h:");
  EXPECT_EQ(h1.size(), 18u);
  EXPECT_EQ(h1, publisher::client_for_log("2001:db8:1:2:ffff::9", key));
  EXPECT_NE(h1, publisher::client_for_log("2001:db8:1:3::5", key));
  EXPECT_NE(publisher::client_for_log("10.0.0.1", key), publisher::client_for_log("10.0.0.2", key));
  EXPECT_NE(publisher::client_for_log("10.0.0.1", key),
            publisher::client_for_log("10.0.0.1", std::string(64, 'j')));
}

TEST(StatsRules, ThresholdIsHeadersPlusAMinuteAtTheRealBitrate) {
  EXPECT_EQ(stats::download_threshold(kSize, kHeader, kSeconds), kThreshold);
  EXPECT_EQ(stats::download_threshold(40'000, kHeader, 50),
            40'000u);  // shorter than a minute: the whole file
  EXPECT_EQ(stats::download_threshold(40'000, kHeader, 60), 40'000u);
  EXPECT_EQ(stats::download_threshold(40'000, 0, 0), 40'000u);  // unknown duration: the whole file
  EXPECT_EQ(count({partial(0, kThreshold - 1)}).downloads.size(), 0u);
  EXPECT_EQ(count({partial(0, kThreshold)}).downloads.size(), 1u);
  Req short_ep;
  short_ep.path = "/episodes/0002-sales.opus";
  short_ep.bytes = 39'999;
  EXPECT_EQ(count({short_ep}).downloads.size(), 0u);
  short_ep.bytes = 40'000;
  EXPECT_EQ(count({short_ep}).downloads.size(), 1u);
}

TEST(StatsRules, RangesOfOneListenerArePutTogetherNotAdded) {
  // Two halves reach it; the same bytes twice do not; a third range fills the gap.
  EXPECT_EQ(
      count({partial(0, 50'000), partial(50'000, kThreshold - 50'000, T0 + 60)}).downloads.size(),
      1u);
  EXPECT_EQ(count({partial(0, 60'000), partial(0, 60'000, T0 + 60)}).downloads.size(), 0u);
  EXPECT_EQ(
      count({partial(0, 60'000), partial(0, 60'000, T0 + 60), partial(60'000, 40'900, T0 + 90)})
          .downloads.size(),
      1u);
  // Overlapping ranges count their union: 0–70,000 and 30,000–100,900.
  EXPECT_EQ(count({partial(0, 70'000), partial(30'000, 70'900, T0 + 5)}).downloads.size(), 1u);
  EXPECT_EQ(count({partial(0, 70'000), partial(30'000, 70'899, T0 + 5)}).downloads.size(), 0u);
  // Another listener's bytes never complete mine.
  Req other = partial(50'000, kThreshold, T0 + 60);
  other.client = "10.0.0.2";
  auto c = count({partial(0, 50'000), other});
  ASSERT_EQ(c.downloads.size(), 1u);  // theirs alone is enough bytes; mine is not
  EXPECT_EQ(c.windows.size(), 2u);
  // A suffix range: bytes=-N from the end.
  Req suffix;
  suffix.status = 206;
  suffix.range = "bytes=-" + std::to_string(kSize - 50'000);
  suffix.bytes = kThreshold - 50'000;
  EXPECT_EQ(count({suffix}).downloads.size(), 0u);
  EXPECT_EQ(count({partial(0, 50'000), suffix}).downloads.size(), 1u);
}

TEST(StatsRules, OneDownloadPerListenerAndEpisodeIn24Hours) {
  Req a, b, c, d;
  b.time = T0 + 23 * 3600;
  c.time = T0 + 24 * 3600;  // the window is [T0, T0 + 24 h)
  d.time = T0 + 30 * 3600;
  auto counted = count({a, b, c, d});
  EXPECT_EQ(counted.downloads.size(), 2u);
  EXPECT_EQ(counted.tally.in_window, 2u);
  // Another episode the same hour is its own download.
  Req mp3 = a;
  mp3.path = "/episodes/0002-sales.opus";
  mp3.bytes = 40'000;
  EXPECT_EQ(count({a, mp3}).downloads.size(), 2u);
  // The MP3 and Opus files of one episode: one download.
  Req other_file = a;
  other_file.path = "/episodes/0001-marketing.mp3";
  other_file.bytes = 2 * kSize;
  auto one = count({a, other_file});
  ASSERT_EQ(one.downloads.size(), 1u);
  EXPECT_EQ(one.downloads[0].mp3, 0);
}

TEST(StatsRules, ProbesHeadAnd304NeverCount) {
  Req probe = partial(0, 2);
  probe.range = "bytes=0-1";
  Req head;
  head.method = "HEAD";
  head.bytes = 0;
  Req not_modified;
  not_modified.status = 304;
  not_modified.bytes = 0;
  Req missing;
  missing.status = 404;
  auto c = count({probe, probe, head, not_modified, missing});
  EXPECT_EQ(c.downloads.size(), 0u);
  EXPECT_EQ(c.tally.probes, 2u);
  EXPECT_EQ(c.tally.head, 1u);
  EXPECT_EQ(c.tally.not_modified, 1u);
  EXPECT_EQ(c.tally.failed, 1u);
  // A probe's bytes never add to a later range: 2 + 100,898 from byte 2 is short.
  EXPECT_EQ(count({probe, partial(2, kThreshold - 2)}).downloads.size(), 0u);
}

TEST(StatsRules, BotsAndMalformedAgentsAreFiltered) {
  std::vector<Req> requests;
  for (const char* agent : {"Googlebot/2.1 (+http://www.google.com/bot.html)", "", "-",
                            "python-requests/2.28", "atc/1.0 watchOS/9.1 model/Watch6,1",
                            "Mozilla/5.0", "UptimeRobot/2.0", "facebookexternalhit/1.1"}) {
    Req r;
    r.agent = agent;
    requests.push_back(r);
  }
  auto c = count(requests);
  EXPECT_EQ(c.downloads.size(), 0u);
  EXPECT_EQ(c.tally.filtered_agents, 8u);
  const auto& a = stats::Agents::builtin();
  EXPECT_EQ(a.classify("AntennaPod/3.4.0").app, "AntennaPod");
  EXPECT_EQ(a.classify("Podcasts/1555.2.1 CFNetwork/1408 Darwin/22.5.0").app, "Apple Podcasts");
  EXPECT_EQ(a.classify("gPodder/3.11.1 (+http://gpodder.org/) Linux").app, "gPodder");
  EXPECT_EQ(a.classify("podget").app, "podget/wget");
  EXPECT_EQ(a.classify("Wget/1.21.3").app, "podget/wget");
  EXPECT_EQ(a.classify("curl/7.88.1").app, "curl");
  EXPECT_EQ(a.classify("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/120.0.0.0 Safari/537.36")
                .app,
            "Chrome");
  EXPECT_EQ(
      a.classify("Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0").app,
      "Firefox");
  EXPECT_EQ(
      a.classify("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
          .app,
      "Safari");
  EXPECT_TRUE(a.classify("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                         "HeadlessChrome/120.0 Safari/537.36")
                  .filtered);
  EXPECT_FALSE(stats::Agents::parse("robot  x", "list"));
  EXPECT_FALSE(stats::Agents::parse("bot  (", "list"));
  EXPECT_TRUE(
      stats::Agents::parse("# only a comment\nbot  x\napp  Наше приложение  nashe", "list"));
}

TEST(StatsRules, Ipv6ListenersAreTheirSlash64) {
  Req a, b, c;
  a.client = "2001:db8:1:2::5";
  b.client = "2001:db8:1:2:aaaa::9";  // same /64: the same listener
  c.client = "2001:db8:1:3::5";       // another /64
  EXPECT_EQ(count({a, b, c}).downloads.size(), 2u);
}

TEST(StatsRules, AListenerOnTwoApps) {
  // By address: two agents are two listeners (the guidelines' IP + UA).
  Req phone, laptop;
  laptop.agent =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
      "Safari/537.36";
  auto by_address = count({phone, laptop});
  ASSERT_EQ(by_address.downloads.size(), 2u);
  EXPECT_NE(by_address.downloads[0].listener, by_address.downloads[1].listener);
  // A subscriber's personal URL names the person: one listener, one download a day.
  phone.subscriber = laptop.subscriber = "0123456789ab";
  laptop.client = "10.9.9.9";
  EXPECT_EQ(count({phone, laptop}).downloads.size(), 1u);
}

TEST(StatsRules, StateRoundTripsAndContinuesLikeAFullRecount) {
  std::vector<Req> all;
  for (int i = 0; i < 40; ++i) {
    Req r = partial(static_cast<std::uint64_t>(i % 3) * 40'000, 45'000, T0 + i * 3000);
    r.client = "10.0.0." + std::to_string(i % 4);
    all.push_back(r);
  }
  auto full = count(all);
  stats::Counter first(files(), stats::Agents::builtin());
  stats::LogRecord rec;
  std::vector<std::string> texts;
  for (const Req& r : all) texts.push_back(line(r));
  for (int i = 0; i < 17; ++i) {
    ASSERT_TRUE(stats::parse_line(texts[i], rec));
    first.add(rec);
  }
  stats::FileMarks marks{{42, 17}};
  const std::string saved = stats::encode_state(marks, 7, files(), first, 99);
  const std::string journal =
      stats::encode_journal_header(99) + stats::encode_downloads(first.downloads, 0);
  stats::Counter second(files(), stats::Agents::builtin());
  auto restored = stats::decode_state(saved, 7, files(), second);
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->marks, marks);
  EXPECT_EQ(restored->generation, 99u);
  ASSERT_EQ(restored->downloads, first.downloads.size());
  // A torn record after the valid ones is ignored; another generation's journal is not this one.
  const std::string torn = journal + "torn";
  const auto records = stats::journal_records(torn, 99, restored->downloads);
  ASSERT_TRUE(records);
  second.downloads.restore(*records, nullptr);  // read where they lie, in `torn`
  EXPECT_EQ(second.downloads, first.downloads);
  EXPECT_FALSE(stats::journal_records(journal, 98, restored->downloads));
  const std::string short_one = journal.substr(0, journal.size() - 1);
  EXPECT_FALSE(stats::journal_records(short_one, 99, restored->downloads));
  for (std::size_t i = 17; i < texts.size(); ++i) {
    ASSERT_TRUE(stats::parse_line(texts[i], rec));
    second.add(rec);
  }
  EXPECT_EQ(second.downloads, full.downloads);
  EXPECT_EQ(second.tally, full.tally);
  EXPECT_GT(full.downloads.size(), 3u);
  // Other rules, another threshold, damage: recount.
  stats::Counter third(files(), stats::Agents::builtin());
  EXPECT_FALSE(stats::decode_state(saved, 8, files(), third));
  auto changed = files();
  changed["0001-marketing.opus"].threshold += 1;
  EXPECT_FALSE(stats::decode_state(saved, 7, changed, third));
  EXPECT_FALSE(stats::decode_state(saved.substr(0, saved.size() - 3), 7, files(), third));
}

// A recount nobody asked for (other rules here; a damaged state or a
// re-encoded episode alike) keeps the journal it replaces: it holds
// downloads older than the logs still kept.
TEST(StatsRules, ARecountKeepsTheJournalItReplaces) {
  crosstalk::test::TempDir dir;
  const stats::StorePaths paths{dir / ".stats-state", dir / ".stats-downloads"};
  stats::Counter first(files(), stats::Agents::builtin());
  stats::LogRecord rec;
  for (int i = 0; i < 3; ++i) {
    Req r;
    r.time = T0 + i * 100'000;  // three days: three downloads
    const std::string text = line(r);  // the record points into it
    ASSERT_TRUE(stats::parse_line(text, rec));
    first.add(rec);
  }
  ASSERT_EQ(first.downloads.size(), 3u);
  stats::Store store = stats::new_store();
  ASSERT_TRUE(stats::save_store(paths, store, 7, files(), first));
  const std::string before = *crosstalk::util::read_file(paths.journal);

  stats::Counter same(files(), stats::Agents::builtin());
  stats::Store again = stats::load_store(paths, 7, files(), same);
  EXPECT_FALSE(again.fresh);
  EXPECT_FALSE(again.keep_old_journal);
  EXPECT_EQ(same.downloads, first.downloads);

  stats::Counter other(files(), stats::Agents::builtin());
  stats::Store recount = stats::load_store(paths, 8, files(), other);  // other rules
  EXPECT_TRUE(recount.fresh);
  EXPECT_TRUE(recount.keep_old_journal);
  ASSERT_TRUE(stats::save_store(paths, recount, 8, files(), other));
  std::vector<fs::path> kept;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().starts_with(".stats-downloads.before-recount-")) kept.push_back(e.path());
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(*crosstalk::util::read_file(kept[0]), before);
  EXPECT_NE(*crosstalk::util::read_file(paths.journal), before);  // the new, empty journal

  // Asked for (`--full`: new_store()), the journal is replaced, not kept.
  stats::Store full = stats::new_store();
  ASSERT_TRUE(stats::save_store(paths, full, 8, files(), first));
  std::size_t now_kept = 0;
  for (const auto& e : fs::directory_iterator(dir.path()))
    now_kept += e.path().filename().string().starts_with(".stats-downloads.before-recount-");
  EXPECT_EQ(now_kept, 1u);
  // A name already taken (two recounts in one second) is not overwritten.
  EXPECT_NE(stats::kept_journal(paths.journal, 5), kept[0]);
  std::ofstream(dir / ".stats-downloads.before-recount-5") << "first";
  EXPECT_EQ(stats::kept_journal(paths.journal, 5).filename().string(), ".stats-downloads.before-recount-5-2");
}

namespace {
void write(const fs::path& p, const std::string& text, const char* mode = "w") {
  std::FILE* f = std::fopen(p.c_str(), mode);
  ASSERT_TRUE(f);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}
void gzip(const fs::path& from, const fs::path& to) {
  std::ifstream in(from.string(), std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  gzFile gz = gzopen(to.c_str(), "wb");
  ASSERT_TRUE(gz);
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
  fs::remove(from);
}
std::string lines(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) {
    Req r;
    r.time = T0 + i;
    r.client = "10.1.0." + std::to_string(i);
    s += line(r) + "\n";
  }
  return s;
}
}  // namespace

TEST(StatsLogFiles, RotatedAndGzippedLogsAreReadOnceEach) {
  test::TempDir dir;
  const fs::path log = dir / "access.log";
  stats::FileMarks marks;
  int seen = 0;
  auto run = [&] {
    seen = 0;
    auto r =
        stats::read_new_lines(stats::with_rotated(log), marks, [&](std::string_view) { ++seen; });
    ASSERT_TRUE(r) << r.error().message;
  };
  write(log, lines(0, 10) + "2026-11-18T00:00:00+00:00 torn");  // an incomplete last line waits
  run();
  EXPECT_EQ(seen, 10);
  run();
  EXPECT_EQ(seen, 0);
  write(log, " line\n" + lines(10, 15), "a");  // the torn line is finished, five more
  run();
  EXPECT_EQ(seen, 6);
  // logrotate: access.log → access.log.1, a new access.log; lines were added before the move.
  write(log, lines(15, 18), "a");
  fs::rename(log, dir / "access.log.1");
  write(log, lines(100, 104));
  run();
  EXPECT_EQ(seen, 3 + 4);
  // Then compressed (access.log.1 → access.log.1.gz) and rotated again: nothing new to read twice.
  gzip(dir / "access.log.1", dir / "access.log.2.gz");
  fs::rename(log, dir / "access.log.1");
  write(log, lines(200, 202));
  run();
  EXPECT_EQ(seen, 2);
  // A gzipped file that had grown before it was compressed: only its new tail.
  write(log, lines(202, 205), "a");
  fs::rename(log, dir / "access.log.0");
  gzip(dir / "access.log.0", dir / "access.log.0.gz");
  run();
  EXPECT_EQ(seen, 3);
  // Forgetting the marks: every line of every file once (10 + 1 + 5 + 3 + 4 + 2 + 3).
  marks.clear();
  run();
  EXPECT_EQ(seen, 28);
}

class StatsShow : public ::testing::Test {
 protected:
  void SetUp() override {
    test::init_private_show(dir.path() / "show", "Тест & <stats> \"🎙️\" 'x'", "UTC",
                            folder);
    if (HasFatalFailure()) return;
    // Episodes 1, 3 by marketing, 2 by sales; 10 minutes each.
    for (int n = 1; n <= 3; ++n) {
      feed::Episode e;
      e.number = n;
      e.department = n == 2 ? "sales" : "marketing";
      e.title = "Эпизод " + std::to_string(n) + " <&>";
      e.duration_seconds = kSeconds;
      e.size_bytes = kSize;
      e.guid = feed::random_guid();
      e.state = feed::State::Published;
      e.published_at = feed::Time(std::chrono::seconds(T0));
      ASSERT_TRUE(publisher::save_episode(folder, e));
    }
    // Marketing: m0..m1; sales: s0..s3.
    for (const char* name : {"m0", "m1", "s0", "s1", "s2", "s3"}) {
      auto a = publisher::add_subscriber(folder, name, feed::now(),
                                         name[0] == 'm' ? "marketing" : "sales");
      ASSERT_TRUE(a) << a.error().message;
      ids[name] = publisher::subscriber_log_id(a->subscriber.token_sha256);
    }
  }
  Req heard(const char* who, int episode, std::int64_t at = T0) {
    Req r;
    r.time = at;
    r.subscriber = ids[who];
    r.path = "/s/[token]/episodes/000" + std::to_string(episode) +
             (episode == 2 ? "-sales.opus" : "-marketing.opus");
    r.bytes = kSize;
    return r;
  }
  test::TempDir dir;
  publisher::ShowFolder folder;
  std::map<std::string, std::string> ids;
};

TEST_F(StatsShow, TheDepartmentMatrix) {
  // Sales: s0 heard both marketing episodes, s1 one of them (twice: one download), s2 only sales',
  // s3 nothing. Marketing: m0 heard sales' episode, m1 nothing.
  std::string text;
  for (const Req& r :
       {heard("s0", 1), heard("s0", 3), heard("s1", 1), heard("s1", 1, T0 + 60), heard("s2", 2),
        heard("m0", 2), heard("m1", 1, T0 - 86400 * 40)})  // m1: before the period
    text += line(r) + "\n";
  write(dir / "access.log", text);
  stats::RunOptions run;
  run.logs = {dir / "access.log"};
  stats::ReportOptions options;
  options.from = T0 - 86400;
  options.to = T0 + 86400;
  auto report = stats::run_stats(folder, run, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->downloads, 5u);  // m1's is before the period
  EXPECT_EQ(report->listeners, 4u);
  ASSERT_EQ(report->departments.size(), 2u);
  ASSERT_EQ(report->departments[0].id, "marketing");
  const auto& sales_hear_marketing = report->matrix[1][0];
  EXPECT_EQ(sales_hear_marketing.people, 4u);
  EXPECT_EQ(sales_hear_marketing.heard, 2u);
  EXPECT_DOUBLE_EQ(sales_hear_marketing.share, 0.5);
  EXPECT_DOUBLE_EQ(sales_hear_marketing.median, 0.5);  // 2, 1, 0, 0
  const auto& marketing_hear_sales = report->matrix[0][1];
  EXPECT_EQ(marketing_hear_sales.people, 2u);
  EXPECT_EQ(marketing_hear_sales.heard, 1u);
  EXPECT_DOUBLE_EQ(marketing_hear_sales.median, 0.5);
  EXPECT_EQ(report->matrix[1][1].heard, 1u);  // s2, sales' own
  EXPECT_EQ(report->matrix[0][0].heard, 0u);  // m1 listened before the period
  EXPECT_TRUE(report->names.empty());         // aggregate unless show.xml allows names
  // Episode 1: s0, s1 in the period; m1's, dated before its publication, in neither its first 7 nor
  // 30 days.
  EXPECT_EQ(report->episodes[0].downloads, 2u);
  EXPECT_EQ(report->episodes[0].listeners_7_days, 2u);
  EXPECT_EQ(report->episodes[0].listeners_30_days, 2u);

  // A second run reads nothing new and gives the same figures; --full the same again.
  auto again = stats::run_stats(folder, run, options);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->tally.lines, 7u);
  EXPECT_EQ(again->downloads, 5u);
  run.full = true;
  auto full = stats::run_stats(folder, run, options);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->tally, again->tally);

  // Names only when show.xml says so.
  folder.show.stats_names = true;
  auto named = stats::run_stats(folder, run, options);
  ASSERT_TRUE(named);
  ASSERT_EQ(named->names.size(), 6u);
  EXPECT_EQ(named->names[2].name, "s0");
  EXPECT_EQ(named->names[2].episodes, 2u);

  // Output: table, JSON, CSV and the page, with the title escaped and no client address.
  for (const std::string& out : {stats::render_table(*named), stats::render_json(*named),
                                 stats::render_csv(*named), stats::render_html(*named)})
    EXPECT_EQ(out.find("10.0.0.1"), std::string::npos);
  const std::string page = stats::render_html(*report);
  EXPECT_NE(page.find("Тест &amp; &lt;stats&gt; &quot;🎙️&quot; &#39;x&#39;"),
            std::string::npos)
      << page.substr(0, 600);
  EXPECT_EQ(page.find("<stats>"), std::string::npos);
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("href="), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(stats::render_json(*report).find("\"share\": 0.5"), std::string::npos);
  // The page in the reader's language (the desk shows it in the browser's); the JSON stays English.
  EXPECT_NE(page.find("Who heard whom"), std::string::npos);
  EXPECT_NE(page.find("50% of 4"), std::string::npos);
  {
    i18n::ScopedLanguage ru("ru");
    const std::string russian = stats::render_html(*report);
    EXPECT_NE(russian.find("<h2>Кто кого слышал</h2>"), std::string::npos);
    EXPECT_NE(russian.find("50% из 4"), std::string::npos);
    EXPECT_NE(russian.find("скачиваний <strong>5</strong>, слушателей <strong>4</strong>"), std::string::npos);
    EXPECT_NE(russian.find("Тест &amp; &lt;stats&gt; &quot;🎙️&quot; &#39;x&#39; — статистика прослушиваний"),
              std::string::npos);
    EXPECT_EQ(russian.find("Who heard whom"), std::string::npos);
    EXPECT_EQ(stats::render_json(*report).find("Кто"), std::string::npos);
  }
}

TEST_F(StatsShow, TwoCoresGiveTheFiguresOfOne) {
  // 30,000 downloads (a pass on two cores from 20,000): anonymous listeners on three
  // apps, the subscribers of both departments, a crawler-like address over the volume
  // limit, over 100 days and three episodes.
  const char* apps[] = {kAnt, "gPodder/3.11.1", "Mozilla/5.0 (X11; Linux x86_64) Firefox/115.0"};
  std::string text;
  for (int day = 0; day < 100; ++day) {
    for (int i = 0; i < 294; ++i) {
      Req r = heard("s0", 1 + i % 3, T0 + day * 86400 + i * 60);
      r.subscriber = "-";
      r.client = "10." + std::to_string(day % 50) + "." + std::to_string(i % 7) + "." +
                 std::to_string(i / 7 + 1);
      r.agent = apps[(i + day) % 3];
      text += line(r) + "\n";
    }
    for (const char* who : {"m0", "m1", "s0", "s1", "s2", "s3"})
      text += line(heard(who, 1 + day % 3, T0 + day * 86400 + 5)) + "\n";
  }
  for (int i = 0; i < 60; ++i) {  // one address, one day: none of these count
    Req r = heard("s0", 1 + i % 3, T0 + 3600 + i);
    r.subscriber = "-";
    r.client = "192.0.2.1";
    r.agent = "Agent " + std::to_string(i);
    text += line(r) + "\n";
  }
  write(dir / "access.log", text);
  stats::RunOptions run;
  run.logs = {dir / "access.log"};
  stats::ReportOptions one;
  one.cores = 1;
  one.period = stats::Period::Week;
  auto counted = stats::run_stats(folder, run, one);
  ASSERT_TRUE(counted) << counted.error().message;
  EXPECT_GE(counted->downloads, 29'000u);
  EXPECT_GT(counted->unrealistic_volume, 0u);
  EXPECT_EQ(counted->matrix[1][0].heard, 4u);  // every salesperson heard marketing
  stats::ReportOptions two = one;
  two.cores = 2;
  run.report_only = true;
  auto again = stats::run_stats(folder, run, two);
  ASSERT_TRUE(again);
  EXPECT_EQ(stats::render_json(*again), stats::render_json(*counted));
  EXPECT_EQ(stats::render_table(*again), stats::render_table(*counted));
}

TEST_F(StatsShow, IncrementalRunsMatchAFullRecountThroughRotationACrashAndATornJournal) {
  // Four days of listens by six subscribers and anonymous clients, in ranges, spread over runs.
  std::vector<std::string> text;
  const char* people[] = {"m0", "m1", "s0", "s1", "s2", "s3"};
  for (int i = 0; i < 240; ++i) {
    Req r = heard(people[i % 6], 1 + i % 3, T0 + i * 1500);
    if (i % 4 == 0) r.subscriber = "-", r.client = "10.2.0." + std::to_string(i % 11);
    r.status = 206;
    r.range = "bytes=" + std::to_string((i % 5) * 60'000) + "-";
    r.bytes = 70'000;
    text.push_back(line(r) + "\n");
  }
  auto slice = [&](std::size_t from, std::size_t to) {
    std::string s;
    for (std::size_t i = from; i < to; ++i) s += text[i];
    return s;
  };
  const fs::path log = dir / "access.log";
  stats::RunOptions run;
  run.logs = {log};
  stats::ReportOptions options;
  options.period = stats::Period::Day;
  auto figures = [&](const stats::RunOptions& how) {
    auto r = stats::run_stats(folder, how, options);
    EXPECT_TRUE(r) << r.error().message;
    return r ? stats::render_json(*r) : std::string();
  };
  write(log, slice(0, 50));
  figures(run);
  write(log, slice(50, 90), "a");
  figures(run);
  // Rotated and compressed, a new log: only the new lines are read.
  write(log, slice(90, 100), "a");
  fs::rename(log, dir / "access.log.1");
  gzip(dir / "access.log.1", dir / "access.log.1.gz");
  write(log, slice(100, 140));
  figures(run);
  const fs::path state = stats::state_file(folder), journal = stats::journal_file(folder);
  // Nothing new: the state is not rewritten (same inode: no temp + rename).
  const auto inode = util::platform::stat_stamp(state)->inode;
  figures(run);
  EXPECT_EQ(util::platform::stat_stamp(state)->inode, inode);
  // A run that dies after appending to the journal, before replacing the state: the next run
  // reads those lines again and cuts the journal's extra records.
  fs::copy_file(state, dir / "old-state");
  write(log, slice(140, 200), "a");
  figures(run);
  fs::remove(state);
  fs::copy_file(dir / "old-state", state);
  write(log, slice(200, 220), "a");
  figures(run);
  // A torn record at the journal's end (a crash mid-append) is ignored.
  write(journal, "torn", "a");
  write(log, slice(220, 240), "a");
  const std::string incremental = figures(run);
  stats::RunOptions full = run;
  full.full = true;
  const std::string recount = figures(full);
  EXPECT_EQ(incremental, recount);
  EXPECT_NE(recount.find("\"read\": 240"), std::string::npos) << recount.substr(0, 2000);
  // A damaged journal (another generation) is a recount, with the same figures.
  write(journal, "CTDOWN01xxxxxxxx");
  EXPECT_EQ(figures(run), recount);
}

TEST_F(StatsShow, TheListenerIndexIsMergedWithNewDownloadsAndRemadeWhenItCannotServe) {
  // 25,000 downloads by the subscribers and anonymous listeners (a pass on two cores), then
  // a day more by the same listeners: the index of the first run's and that day's grouped
  // apart, merged in the pass; figures as a one-core recount's.
  auto day_of = [&](int day) {
    std::string text;
    for (int i = 0; i < 250; ++i) {
      Req r = heard("s0", 1 + i % 3, T0 + day * 86400 + i * 60);
      r.subscriber = "-";
      r.client = "10.1." + std::to_string(i % 9) + "." + std::to_string(i / 9 + 1);
      text += line(r) + "\n";
    }
    for (const char* who : {"m0", "m1", "s0", "s1", "s2", "s3"})
      text += line(heard(who, 1 + day % 3, T0 + day * 86400 + 7)) + "\n";
    return text;
  };
  std::string text;
  for (int day = 0; day < 100; ++day) text += day_of(day);
  const fs::path log = dir / "access.log", index = stats::by_listener_file(folder);
  write(log, text);
  stats::RunOptions run;
  run.logs = {log};
  stats::ReportOptions two;
  two.cores = 2;
  two.period = stats::Period::Week;
  stats::ReportOptions one = two;
  one.cores = 1;
  auto figures = [&](const stats::RunOptions& how, const stats::ReportOptions& options) {
    auto r = stats::run_stats(folder, how, options);
    EXPECT_TRUE(r) << r.error().message;
    return r ? stats::render_json(*r) + stats::render_table(*r) : std::string();
  };
  stats::RunOptions full = run;
  full.full = true;
  auto first = stats::run_stats(folder, run, two);
  ASSERT_TRUE(first);
  EXPECT_GE(first->downloads, 25'000u);
  ASSERT_TRUE(fs::exists(index));
  const auto made = util::platform::stat_stamp(index)->inode;
  write(log, day_of(100) + day_of(101), "a");
  const std::string merged = figures(run, two);
  EXPECT_EQ(util::platform::stat_stamp(index)->inode, made);  // used, not made again
  EXPECT_NE(merged.find("\"read\": 26112"), std::string::npos) << merged.substr(0, 1500);
  run.report_only = true;
  EXPECT_EQ(figures(run, one), merged);
  run.report_only = false;
  // Damaged, or of another journal (a recount's): made again, with the same figures.
  write(index, "CTBYLIS1 and then nonsense");
  EXPECT_EQ(figures(run, two), merged);
  EXPECT_NE(util::platform::stat_stamp(index)->size, 26u);
  EXPECT_EQ(figures(full, one), merged);
  // Grown past an eighth of the index: made again, over every download.
  const auto before = util::platform::stat_stamp(index)->inode;
  std::string more;
  for (int day = 102; day < 120; ++day) more += day_of(day);
  write(log, more, "a");
  const std::string grown = figures(run, two);
  EXPECT_NE(util::platform::stat_stamp(index)->inode, before);
  EXPECT_EQ(figures(full, one), grown);
}

TEST_F(StatsShow, KeptSumsServeOnlyWhatTheyCountedAndGiveARecountsFigures) {
  // Days of listens by the subscribers and by anonymous listeners; each step appends a day or
  // two, then runs (on two cores, as a year would) and compares with a one-core recount of a
  // copy of the show. The kept sums serve when only downloads were added (even over new days
  // and periods); a change of what they counted under means a pass over everyone.
  auto day_of = [&](int day, int anonymous = 40) {
    std::string text;
    for (int i = 0; i < anonymous; ++i) {
      Req r = heard("s0", 1 + (i + day) % 3, T0 + day * 86400 + i * 97);
      r.subscriber = "-";
      r.client = "10.3." + std::to_string(day) + "." + std::to_string(i + 1);  // new each day
      r.agent = i % 2 ? kAnt : "gPodder/3.11.1";
      text += line(r) + "\n";
    }
    for (const char* who : {"m0", "m1", "s0", "s1", "s2", "s3"})
      text += line(heard(who, 1 + day % 3, T0 + day * 86400 + 11)) + "\n";
    return text;
  };
  const fs::path log = dir / "access.log";
  std::string text;
  for (int day = 0; day < 30; ++day) text += day_of(day);
  write(log, text);
  stats::RunOptions run;
  run.logs = {log};
  stats::ReportOptions options;
  options.period = stats::Period::Week;
  auto counted = [&](const stats::ReportOptions& o) {
    auto r = stats::run_stats(folder, run, o);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : stats::Report();
  };
  // The same figures as a recount, on one core, of a copy (the state here stays as it is).
  auto recount = [&](const stats::ReportOptions& o) {
    const fs::path copy = dir.path() / "copy";
    fs::remove_all(copy);
    fs::create_directories(copy);
    for (const auto& e : fs::directory_iterator(folder.root))
      if (!e.path().filename().string().starts_with(".stats"))
        fs::copy(e.path(), copy / e.path().filename(), fs::copy_options::recursive);
    auto there = publisher::open_show(copy);
    EXPECT_TRUE(there) << there.error().message;
    stats::RunOptions full = run;
    full.full = true;
    stats::ReportOptions one = o;
    one.cores = 1;
    auto r = stats::run_stats(*there, full, one);
    EXPECT_TRUE(r) << r.error().message;
    return r ? stats::render_json(*r) + stats::render_table(*r) : std::string();
  };
  auto figures = [](const stats::Report& r) {
    return stats::render_json(r) + stats::render_table(r);
  };
  const stats::Report first = counted(options);
  EXPECT_EQ(first.listeners_passed, 6u + 30 * 40);
  EXPECT_EQ(figures(first), recount(options));
  int day = 30;
  std::uint64_t others = 0;  // listeners besides the subscribers and the daily 40
  // Two days more, then a run: over the listeners of those days (40 each, and the six
  // subscribers), or over everyone.
  auto step = [&](const stats::ReportOptions& o, bool everyone, const char* what) {
    SCOPED_TRACE(what);
    write(log, day_of(day) + day_of(day + 1), "a");
    day += 2;
    const stats::Report r = counted(o);
    EXPECT_EQ(r.listeners_passed, everyone ? 6 + 40u * day + others : 6 + 80u);
    EXPECT_EQ(figures(r), recount(o));
  };
  // Only downloads added (two new days, a new week): the listeners with new ones.
  step(options, false, "new days");
  step(options, false, "again");
  // Sums an earlier run kept (of fewer downloads) serve too.
  const fs::path sums = stats::sums_file(folder);
  fs::copy_file(sums, dir / "sums-before");
  step(options, false, "kept before");
  fs::remove(sums);
  fs::copy_file(dir / "sums-before", sums);
  SCOPED_TRACE("older sums");
  write(log, day_of(day) + day_of(day + 1), "a");
  day += 2;
  const stats::Report older = counted(options);
  EXPECT_EQ(older.listeners_passed, 6 + 160u);
  EXPECT_EQ(figures(older), recount(options));
  // Damaged, missing: everyone.
  write(sums, "CTSUMS01 and not the rest");
  step(options, true, "damaged");
  fs::remove(sums);
  step(options, true, "missing");
  // Other periods, another first day, a new subscriber, a new episode: everyone.
  stats::ReportOptions months = options;
  months.period = stats::Period::Month;
  step(months, true, "months");
  stats::ReportOptions later = months;
  later.from = T0 + 5 * 86400;
  step(later, true, "from");
  step(later, false, "from, again");
  ASSERT_TRUE(publisher::add_subscriber(folder, "s4", feed::now(), "sales"));
  step(later, true, "a subscriber more");
  feed::Episode e;
  e.number = 4;
  e.department = "sales";
  e.title = "Эпизод 4";
  e.duration_seconds = kSeconds;
  e.size_bytes = kSize;
  e.guid = feed::random_guid();
  e.state = feed::State::Published;
  e.published_at = feed::Time(std::chrono::seconds(T0 + day * 86400));
  ASSERT_TRUE(publisher::save_episode(folder, e));
  step(later, true, "an episode more");
  step(later, false, "and again");
  // An address over the volume limit (60 agents, 60 downloads in a day): everyone.
  std::string crowd;
  for (int i = 0; i < 60; ++i) {
    Req r = heard("s0", 1 + i % 3, T0 + day * 86400 + 3600 + i);
    r.subscriber = "-";
    r.client = "192.0.2.7";
    r.agent = "Agent " + std::to_string(i);
    crowd += line(r) + "\n";
  }
  write(log, crowd, "a");
  others = 60;
  step(later, true, "over the limit");
  step(later, false, "and after");
  // Records of the index damaged in place, its structure intact (made afresh first, so that
  // the next run reads it): the pass finds them, the figures come from the journal, and the
  // index is made again.
  const fs::path index = stats::by_listener_file(folder);
  for (const std::size_t field : {std::size_t{8}, std::size_t{24}}) {  // a listener, an episode
    SCOPED_TRACE(field);
    fs::remove(index);
    counted(later);
    std::string bytes = *util::read_file(index);
    std::uint64_t records = 0;
    std::memcpy(&records, bytes.data() + 16, sizeof records);
    ASSERT_GT(records, 1000u);
    for (std::uint64_t i = 0; i < records; ++i) {
      char* at = bytes.data() + 32 + i * sizeof(stats::Download) + field;
      const std::int32_t far = 900'000;
      if (field == 8)
        at[0] = static_cast<char>(at[0] ^ 1);
      else
        std::memcpy(at, &far, sizeof far);
    }
    write(index, bytes);
    std::uint64_t generation = 0;
    std::memcpy(&generation, bytes.data() + 8, sizeof generation);
    ASSERT_TRUE(stats::load_by_listener(index, generation, records));  // it will be read
    step(later, true, "damaged records");
    EXPECT_NE(*util::read_file(index), bytes);
  }
}

TEST_F(StatsShow, TheSubscribersCacheFollowsSubscribersXml) {
  // s0 (sales) heard marketing's episode 1; so did s4, who subscribes after the first run.
  const fs::path log = dir / "access.log";
  write(log, line(heard("s0", 1)) + "\n");
  stats::RunOptions run;
  run.logs = {log};
  stats::ReportOptions options;
  options.from = T0 - 86400;
  options.to = T0 + 86400;
  auto first = stats::run_stats(folder, run, options);
  ASSERT_TRUE(first) << first.error().message;
  const fs::path cache = stats::people_cache_file(folder);
  ASSERT_TRUE(fs::exists(cache));
  EXPECT_EQ(first->matrix[1][0].people, 4u);
  EXPECT_EQ(first->matrix[1][0].heard, 1u);
  // The cache holds no names and no tokens: magic, stamp, the two departments (length, text),
  // then a key and a department for each of the six subscribers, and a checksum.
  const std::string kept = *util::read_file(cache);
  EXPECT_EQ(kept.size(), 8u + 32 + 8 + (4 + 9) + (4 + 5) + 8 + 6 * (8 + 4) + 8);
  const auto subscribers = publisher::list_subscribers(folder);
  ASSERT_TRUE(subscribers);
  for (const feed::Subscriber& s : *subscribers) EXPECT_EQ(kept.find(s.token_sha256), std::string::npos);
  auto added = publisher::add_subscriber(folder, "s4 «Анна» & <co>", feed::now(), "sales");
  ASSERT_TRUE(added) << added.error().message;
  Req r = heard("s0", 1, T0 + 120);
  r.subscriber = publisher::subscriber_log_id(added->subscriber.token_sha256);
  write(log, line(r) + "\n", "a");
  auto second = stats::run_stats(folder, run, options);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->matrix[1][0].people, 5u);  // subscribers.xml changed: read again
  EXPECT_EQ(second->matrix[1][0].heard, 2u);
  EXPECT_EQ(second->unknown_subscriber_downloads, 0u);
  // From the cache (nothing changed), without it, and damaged: the same figures.
  const std::string figures = stats::render_json(*second);
  auto cached = stats::run_stats(folder, run, options);
  ASSERT_TRUE(cached);
  EXPECT_EQ(stats::render_json(*cached), figures);
  fs::remove(cache);
  auto rebuilt = stats::run_stats(folder, run, options);
  ASSERT_TRUE(rebuilt);
  EXPECT_EQ(stats::render_json(*rebuilt), figures);
  std::string damaged = *util::read_file(cache);
  damaged[damaged.size() / 2] ^= 1;
  write(cache, damaged);
  auto despite = stats::run_stats(folder, run, options);
  ASSERT_TRUE(despite);
  EXPECT_EQ(stats::render_json(*despite), figures);
  // Names (when show.xml allows them) come from subscribers.xml itself.
  folder.show.stats_names = true;
  auto named = stats::run_stats(folder, run, options);
  ASSERT_TRUE(named);
  ASSERT_EQ(named->names.size(), 7u);
  EXPECT_EQ(named->names[6].name, "s4 «Анна» & <co>");
  EXPECT_EQ(named->names[6].department, "sales");
}

TEST(StatsSums, AddUpTakeAwayAndReadBackOnlyUndamaged) {
  stats::Sums a;
  a.generation = 7, a.covered = 1000, a.parameters = 42, a.excluded = 43;
  a.from = T0, a.to = T0 + 86400, a.first = T0 + 5, a.last = T0 + 80000, a.latest = T0 + 80001;
  a.lowest = -1, a.highest = 104;
  a.starts = {T0, T0 + 3600};
  a.counts[stats::Sums::kTotals] = {10, 1, 2, 3};
  a.counts[stats::Sums::kPeriodDownloads] = {4, 6};
  a.counts[stats::Sums::kHeard] = {1, 0, 5};
  stats::Sums b;
  b.counts[stats::Sums::kTotals] = {1, 0, 0, 1};
  b.counts[stats::Sums::kPeriodDownloads] = {0, 1, 2};  // a period more: the longer wins
  stats::Sums c = a;
  c.add(b);
  EXPECT_EQ(c.counts[stats::Sums::kTotals], (std::vector<std::uint64_t>{11, 1, 2, 4}));
  EXPECT_EQ(c.counts[stats::Sums::kPeriodDownloads], (std::vector<std::uint64_t>{4, 7, 2}));
  c.subtract(b);
  EXPECT_EQ(c.counts[stats::Sums::kTotals], a.counts[stats::Sums::kTotals]);
  EXPECT_EQ(c.counts[stats::Sums::kPeriodDownloads], (std::vector<std::uint64_t>{4, 6, 0}));

  const std::string bytes = stats::encode_sums(a);
  auto back = stats::decode_sums(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->counts, a.counts);
  EXPECT_EQ(back->starts, a.starts);
  EXPECT_EQ(std::tie(back->generation, back->covered, back->parameters, back->excluded, back->from,
                     back->to, back->first, back->last, back->latest, back->lowest, back->highest),
            std::tie(a.generation, a.covered, a.parameters, a.excluded, a.from, a.to, a.first,
                     a.last, a.latest, a.lowest, a.highest));
  for (std::size_t at : {std::size_t{9}, bytes.size() / 2, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 1);
    EXPECT_FALSE(stats::decode_sums(bad)) << at;
  }
  EXPECT_FALSE(stats::decode_sums(bytes.substr(0, bytes.size() - 9)));
  EXPECT_FALSE(stats::decode_sums(""));
}

TEST(StatsPeople, TheCacheReadsBackOnlyForTheSameFileAndUndamaged) {
  std::vector<feed::Subscriber> list;
  for (const char* dep : {"продажи", "", "marketing", "продажи"}) {
    feed::Subscriber s;
    s.name = "x";
    s.token_sha256 = std::string(63, 'a') + std::to_string(list.size());
    s.department = dep;
    list.push_back(s);
  }
  const stats::People people = stats::people_of(list, false);
  ASSERT_EQ(people.departments.size(), 3u);
  EXPECT_EQ(people.department, (std::vector<std::uint32_t>{0, 1, 2, 0}));
  const util::platform::FileStamp stamp{1'700'000'000'123'456'789, 850'000, 42, 1'700'000'000'000'000'001};
  const std::string bytes = stats::encode_people(people, stamp);
  auto back = stats::decode_people(bytes, stamp);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->key, people.key);
  EXPECT_EQ(back->department, people.department);
  EXPECT_EQ(back->departments, people.departments);
  for (int field = 0; field < 4; ++field) {  // subscribers.xml changed in any way
    auto other = stamp;
    if (field == 0) ++other.mtime_ns;
    if (field == 1) ++other.size;
    if (field == 2) ++other.inode;
    if (field == 3) ++other.ctime_ns;
    EXPECT_FALSE(stats::decode_people(bytes, other)) << "field " << field;
  }
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    std::string damaged = bytes;
    damaged[i] ^= 0x10;
    EXPECT_FALSE(stats::decode_people(damaged, stamp)) << "byte " << i;
  }
  EXPECT_FALSE(stats::decode_people(bytes.substr(0, bytes.size() - 1), stamp));
  EXPECT_FALSE(stats::decode_people("", stamp));
}

TEST_F(StatsShow, DaysEndAtLocalMidnightInHalfHourZonesAndOnA25HourDay) {
  // A download a second before and one at local midnight, each by another subscriber: in
  // Kolkata (UTC+5:30, midnight at :30 UTC), in Berlin on the day the clocks go back
  // (2026-10-25: 25 hours, from 22:00 UTC on the 24th to 23:00 UTC on the 25th), and on Lord
  // Howe Island, whose clocks go back by half an hour (2026-04-05): days that began at 13:00
  // UTC then begin at 13:30, inside an hour of the report's table by the hour.
  auto days = [&](const std::string& zone, std::vector<std::int64_t> times) {
    std::string text;
    const char* people[] = {"m0", "m1", "s0", "s1", "s2", "s3"};
    for (std::size_t i = 0; i < times.size(); ++i) text += line(heard(people[i], 1, times[i])) + "\n";
    write(dir / "access.log", text);
    folder.show.timezone = zone;
    stats::RunOptions run;
    run.logs = {dir / "access.log"};
    run.full = true;
    stats::ReportOptions options;
    options.period = stats::Period::Day;
    auto report = stats::run_stats(folder, run, options);
    EXPECT_TRUE(report) << report.error().message;
    std::map<std::string, std::uint64_t> by_day;
    if (report)
      for (const stats::Row& r : report->series) by_day[r.label] = r.downloads;
    return by_day;
  };
  using Days = std::map<std::string, std::uint64_t>;
  EXPECT_EQ(days("Asia/Kolkata", {1795026599, 1795026600}), (Days{{"2026-11-18", 1}, {"2026-11-19", 1}}));
  EXPECT_EQ(days("Europe/Berlin", {1792879199, 1792879200, 1792969199, 1792969200}),
            (Days{{"2026-10-24", 1}, {"2026-10-25", 2}, {"2026-10-26", 1}}));
  EXPECT_EQ(days("Australia/Lord_Howe", {1775221200, 1775395799, 1775395800, 1775482199}),
            (Days{{"2026-04-04", 1}, {"2026-04-05", 1}, {"2026-04-06", 2}}));
  // Months from 1970 to 2100 in Berlin: the report's table then steps by two hours, and July
  // begins (22:00 UTC in summer time) inside one of its steps.
  write(dir / "access.log", line(heard("m0", 1, 1782856799)) + "\n" + line(heard("m1", 1, 1782856800)) + "\n");
  folder.show.timezone = "Europe/Berlin";
  stats::RunOptions run;
  run.logs = {dir / "access.log"};
  run.full = true;
  stats::ReportOptions century;
  century.period = stats::Period::Month;
  century.from = 0;
  century.to = 4102444800;
  auto months = stats::run_stats(folder, run, century);
  ASSERT_TRUE(months) << months.error().message;
  ASSERT_EQ(months->series.size(), 130u * 12 + 1);  // and 2100-01, begun at 23:00 UTC before `to`
  Days by_month;
  for (const stats::Row& r : months->series)
    if (r.downloads) by_month[r.label] = r.downloads;
  EXPECT_EQ(by_month, (Days{{"2026-06", 1}, {"2026-07", 1}}));
}

TEST_F(StatsShow, AddressesWithUnrealisticVolumeAreFilteredPerDay) {
  // Day 1: 10.3.0.1 downloads episode 1 with 51 agents (51 anonymous listeners: over the limit of
  // 50), and two subscribers listen from the same address (people: never filtered by address).
  // Day 2: the same address with 50 agents (at the limit: counted). 10.3.0.2: 2 agents on day 1.
  std::string text;
  auto anonymous = [](const std::string& client, int agent, std::int64_t at) {
    Req r;
    r.time = at;
    r.client = client;
    r.path = "/s/[token]/episodes/0001-marketing.opus";
    r.agent = "AntennaPod/3.4." + std::to_string(agent);
    return r;
  };
  for (int i = 0; i < 51; ++i) text += line(anonymous("10.3.0.1", i, T0 + i)) + "\n";
  for (const char* who : {"s0", "m0"}) {
    Req r = heard(who, 1, T0 + 100);
    r.client = "10.3.0.1";
    text += line(r) + "\n";
  }
  for (int i = 0; i < 2; ++i) text += line(anonymous("10.3.0.2", i, T0 + 200 + i)) + "\n";
  for (int i = 0; i < 50; ++i) text += line(anonymous("10.3.0.1", i, T0 + 86400 + i)) + "\n";
  write(dir / "access.log", text);
  stats::RunOptions run;
  run.logs = {dir / "access.log"};
  stats::ReportOptions options;
  options.period = stats::Period::Day;
  options.from = T0 - T0 % 86400;
  options.to = *options.from + 3 * 86400;
  auto report = stats::run_stats(folder, run, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->tally.counted, 51u + 2 + 2 + 50);
  EXPECT_EQ(report->unrealistic_volume, 51u);
  EXPECT_EQ(report->downloads, 2u + 2 + 50);
  ASSERT_EQ(report->series.size(), 3u);
  EXPECT_EQ(report->series[0].downloads, 4u);  // s0, m0 and 10.3.0.2's two
  EXPECT_EQ(report->series[1].downloads, 50u);
  EXPECT_NE(stats::render_json(*report).find("\"unrealistic_volume\": 51"), std::string::npos);
  // Lines read in two runs (the limit crossed in the second) count the same.
  const auto cut = text.find("AntennaPod/3.4.30");
  const auto next_line = text.find('\n', cut) + 1;
  write(dir / "access.log", text.substr(0, next_line));
  run.full = true;
  ASSERT_TRUE(stats::run_stats(folder, run, options));
  write(dir / "access.log", text.substr(next_line), "a");
  run.full = false;
  auto twice = stats::run_stats(folder, run, options);
  ASSERT_TRUE(twice);
  EXPECT_EQ(stats::render_json(*twice), stats::render_json(*report));
  // No limit: every download counts; the state made with the limit is not reused.
  run.max_per_address_day = 0;
  auto unlimited = stats::run_stats(folder, run, options);
  ASSERT_TRUE(unlimited);
  EXPECT_EQ(unlimited->unrealistic_volume, 0u);
  EXPECT_EQ(unlimited->downloads, 105u);
}

namespace {
// An Ogg page: header (granule, one lacing value per 255 bytes) and body.
std::string fake_ogg_page(std::int64_t granule, std::size_t body) {
  std::string p = "OggS";
  p += '\0';  // version
  p += '\0';  // flags
  for (int i = 0; i < 8; ++i) p += static_cast<char>((granule >> (8 * i)) & 0xff);
  p.append(12, '\0');  // serial, sequence, CRC (not checked here)
  std::string lacing;
  std::size_t left = body;
  while (left >= 255) lacing += static_cast<char>(255), left -= 255;
  lacing += static_cast<char>(left);
  p += static_cast<char>(lacing.size());
  return p + lacing + std::string(body, 'x');
}
}  // namespace

TEST(StatsRules, HeaderBytesAreTheOpusHeaderPagesOrTheId3Tag) {
  test::TempDir dir;
  // OpusHead, then OpusTags with 200 KB of cover art over four pages, then audio.
  std::string ogg = fake_ogg_page(0, 19);
  for (int i = 0; i < 4; ++i) ogg += fake_ogg_page(0, 50'000);
  const std::size_t headers = ogg.size();
  ogg += fake_ogg_page(960, 300) + fake_ogg_page(1920, 300);
  write(dir / "a.opus", ogg);
  EXPECT_EQ(stats::header_bytes(dir / "a.opus"), headers);
  // ID3v2.3: 10 bytes and a syncsafe size (0x01 0x7f = 255); with a footer flag 10 more.
  std::string id3 = std::string("ID3\x03\x00\x00\x00\x00\x01\x7f", 10) + std::string(255, 'x');
  write(dir / "a.mp3", id3 + "\xff\xfb audio");
  EXPECT_EQ(stats::header_bytes(dir / "a.mp3"), 265u);
  id3[5] = 0x10;
  write(dir / "b.mp3", id3);
  EXPECT_EQ(stats::header_bytes(dir / "b.mp3"), 275u);
  // Neither, or missing: 0 (the whole file is the threshold).
  write(dir / "c.opus", "not an ogg file");
  EXPECT_EQ(stats::header_bytes(dir / "c.opus"), 0u);
  EXPECT_EQ(stats::header_bytes(dir / "missing.opus"), 0u);
}
