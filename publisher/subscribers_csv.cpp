// People lists in and links out as CSV (util/csv: RFC 4180).
#include "crosstalk/publisher/subscribers_csv.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/util/csv.hpp"
#include "crosstalk/util/read_file.hpp"

namespace crosstalk::publisher {

namespace {

// Every message of subscribers add --from, in one place (to be translated later).
constexpr const char* kCannotRead = ": cannot read it";
constexpr const char* kEmpty = ": the file is empty; give a header row (name,e-mail,department) and a row per person";
constexpr const char* kNoNameColumn =
    ": the first row must name the columns, with one called name (and e-mail, department if you have them)";
constexpr const char* kTwice = ": the column '%' is there twice";
constexpr const char* kTooManyFields = " fields, but the header has ";
constexpr const char* kQuoteHint = "; put a field that holds a comma in double quotes";
constexpr const char* kNoPeople = ": no people in it, only the header row";

// The header names each column may have (compared in lower case for ASCII).
constexpr std::array<std::array<const char*, 6>, 3> kHeaders{{
    {"name", "full name", "имя", "Имя", "ФИО", "фио"},
    {"e-mail", "email", "mail", "почта", "Почта", "E-mail"},
    {"department", "dept", "отдел", "Отдел", "подразделение", "Подразделение"},
}};

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t"), last = s.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

std::string ascii_lower_trimmed(const std::string& text) {
  std::string s = trimmed(text);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<std::vector<NewPerson>> read_people_csv(const boost::filesystem::path& file) {
  const std::string where = file.filename().string();
  auto bytes = util::read_file(file);
  if (!bytes) return bad_input(file.string() + kCannotRead);
  auto rows = util::parse_csv(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (!rows) return bad_input(where + " " + rows.error().message);
  if (rows->empty()) return bad_input(where + kEmpty);
  const util::CsvRow& header = rows->front();
  std::array<std::optional<std::size_t>, 3> column;  // name, e-mail, department
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = ascii_lower_trimmed(header.fields[i]);
    for (std::size_t k = 0; k < kHeaders.size(); ++k)
      if (std::any_of(kHeaders[k].begin(), kHeaders[k].end(), [&](const char* h) { return name == ascii_lower_trimmed(h); })) {
        if (column[k]) {
          std::string message = where + " line 1" + kTwice;
          message.replace(message.find('%'), 1, header.fields[i]);
          return bad_input(message);
        }
        column[k] = i;
      }
  }
  if (!column[0]) return bad_input(where + " line 1" + kNoNameColumn);
  std::vector<NewPerson> people;
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const util::CsvRow& row = (*rows)[r];
    const std::string at = where + " line " + std::to_string(row.line);
    if (row.fields.size() > header.fields.size())
      return bad_input(at + ": " + std::to_string(row.fields.size()) + kTooManyFields +
                       std::to_string(header.fields.size()) + kQuoteHint);
    auto field = [&row](const std::optional<std::size_t>& c) {
      return c && *c < row.fields.size() ? trimmed(row.fields[*c]) : std::string();
    };
    people.push_back({field(column[0]), field(column[1]), field(column[2]), at});
  }
  if (people.empty()) return bad_input(where + kNoPeople);
  return people;
}

std::string links_csv(const std::vector<NewSubscriber>& added) {
  std::string out = util::csv_line({"name", "e-mail", "department", "feed", "page"});
  for (const auto& a : added)
    out += util::csv_line({a.subscriber.name, a.subscriber.email, a.subscriber.department, a.feed_url, a.page_url});
  return out;
}

std::string subscribers_csv(const std::vector<feed::Subscriber>& subscribers, const feed::Show& show) {
  std::string out = util::csv_line({"name", "e-mail", "department", "added"});
  for (const auto& s : subscribers)
    out += util::csv_line({s.name, s.email, s.department, feed::format_local(s.added, show.timezone)});
  return out;
}

}  // namespace crosstalk::publisher
