// parse_csv: a small state machine over the text, one character at a time.
#include "crosstalk/util/csv.hpp"

namespace crosstalk::util {

namespace {

constexpr const char* kAfterQuote = ": text after a quoted field's closing '\"'; quote the whole field";
constexpr const char* kNeverClosed = ": a quoted field is never closed (a '\"' is missing)";

char separator_of(std::string_view text) {
  const std::string_view first = text.substr(0, text.find('\n'));
  return first.find(';') != std::string_view::npos && first.find(',') == std::string_view::npos ? ';' : ',';
}

}  // namespace

Result<std::vector<CsvRow>> parse_csv(std::string_view text) {
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  const char sep = separator_of(text);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  std::size_t line = 1, quote_line = 0;
  bool quoted = false, was_quoted = false, row_started = false;
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    was_quoted = false;
  };
  auto end_row = [&] {
    end_field();
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow{};
    row_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!row_started) {
      row.line = line;
      row_started = true;
    }
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field.empty() && !was_quoted) {
      field += c;  // inside an unquoted field: a plain character, as spreadsheets read it
    } else if (c == '"') {
      if (was_quoted) return bad_input("line " + std::to_string(line) + kAfterQuote);
      quoted = was_quoted = true;
      quote_line = line;
    } else if (c == sep) {
      end_field();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      // CRLF: the '\n' ends the row
    } else if (c == '\n') {
      end_row();
      ++line;
    } else if (was_quoted) {
      return bad_input("line " + std::to_string(line) + kAfterQuote);
    } else {
      field += c;
    }
  }
  if (quoted)
    return bad_input("line " + std::to_string(quote_line) + kNeverClosed);
  if (row_started) end_row();
  return rows;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",;\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\r\n";
}

}  // namespace crosstalk::util
