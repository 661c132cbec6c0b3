// CSV as RFC 4180 has it, for lists people make in a spreadsheet: reading
// (UTF-8 with or without a byte-order mark, CRLF or LF, quoted fields with
// commas, doubled quotes and line breaks; ';' as the separator when the
// first line has ';' and no ',', as Excel saves it in Russian locales) and
// writing fields (quoted only when they need it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/error.hpp"

namespace crosstalk::util {

struct CsvRow {
  std::size_t line = 0;  // where the row starts in the file, from 1
  std::vector<std::string> fields;
};

// Every row, blank lines left out. A quote inside an unquoted field is a
// plain character (as spreadsheets read it); text after a quoted field's
// closing quote, or a quoted field never closed: an error saying
// "line N: …" (BadInput).
Result<std::vector<CsvRow>> parse_csv(std::string_view text);

// One field, quoted when it holds a comma, semicolon, quote or line break.
std::string csv_field(std::string_view field);
// Fields joined by commas, ended by CRLF.
std::string csv_line(const std::vector<std::string>& fields);
// What a CSV file for a spreadsheet starts with: the UTF-8 byte-order mark,
// without which Excel reads Cyrillic as the local code page.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace crosstalk::util
