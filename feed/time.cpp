// Time parsing and formatting over Howard Hinnant's date/tz (Debian's
// libhowardhinnant-date, reading the system tzdata).
#include "crosstalk/feed/time.hpp"

#include <algorithm>

#include <date/date.h>
#include <date/tz.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <cstdio>
#include <map>
#include <mutex>

#include "russian_time.hpp"

namespace crosstalk::feed {

namespace {

// Where date's USE_OS_TZDB build reads the system's zones (tzdata).
const std::string kZoneFolder = "/usr/share/zoneinfo/";

Result<const date::time_zone*> zone_of(std::string_view zone) {
  static std::mutex mutex;
  static std::map<std::string, const date::time_zone*, std::less<>> cache;
  std::lock_guard<std::mutex> guard(mutex);
  if (auto it = cache.find(zone); it != cache.end()) return it->second;
  try {
    return cache[std::string(zone)] = date::locate_zone(std::string(zone));
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

Result<void> check_time_zone_name(std::string_view zone) {
  // The names the database lists: its files, less leap-second copies
  // (right/), the POSIX alias folder, and the placeholder zones.
  bool plausible = !zone.empty() && zone.front() != '/' && zone.back() != '/' &&
                   !zone.starts_with("right/") && !zone.starts_with("posix/") &&
                   zone != "posixrules" && zone != "Factory" &&
                   zone.find("..") == std::string_view::npos && zone.find("//") == std::string_view::npos;
  for (char c : zone)
    plausible = plausible && (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' ||
                              c == '-' || c == '+');
  char magic[4] = {};
  if (plausible) {
    std::ifstream file(kZoneFolder + std::string(zone), std::ios::binary);
    plausible = file.read(magic, 4) && std::memcmp(magic, "TZif", 4) == 0;
  }
  if (plausible) return {};
  return check_time_zone(zone);  // the full check, and its message
}

Time now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

namespace {

// Reads exactly `n` digits at `pos` (no sign: from_chars takes "-1").
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  auto r = std::from_chars(s.data() + pos, s.data() + pos + n, out);
  return r.ec == std::errc() && r.ptr == s.data() + pos + n;
}

}  // namespace

// YYYY-MM-DD(T| )HH:MM[:SS][Z|±HH[:]MM]: parsed by hand (std::regex is slow,
// and sidecars hold thousands of times).
namespace {

// What a time looks like, for a string that is not one (made only then:
// sidecars hold thousands of times).
std::string time_hint(std::string_view s) {
  return "'" + std::string(s) +
         "' is not a time; use ISO 8601 like 2026-12-01T10:00 or 2026-12-01T10:00+03:00, "
         "or 01.12.2026 10:00, or 1 декабря 10:00";
}

// The Russian forms (russian_time.cpp), tried when ISO 8601 does not fit.
// Without a year: this year's date in the zone, or next year's when that
// has passed.
Result<Time> parse_russian_time(std::string_view s, std::string_view zone) {
  auto z = zone_of(zone);
  if (!z) return std::unexpected(z.error());
  const auto local_now = (*z)->to_local(now());
  const int year =
      static_cast<int>(date::year_month_day{std::chrono::floor<date::days>(local_now)}.year());
  auto russian = detail::russian_time(s, year);
  if (!russian) return bad_input(time_hint(s));
  auto t = parse_time(russian->iso, zone);
  if (t && !russian->year_given && *t < now()) {
    auto next = detail::russian_time(s, year + 1);
    if (next) return parse_time(next->iso, zone);
  }
  if (!t) return bad_input("'" + std::string(s) + "': " + t.error().message);
  return t;
}

}  // namespace

Result<Time> parse_time(std::string_view s, std::string_view zone) {
  int y, mo, d, h, mi, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 16 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi))
    return parse_russian_time(s, zone);
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, sec)) return bad_input(time_hint(s));
    pos += 3;
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return bad_input(time_hint(s));
  date::local_seconds local = date::local_days{ymd} + std::chrono::hours{h} +
                              std::chrono::minutes{mi} + std::chrono::seconds{sec};
  if (pos < s.size()) {
    std::string_view off = s.substr(pos);
    if (off == "Z") return Time{local.time_since_epoch()};
    int oh, om;
    bool colon = off.size() == 6 && off[3] == ':';
    if ((off[0] != '+' && off[0] != '-') || (off.size() != 5 && !colon) || !digits(off, 1, 2, oh) ||
        !digits(off, colon ? 4 : 3, 2, om) || oh > 18 || om > 59)
      return bad_input(time_hint(s));
    int sign = off[0] == '-' ? -1 : 1;
    return Time{local.time_since_epoch() -
                sign * (std::chrono::hours{oh} + std::chrono::minutes{om})};
  }
  auto z = zone_of(zone);
  if (!z) return std::unexpected(z.error());
  auto info = (*z)->get_info(local);
  if (info.result == date::local_info::nonexistent)
    return bad_input(
        "'" + std::string(s) + "' does not exist in " + std::string(zone) +
        " (the clocks skip it for daylight saving); pick another time or add an offset");
  if (info.result == date::local_info::ambiguous)
    return bad_input("'" + std::string(s) + "' happens twice in " + std::string(zone) +
                     " (daylight saving ends); add an offset such as +03:00 to say which");
  return Time{local.time_since_epoch() - info.first.offset};
}

namespace {

struct Civil {
  int year;
  unsigned month, day, weekday;
  long long hour, minute, second;
};

Civil civil(date::sys_seconds t) {
  auto days = std::chrono::floor<date::days>(t);
  date::year_month_day ymd{days};
  date::hh_mm_ss<std::chrono::seconds> hms{t - days};
  return {static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          date::weekday{days}.c_encoding(),
          hms.hours().count(),
          hms.minutes().count(),
          hms.seconds().count()};
}

// The zone's offset at `t` and its abbreviation; UTC for unknown zones.
std::pair<std::chrono::seconds, std::string> offset_at(Time t, std::string_view zone) {
  auto z = zone_of(zone);
  if (!z) return {std::chrono::seconds{0}, "UTC"};
  auto info = (*z)->get_info(t);
  return {info.offset, info.abbrev};
}

}  // namespace

std::string format_utc(Time t) {
  Civil c = civil(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", c.year, c.month, c.day,
                c.hour, c.minute, c.second);
  return buf;
}

std::string format_rfc2822(Time t, std::string_view zone) {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto [offset, abbrev] = offset_at(t, zone);
  Civil c = civil(t + offset);
  long long minutes = offset.count() / 60;
  char sign = minutes < 0 ? '-' : '+';
  minutes = minutes < 0 ? -minutes : minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02lld:%02lld:%02lld %c%02lld%02lld",
                kDays[c.weekday], c.day, kMonths[c.month - 1], c.year, c.hour, c.minute, c.second,
                sign, minutes / 60, minutes % 60);
  return buf;
}

std::string format_local(Time t, std::string_view zone) {
  auto [offset, abbrev] = offset_at(t, zone);
  Civil c = civil(t + offset);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld %s", c.year, c.month, c.day, c.hour,
                c.minute, abbrev.c_str());
  return buf;
}

std::string format_local_words(Time t, std::string_view zone, std::string_view language) {
  // Russian names the month in the genitive ("1 декабря") and Moscow time МСК.
  static constexpr const char* kRu[] = {"января",   "февраля", "марта",  "апреля",
                                        "мая",      "июня",    "июля",   "августа",
                                        "сентября", "октября", "ноября", "декабря"};
  static constexpr const char* kEn[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  const bool ru = language == "ru" || language.starts_with("ru-");
  auto [offset, abbrev] = offset_at(t, zone);
  Civil c = civil(t + offset);
  if (ru && abbrev == "MSK") abbrev = "МСК";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%u %s %04d, %02lld:%02lld %s", c.day,
                (ru ? kRu : kEn)[c.month - 1], c.year, c.hour, c.minute, abbrev.c_str());
  return buf;
}

std::string zone_label(std::string_view zone, std::string_view language) {
  struct Known {
    std::string_view zone, ru, en;
  };
  static constexpr Known known[] = {
      {"Europe/Moscow", "время Москвы", "Moscow time"},
      {"Europe/Kaliningrad", "время Калининграда", "Kaliningrad time"},
      {"Europe/Samara", "время Самары", "Samara time"},
      {"Asia/Yekaterinburg", "время Екатеринбурга", "Yekaterinburg time"},
      {"Asia/Omsk", "время Омска", "Omsk time"},
      {"Asia/Novosibirsk", "время Новосибирска", "Novosibirsk time"},
      {"Asia/Krasnoyarsk", "время Красноярска", "Krasnoyarsk time"},
      {"Asia/Irkutsk", "время Иркутска", "Irkutsk time"},
      {"Asia/Vladivostok", "время Владивостока", "Vladivostok time"},
      {"Europe/Minsk", "время Минска", "Minsk time"},
      {"UTC", "всемирное время (UTC)", "UTC"},
  };
  for (const auto& k : known)
    if (k.zone == zone) return std::string(language == "ru" ? k.ru : k.en);
  // "Europe/Berlin" → "Berlin": the city, as people name their time.
  std::string city(
      zone.substr(zone.rfind('/') == std::string_view::npos ? 0 : zone.rfind('/') + 1));
  std::replace(city.begin(), city.end(), '_', ' ');
  return language == "ru" ? "время: " + city : city + " time";
}

}  // namespace crosstalk::feed
