// Time parsing and formatting over Howard Hinnant's date/tz (Debian's
// libhowardhinnant-date, reading the system tzdata).
#include "crosstalk/feed/time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <regex>

namespace crosstalk::feed {

namespace {

Result<const date::time_zone*> zone_of(std::string_view zone) {
  try {
    return date::locate_zone(std::string(zone));
  } catch (const std::exception&) {
    return bad_input("unknown time zone '" + std::string(zone) +
                     "' (use an Area/City name such as Europe/Moscow)");
  }
}

}  // namespace

Result<void> check_time_zone(std::string_view zone) {
  auto z = zone_of(zone);
  if (!z) return std::unexpected(z.error());
  return {};
}

Time now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

Result<Time> parse_time(std::string_view text, std::string_view zone) {
  static const std::regex pattern(
      R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$)");
  std::string s(text);
  std::smatch m;
  const std::string hint = "'" + s + "' is not a time; use ISO 8601 like 2026-12-01T10:00 or 2026-12-01T10:00+03:00";
  if (!std::regex_match(s, m, pattern)) return bad_input(hint);
  int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
  int h = std::stoi(m[4]), mi = std::stoi(m[5]), sec = m[6].matched ? std::stoi(m[6]) : 0;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return bad_input(hint);
  date::local_seconds local = date::local_days{ymd} + std::chrono::hours{h} +
                              std::chrono::minutes{mi} + std::chrono::seconds{sec};
  if (m[7].matched) {
    std::string off = m[7];
    if (off == "Z") return Time{local.time_since_epoch()};
    int sign = off[0] == '-' ? -1 : 1;
    off.erase(std::remove(off.begin(), off.end(), ':'), off.end());
    int oh = std::stoi(off.substr(1, 2)), om = std::stoi(off.substr(3, 2));
    if (oh > 18 || om > 59) return bad_input(hint);
    auto offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    return Time{local.time_since_epoch() - sign * offset};
  }
  auto z = zone_of(zone);
  if (!z) return std::unexpected(z.error());
  auto info = (*z)->get_info(local);
  if (info.result == date::local_info::nonexistent)
    return bad_input("'" + s + "' does not exist in " + std::string(zone) +
                     " (the clocks skip it for daylight saving); pick another time or add an offset");
  if (info.result == date::local_info::ambiguous)
    return bad_input("'" + s + "' happens twice in " + std::string(zone) +
                     " (daylight saving ends); add an offset such as +03:00 to say which");
  return Time{local.time_since_epoch() - info.first.offset};
}

std::string format_utc(Time t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

std::string format_rfc2822(Time t, std::string_view zone) {
  auto z = zone_of(zone);
  if (!z) return date::format("%a, %d %b %Y %H:%M:%S +0000", t);
  date::zoned_seconds zt{*z, t};
  return date::format("%a, %d %b %Y %H:%M:%S %z", zt);
}

std::string format_local(Time t, std::string_view zone) {
  auto z = zone_of(zone);
  if (!z) return date::format("%Y-%m-%d %H:%M UTC", t);
  date::zoned_seconds zt{*z, t};
  return date::format("%Y-%m-%d %H:%M %Z", zt);
}

}  // namespace crosstalk::feed
