// Private feeds without a network: tokens and hashes, subscribers.xml,
// the gate's decisions, log redaction, the nginx snippets.
#include <gtest/gtest.h>

#include <boost/filesystem/operations.hpp>
#include <set>

#include "crosstalk/feed/render.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/nginx_config.hpp"
#include "crosstalk/publisher/subscribers.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/server/access_gate.hpp"
#include "crosstalk/server/answer.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/read_file.hpp"
#include "crosstalk/util/token.hpp"
#include "private_show.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;

TEST(Token, RandomTokensAre256BitHexAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = util::random_token(32);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->size(), 64u);
    EXPECT_EQ(t->find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Token, Sha256MatchesTheStandardVector) {
  EXPECT_EQ(util::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Subscribers, XmlRoundTripsAndRejectsBadHashes) {
  test::TempDir dir;
  std::vector<feed::Subscriber> list{{"Анна & <Co> \"x\" 'y' 🎙️", std::string(64, 'a'), feed::Time{std::chrono::seconds{1800000000}}, "sales", "anna@example.com"}};
  const auto path = dir / "subscribers.xml";
  ASSERT_TRUE(util::write_file_if_changed(path, feed::subscribers_to_xml(list)));
  auto back = feed::load_subscribers(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, list);
  EXPECT_TRUE(feed::load_subscribers(dir / "missing.xml").value().empty());
  ASSERT_TRUE(util::write_file_if_changed(path, "<subscribers><subscriber name='x' token-sha256='abc' added='2026-01-01T00:00:00Z'/></subscribers>"));
  auto bad = feed::load_subscribers(path);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("subscribers.xml:1:"), std::string::npos) << bad.error().message;
}

TEST(Subscribers, SplitTokenPath) {
  const std::string token(64, 'c');
  const std::string target = "/s/" + token + "/feed.xml";
  auto p = publisher::split_token_path(target);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->token, token);
  EXPECT_EQ(p->rest, "/feed.xml");
  EXPECT_FALSE(publisher::split_token_path("/s/" + token));
  EXPECT_FALSE(publisher::split_token_path("/s/" + std::string(63, 'c') + "/feed.xml"));
  EXPECT_FALSE(publisher::split_token_path("/s/" + std::string(64, 'C') + "/feed.xml"));
  EXPECT_FALSE(publisher::split_token_path("/feed.xml"));
}

class PrivateShow : public ::testing::Test {
 protected:
  void SetUp() override { test::init_private_show(dir.path() / "show", "Тест", "Europe/Moscow", folder); }
  test::TempDir dir;
  publisher::ShowFolder folder;
};

TEST_F(PrivateShow, AddListRevokeAndTheGate) {
  server::AccessGate gate(folder);
  EXPECT_FALSE(gate.decide("/feed.xml").allowed);
  auto anna = publisher::add_subscriber(folder, "Анна", feed::now());
  ASSERT_TRUE(anna) << anna.error().message;
  auto token = anna->feed_url.substr(std::string("http://podcast.intranet/s/").size(), 64);
  EXPECT_EQ(anna->subscriber.token_sha256, util::sha256_hex(token));
  EXPECT_EQ(boost::filesystem::exists(folder.root / "subscribers.xml"), true);
  EXPECT_EQ(util::read_file(folder.root / "subscribers.xml")->find(token), std::string::npos);  // hashed at rest
  EXPECT_FALSE(publisher::add_subscriber(folder, "Анна", feed::now()));                      // twice
  EXPECT_FALSE(publisher::add_subscriber(folder, "  ", feed::now()));

  auto a = gate.decide("/s/" + token + "/episodes/0001-marketing.opus");
  EXPECT_TRUE(a.allowed);
  EXPECT_EQ(a.path, "/episodes/0001-marketing.opus");
  EXPECT_EQ(a.from, "http://podcast.intranet/");
  EXPECT_EQ(a.to, "http://podcast.intranet/s/" + token + "/");
  EXPECT_TRUE(gate.allowed_uri("/s/" + token + "/feed.xml"));
  EXPECT_FALSE(gate.decide("/s/" + std::string(64, '0') + "/feed.xml").allowed);

  ASSERT_TRUE(publisher::revoke_subscriber(folder, "Анна"));
  EXPECT_FALSE(gate.decide("/s/" + token + "/feed.xml").allowed);
  EXPECT_FALSE(gate.allowed_uri("/s/" + token + "/feed.xml"));
  auto none = publisher::revoke_subscriber(folder, "Анна");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::BadInput);
}

TEST_F(PrivateShow, TheRootWithoutATokenSaysWhomToAskInTheShowsLanguage) {
  server::AccessGate gate(folder);
  for (const char* target : {"/", "/index.html"}) {
    auto a = gate.decide(target);
    EXPECT_FALSE(a.allowed);
    EXPECT_NE(a.private_root_html.find("попросите у отдела коммуникаций вашу личную ссылку"), std::string::npos);
  }
  for (const char* target : {"/feed.xml", "/cover.png", "/episodes/", "/index.htm"})
    EXPECT_TRUE(gate.decide(target).private_root_html.empty()) << target;
  boost::beast::http::request<boost::beast::http::empty_body> req{boost::beast::http::verb::get, "/", 11};
  auto answer = server::answer(req, folder.public_dir(), gate);
  EXPECT_EQ(answer.response.result(), boost::beast::http::status::forbidden);
  EXPECT_EQ(answer.response[boost::beast::http::field::content_type], "text/html; charset=utf-8");
  req.target("/feed.xml");
  EXPECT_EQ(server::answer(req, folder.public_dir(), gate).response.result(), boost::beast::http::status::not_found);

  folder.show.language = "en";
  EXPECT_NE(feed::render_private_root(folder.show).find("This podcast is private; ask the comms team for your personal link."),
            std::string::npos);
}

TEST_F(PrivateShow, PublicShowsRefuseSubscribersAndServeEverything) {
  folder.show.private_feeds = false;
  ASSERT_TRUE(publisher::save_show(folder));
  EXPECT_FALSE(publisher::add_subscriber(folder, "Анна", feed::now()));
  server::AccessGate gate(folder);
  EXPECT_TRUE(gate.decide("/feed.xml").allowed);
  EXPECT_TRUE(gate.decide("/feed.xml").from.empty());
}

TEST_F(PrivateShow, NginxSnippets) {
  auto config = publisher::nginx_config(folder);
  EXPECT_NE(config.server.find("auth_request /_crosstalk_check;"), std::string::npos);
  EXPECT_NE(config.server.find("proxy_pass http://127.0.0.1:8080/_crosstalk/check;"), std::string::npos);
  EXPECT_NE(config.server.find("location / {\n    internal;"), std::string::npos);
  EXPECT_NE(config.server.find("sub_filter \"http://podcast.intranet/\" \"http://podcast.intranet/s/$crosstalk_subscriber/\";"),
            std::string::npos);
  EXPECT_NE(config.http.find("log_format crosstalk"), std::string::npos);
  EXPECT_TRUE(boost::filesystem::exists(publisher::nginx_server_file(folder)));  // written by init
  folder.show.private_feeds = false;
  config = publisher::nginx_config(folder);
  EXPECT_EQ(config.server.find("auth_request"), std::string::npos);
  EXPECT_EQ(config.server.find("location / {\n    internal;"), std::string::npos);
  EXPECT_NE(config.server.find("location / {\n"), std::string::npos);
  folder.show.base_url = "http://x/$evil/";
  EXPECT_NE(publisher::nginx_config(folder).server.find("Not generated"), std::string::npos);
}

TEST(Redact, TokensNeverReachTheLog) {
  const std::string token = "d273f8497ec77adf9383c2d6d3d8e55edcb54f12219bd4166e6cc3a7c891d59a";
  EXPECT_EQ(server::redact_for_log("/s/" + token + "/feed.xml"), "/s/[token]/feed.xml");
  EXPECT_EQ(server::redact_for_log("/feed.xml?t=" + token), "/feed.xml?t=[token]");
  std::string encoded;
  for (char c : token) encoded += "%" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
  EXPECT_EQ(server::redact_for_log("/s/" + encoded + "/x"), "/s/[token]/x");
  EXPECT_EQ(server::redact_for_log("/episodes/0001-marketing.opus"), "/episodes/0001-marketing.opus");
  EXPECT_EQ(server::redact_for_log("/a b\x01"), "/a?b?");
}

TEST(Personalise, EscapedBaseUrlsGetTheTokenTooAndThePageItsSection) {
  server::Access a;
  a.allowed = true;
  a.from = "http://intranet/podcast&co/";
  a.to = "http://intranet/podcast&co/s/abc/";
  a.subscribe_html = "<section id=\"subscribe\">mine</section>";
  // In XML and HTML the base URL is escaped: &amp;.
  const std::string feed = "<enclosure url=\"http://intranet/podcast&amp;co/episodes/1.opus\"/>"
                           "<link>http://intranet/podcast&amp;co/</link>";
  EXPECT_EQ(server::personalise(feed, a),
            "<enclosure url=\"http://intranet/podcast&amp;co/s/abc/episodes/1.opus\"/>"
            "<link>http://intranet/podcast&amp;co/s/abc/</link>");
  EXPECT_EQ(server::personalise(std::string("x ") + std::string(feed::kSubscribeMarker) + " y", a),
            "x <section id=\"subscribe\">mine</section> y");
  a.from = "http://plain/";
  a.to = "http://plain/s/abc/";
  EXPECT_EQ(server::personalise("http://plain/feed.xml", a), "http://plain/s/abc/feed.xml");
}

TEST(Redact, ReplaceAll) {
  EXPECT_EQ(server::replace_all("a http://x/ b http://x/e", "http://x/", "http://x/s/t/"), "a http://x/s/t/ b http://x/s/t/e");
  EXPECT_EQ(server::replace_all("abc", "", "z"), "abc");
}
