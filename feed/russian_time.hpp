// Times as Russian staff write them: "01.12.2026 10:00", "1.12.2026, 10:00",
// "1 декабря 10:00", "1 декабря 2026 г. в 10:00", "1 дек 10:00" (any case),
// rewritten as ISO 8601 wall time ("2026-12-01T10:00") for parse_time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crosstalk::feed::detail {

struct RussianTime {
  std::string iso;           // YYYY-MM-DDTHH:MM
  bool year_given = true;    // "1 декабря 10:00": no year (parse_time picks the next one)
};

// nullopt: not one of these forms.
std::optional<RussianTime> russian_time(std::string_view text, int year);

}  // namespace crosstalk::feed::detail
