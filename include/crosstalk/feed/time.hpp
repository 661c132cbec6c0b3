// Times in crosstalk: stored as UTC seconds; read as ISO 8601 with or without
// an offset (without one: wall time in the show's time zone, DST included,
// through the system tz database); written as ISO 8601 UTC (sidecars) and
// RFC 2822 in the show's offset (feeds).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "crosstalk/error.hpp"

namespace crosstalk::feed {

using Time = std::chrono::sys_seconds;

// Fails with BadInput when the zone is not in the tz database.
Result<void> check_time_zone(std::string_view zone);
// The same answer without listing the database (which walks
// /usr/share/zoneinfo: 1,265 files, milliseconds on every command): a name
// the database would list, whose file is a compiled zone. For show.xml,
// read by every command; anything it doubts gets the full check.
Result<void> check_time_zone_name(std::string_view zone);

// "2026-12-01T10:00", "2026-12-01T10:00:30", "2026-12-01 10:00",
// "2026-12-01T10:00+03:00", "2026-12-01T07:00Z"; and as Russian staff write
// them: "01.12.2026 10:00", "1 декабря 10:00" (no year: the next 1 December),
// "1 декабря 2026 г. в 10:00". A wall time that does not exist (skipped by
// DST) or is ambiguous (repeated) is refused with a hint.
Result<Time> parse_time(std::string_view text, std::string_view zone);

std::string format_utc(Time t);                                // 2026-12-01T07:00:00Z
std::string format_rfc2822(Time t, std::string_view zone);     // Tue, 01 Dec 2026 10:00:00 +0300
std::string format_local(Time t, std::string_view zone);       // 2026-12-01 10:00 MSK
// For people reading a page in the show's language: "1 декабря 2026, 10:00
// МСК" (ru), else "1 December 2026, 10:00 MSK".
std::string format_local_words(Time t, std::string_view zone, std::string_view language);
Time now();

// How people name the zone's time on screen: "время Москвы" / "Moscow time"
// for Europe/Moscow (language "ru" or anything else).
std::string zone_label(std::string_view zone, std::string_view language);

}  // namespace crosstalk::feed
