// The studio without a network: sign-in and sessions, the rules of the JSON
// API, and the recording socket's protocol (sequence numbers, duplicates,
// gaps) with real recordings into a temporary show and spool.
#include <gtest/gtest.h>

#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/publisher/staff.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/studio/api.hpp"
#include "crosstalk/studio/record_socket.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using nlohmann::json;

namespace {

struct StudioFixture : ::testing::Test {
  test::TempDir dir;
  publisher::ShowFolder folder;
  std::string host_token, comms_token;

  void SetUp() override {
    ::setenv("CROSSTALK_SPOOL", (dir.path() / "spool").c_str(), 1);
    publisher::InitOptions o;
    o.title = "Тест";
    auto f = publisher::init_show(dir.path() / "show", o);
    ASSERT_TRUE(f) << f.error().message;
    folder = *f;
    auto host = publisher::add_staff(folder, "Анна", feed::Role::Host, "marketing", "anna@example.com", feed::now());
    auto comms = publisher::add_staff(folder, "Comms", feed::Role::Comms, "", "", feed::now());
    ASSERT_TRUE(host && comms);
    host_token = host->signin_url.substr(host->signin_url.find('#') + 1);
    comms_token = comms->signin_url.substr(comms->signin_url.find('#') + 1);
  }
};

// A message of the recording socket: seq, then a 440 Hz tone at 44.1 kHz
// of amplitude `value` (loud enough to be normalised, not refused as silent).
std::vector<std::uint8_t> block(std::uint32_t seq, std::size_t samples, float value) {
  std::vector<std::uint8_t> out(4 + samples * 4);
  std::memcpy(out.data(), &seq, 4);
  for (std::size_t i = 0; i < samples; ++i) {
    const float v = value * static_cast<float>(std::sin(2 * 3.141592653589793 * 440 * static_cast<double>(seq * samples + i) / 44100));
    std::memcpy(out.data() + 4 + i * 4, &v, 4);
  }
  return out;
}

}  // namespace

TEST(StudioText, CookieValueLanguageAndOrigin) {
  EXPECT_EQ(studio::cookie_value("a=1; ct_session=abc; b=2", "ct_session"), "abc");
  EXPECT_EQ(studio::cookie_value("ct_sessionx=1", "ct_session"), "");
  EXPECT_EQ(studio::Api::language(""), "ru");
  EXPECT_EQ(studio::Api::language("en-US,en;q=0.9"), "en");
  EXPECT_EQ(studio::Api::language("ru-RU,en;q=0.8"), "ru");
  EXPECT_EQ(studio::Api::language("de-DE,en;q=0.5,ru;q=0.4"), "en");
  studio::Request r;
  r.host = "studio.intranet:8443";
  r.origin = "https://studio.intranet:8443";
  EXPECT_TRUE(studio::Api::same_origin(r));
  r.origin = "https://evil.example";
  EXPECT_FALSE(studio::Api::same_origin(r));
  r.origin = "http://studio.intranet:8443";
  EXPECT_TRUE(studio::Api::same_origin(r));
  EXPECT_FALSE(studio::Api::same_origin(r, true));  // under TLS an http:// page is another site
  r.origin = "";
  EXPECT_FALSE(studio::Api::same_origin(r));
}

TEST_F(StudioFixture, SessionsEndWhenTheLinkIsRevoked) {
  studio::Accounts accounts(folder, {});
  EXPECT_FALSE(accounts.sign_in(std::string(64, 'a')));
  EXPECT_FALSE(accounts.sign_in("short"));
  auto session = accounts.sign_in(host_token);
  ASSERT_TRUE(session);
  const std::string cookie = "ct_session=" + *session;
  auto who = accounts.identify({cookie, "", "127.0.0.1"});
  ASSERT_TRUE(who);
  EXPECT_EQ(who->member.name, "Анна");
  EXPECT_EQ(who->csrf.size(), 64u);
  EXPECT_NE(accounts.cookie(*session).find("HttpOnly; SameSite=Strict"), std::string::npos);
  EXPECT_EQ(accounts.cookie(*session).find("Secure"), std::string::npos);
  ASSERT_TRUE(publisher::revoke_staff(folder, "Анна"));
  EXPECT_FALSE(accounts.identify({cookie, "", "127.0.0.1"}));
  EXPECT_FALSE(accounts.sign_in(host_token));
}

TEST_F(StudioFixture, TheSsoHeaderCountsOnlyFromTrustedProxies) {
  studio::AccountOptions o;
  o.trusted_proxies = {"10.0.0.5"};
  o.user_header = "X-Remote-User";
  studio::Accounts accounts(folder, o);
  EXPECT_TRUE(accounts.identify({"", "anna@example.com", "10.0.0.5"}));
  EXPECT_TRUE(accounts.identify({"", "Comms", "10.0.0.5"}));
  EXPECT_FALSE(accounts.identify({"", "anna@example.com", "10.0.0.6"}));
  EXPECT_FALSE(accounts.identify({"", "nobody", "10.0.0.5"}));
}

TEST_F(StudioFixture, TheSocketDropsDuplicatesRefusesGapsAndDeliversTheEpisode) {
  studio::Accounts accounts(folder, {});
  studio::Recordings recordings(folder.root.string(), std::chrono::seconds(120));
  auto session = accounts.sign_in(host_token);
  auto who = accounts.identify({"ct_session=" + *session, "", "127.0.0.1"});
  ASSERT_TRUE(who);
  std::string id;
  {
    studio::RecordChannel channel(recordings, *who, folder.root.string());
    auto out = channel.on_binary(block(0, 100, 0.1f));
    EXPECT_TRUE(out.close);  // nothing started yet
  }
  studio::RecordChannel channel(recordings, *who, folder.root.string());
  auto started = channel.on_text(R"({"type":"start","title":"Пробная & <запись>","rate":44100,"channels":1})");
  ASSERT_EQ(started.replies.size(), 1u);
  auto reply = json::parse(started.replies[0]);
  ASSERT_EQ(reply["type"], "started") << started.replies[0];
  EXPECT_EQ(reply["episode"], 1);
  EXPECT_EQ(reply["department"], "marketing");
  id = reply["id"];
  {  // one recording at a time per person: a second tab is refused
    studio::RecordChannel second(recordings, *who, folder.root.string());
    auto refused = second.on_text(R"({"type":"start","title":"Вторая","rate":44100,"channels":1})");
    EXPECT_NE(refused.replies.at(0).find("recording already"), std::string::npos) << refused.replies.at(0);
  }
  {  // a revoked person's open socket starts nothing
    studio::RecordChannel revoked(recordings, *who, folder.root.string(), [] { return false; });
    auto refused = revoked.on_text(R"({"type":"start","title":"Третья","rate":44100,"channels":1})");
    EXPECT_TRUE(refused.close);
    EXPECT_NE(refused.replies.at(0).find("forbidden"), std::string::npos);
  }
  {  // in the page's language
    studio::RecordChannel russian(recordings, *who, folder.root.string(), [] { return false; });
    russian.set_language("ru");
    auto refused = russian.on_text(R"({"type":"attach","id":"rec-x"})");
    EXPECT_NE(refused.replies.at(0).find("ваш доступ к студии отозван"), std::string::npos) << refused.replies.at(0);
  }
  for (std::uint32_t seq = 0; seq < 10; ++seq) EXPECT_FALSE(channel.on_binary(block(seq, 4410, 0.1f)).close);
  EXPECT_FALSE(channel.on_binary(block(3, 4410, 0.9f)).close);  // resent after a reconnect: dropped
  auto gap = channel.on_binary(block(12, 4410, 0.1f));
  EXPECT_TRUE(gap.close);
  EXPECT_NE(gap.replies.at(0).find("\"gap\""), std::string::npos);
  // Reattach on a second socket, as the page does, and stop there.
  studio::RecordChannel again(recordings, *who, folder.root.string());
  auto attached = again.on_text(R"({"type":"attach","id":")" + id + R"("})");
  EXPECT_EQ(json::parse(attached.replies.at(0))["next"], 10);
  EXPECT_FALSE(again.on_text(R"({"type":"stop","seq":10})").close);
  std::string done;
  for (int i = 0; i < 200 && done.empty(); ++i) {
    for (auto& r : again.on_tick().replies)
      if (r.find("\"done\"") != std::string::npos) done = r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(done.empty());
  auto episode = json::parse(done)["episode"];
  EXPECT_EQ(episode["recordedBy"], "Анна");
  EXPECT_EQ(episode["title"], "Пробная & <запись>");
  EXPECT_NEAR(episode["duration"].get<double>(), 1.0, 0.001);  // 10 × 4410 samples at 44.1 kHz, no duplicate
  EXPECT_FALSE(episode["cutShort"].get<bool>());
}

TEST_F(StudioFixture, TheApiKeepsHostsToTheirOwnDrafts) {
  studio::Accounts accounts(folder, {});
  studio::Recordings recordings(folder.root.string(), std::chrono::seconds(120));
  studio::Api api(folder.root.string(), accounts, recordings);
  auto host = accounts.identify({"ct_session=" + *accounts.sign_in(host_token), "", "127.0.0.1"});
  studio::Request r;
  r.method = "GET";
  r.target = "/api/me";
  EXPECT_EQ(api.handle(r).status, 401);
  r.cookie = "ct_session=" + host->session;
  auto me = api.handle(r);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body)["role"], "host");
  r.method = "POST";
  r.target = "/api/episodes/1/publish";
  EXPECT_EQ(api.handle(r).status, 403);  // no CSRF token
  r.csrf = host->csrf;
  EXPECT_EQ(api.handle(r).status, 403);  // a host
  r.target = "/api/episodes/x";
  EXPECT_EQ(api.handle(r).status, 404);
  r.method = "GET";
  r.target = "/static/studio.js";
  EXPECT_EQ(api.handle(r).status, 200);
  r.target = "/static/../index.html";
  EXPECT_EQ(api.handle(r).status, 404);
  r.target = "/";
  r.accept_language = "en-GB,en";
  auto page = api.handle(r);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<html lang=\"en\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"strings\""), std::string::npos);
  EXPECT_EQ(page.body.find("<!--STRINGS-->"), std::string::npos);
}
