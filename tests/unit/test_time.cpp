// ISO 8601 in, RFC 2822 out, in the show's time zone with DST from tzdata.
#include <gtest/gtest.h>

#include "crosstalk/feed/time.hpp"

#include <date/tz.h>

using namespace crosstalk;
using namespace crosstalk::feed;

namespace {
std::string utc(std::string_view text, std::string_view zone) {
  auto t = parse_time(text, zone);
  return t ? format_utc(*t) : "error: " + t.error().message;
}
}  // namespace

TEST(Time, OffsetsAndZulu) {
  EXPECT_EQ(utc("2026-12-01T10:00+03:00", "Europe/Berlin"), "2026-12-01T07:00:00Z");
  EXPECT_EQ(utc("2026-12-01T10:00:30-0530", "UTC"), "2026-12-01T15:30:30Z");
  EXPECT_EQ(utc("2026-12-01T07:00Z", "Europe/Moscow"), "2026-12-01T07:00:00Z");
  EXPECT_EQ(utc("2026-12-01 10:00", "Europe/Moscow"), "2026-12-01T07:00:00Z");
}

TEST(Time, WallTimeFollowsDaylightSaving) {
  EXPECT_EQ(utc("2026-07-01T10:00", "Europe/Berlin"), "2026-07-01T08:00:00Z");  // CEST +2
  EXPECT_EQ(utc("2026-12-01T10:00", "Europe/Berlin"), "2026-12-01T09:00:00Z");  // CET +1
  EXPECT_EQ(utc("2026-03-29T03:00", "Europe/Berlin"), "2026-03-29T01:00:00Z");  // just after the jump
  EXPECT_EQ(utc("2026-03-29T01:59", "Europe/Berlin"), "2026-03-29T00:59:00Z");  // just before
}

TEST(Time, SkippedAndRepeatedWallTimesAreRefusedWithAHint) {
  auto skipped = parse_time("2026-03-29T02:30", "Europe/Berlin");
  ASSERT_FALSE(skipped);
  EXPECT_EQ(skipped.error().kind, ErrorKind::BadInput);
  EXPECT_NE(skipped.error().message.find("does not exist"), std::string::npos);
  auto twice = parse_time("2026-10-25T02:30", "Europe/Berlin");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("happens twice"), std::string::npos);
  EXPECT_EQ(utc("2026-10-25T02:30+01:00", "Europe/Berlin"), "2026-10-25T01:30:00Z");
}

TEST(Time, BadTextAndZones) {
  for (const char* bad : {"", "tomorrow", "2026-13-01T10:00", "2026-02-30T10:00", "2026-12-01T25:00",
                          "2026-12-01", "01.12.2026", "2026-12-01T10:00+25:00"}) {
    auto t = parse_time(bad, "UTC");
    EXPECT_FALSE(t) << bad;
    if (!t) {
      EXPECT_NE(t.error().message.find("ISO 8601"), std::string::npos) << bad;
    }
  }
  EXPECT_FALSE(check_time_zone("Mars/Olympus"));
  EXPECT_TRUE(check_time_zone("Asia/Yekaterinburg"));
}

// The quick check of show.xml's zone agrees with the database: on every
// zone it lists, and on files beside them that are not zones.
TEST(Time, TheQuickZoneCheckAgreesWithTheDatabase) {
  for (const auto& zone : date::get_tzdb().zones) {
    const std::string name(zone.name());
    EXPECT_TRUE(check_time_zone_name(name)) << name;
  }
  for (const char* bad : {"Mars/Olympus", "", "/", "Europe/", "/usr/share/zoneinfo/UTC", "../../etc/passwd",
                          "Europe/../UTC", "zone.tab", "tzdata.zi", "leapseconds", "right/CET", "posix/Europe/Moscow",
                          "posixrules", "Factory", "Europe", "Europe/Moscow ", "europe/moscow"}) {
    EXPECT_EQ(static_cast<bool>(check_time_zone_name(bad)), static_cast<bool>(check_time_zone(bad))) << bad;
    EXPECT_FALSE(check_time_zone_name(bad)) << bad;
  }
  const auto refused = check_time_zone_name("Mars/Olympus");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("unknown time zone 'Mars/Olympus'"), std::string::npos);
}

TEST(Time, Rfc2822InTheShowsOffset) {
  auto t = parse_time("2026-12-01T07:00Z", "UTC");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc2822(*t, "Europe/Moscow"), "Tue, 01 Dec 2026 10:00:00 +0300");
  EXPECT_EQ(format_rfc2822(*t, "Europe/Berlin"), "Tue, 01 Dec 2026 08:00:00 +0100");
  auto summer = parse_time("2026-07-01T07:00Z", "UTC");
  EXPECT_EQ(format_rfc2822(*summer, "Europe/Berlin"), "Wed, 01 Jul 2026 09:00:00 +0200");
  EXPECT_EQ(format_local(*summer, "Europe/Berlin"), "2026-07-01 09:00 CEST");
}

TEST(Time, SignsAreNotDigits) {
  // from_chars reads "-1" as a number: "T-1:00" was 23:00 the day before.
  for (const char* text : {"2026-12-01T-1:00", "2026-12-01T10:-1", "2026-12-01T10:00:-1", "2026-12-01T10:00+-1:00",
                           "2026-12-01T10:00-0-30", "-999-12-01T10:00", "2026-12-+1T10:00", "2026-12-01T+1:00"})
    EXPECT_FALSE(parse_time(text, "UTC")) << text;
}

TEST(Time, RussianFormsAsStaffWriteThem) {
  EXPECT_EQ(utc("01.12.2026 10:00", "Europe/Moscow"), "2026-12-01T07:00:00Z");
  EXPECT_EQ(utc("1.12.2026, 10:00", "Europe/Moscow"), "2026-12-01T07:00:00Z");
  EXPECT_EQ(utc("01.12.2026 в 9:05", "Europe/Moscow"), "2026-12-01T06:05:00Z");
  EXPECT_EQ(utc("1 декабря 2026 10:00", "Europe/Moscow"), "2026-12-01T07:00:00Z");
  EXPECT_EQ(utc("1 декабря 2026 г. в 10:00", "Europe/Moscow"), "2026-12-01T07:00:00Z");
  EXPECT_EQ(utc("1 Декабря 2026, 10:00", "Europe/Moscow"), "2026-12-01T07:00:00Z");
  EXPECT_EQ(utc("15 мая 2027 10:00", "Europe/Moscow"), "2027-05-15T07:00:00Z");
  EXPECT_EQ(utc("3 марта 2027 10:00", "Europe/Moscow"), "2027-03-03T07:00:00Z");
  EXPECT_EQ(utc("3 МАР. 2027 10:00", "Europe/Moscow"), "2027-03-03T07:00:00Z");
  // Daylight saving as for ISO: Berlin's spring jump has no 02:30.
  EXPECT_NE(utc("29 марта 2026 02:30", "Europe/Berlin").find("does not exist"), std::string::npos);
  // No year: the next such day (this year's, or next year's once it has passed).
  auto t = parse_time("1 января 00:00", "UTC");
  ASSERT_TRUE(t);
  EXPECT_GT(*t, now());
  EXPECT_LE(*t, now() + std::chrono::hours(24 * 366));
  for (const char* bad : {"32.12.2026 10:00", "1 смарта 10:00", "1 декабря", "01.12.2026", "1 декабря 25:00"}) {
    auto r = parse_time(bad, "Europe/Moscow");
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("1 декабря 10:00"), std::string::npos) << r.error().message;
  }
}
