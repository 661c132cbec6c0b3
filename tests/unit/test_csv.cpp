// util/csv: RFC 4180 reading and writing, as spreadsheets save it.
#include <gtest/gtest.h>

#include "crosstalk/util/csv.hpp"

using crosstalk::util::csv_line;
using crosstalk::util::parse_csv;

namespace {
std::vector<std::vector<std::string>> fields(std::string_view text) {
  auto rows = parse_csv(text);
  EXPECT_TRUE(rows) << rows.error().message;
  std::vector<std::vector<std::string>> out;
  if (rows)
    for (auto& r : *rows) out.push_back(r.fields);
  return out;
}
}  // namespace

TEST(Csv, QuotedFieldsWithCommasQuotesAndLineBreaks) {
  const auto rows = fields("\xEF\xBB\xBFname,e-mail,department\r\n"
                           "\"Петрова, Анна\",anna@example.com,sales\r\n"
                           "\"Олег \"\"Бухгалтер\"\"\",,\r\n"
                           "\"две\nстроки\",x@y.z,marketing\r\n"
                           "\r\n"
                           "last,row,no-newline");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"name", "e-mail", "department"}));  // the BOM is gone
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Петрова, Анна", "anna@example.com", "sales"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Олег \"Бухгалтер\"", "", ""}));
  EXPECT_EQ(rows[3][0], "две\nстроки");
  EXPECT_EQ(rows[4], (std::vector<std::string>{"last", "row", "no-newline"}));
}

TEST(Csv, LineNumbersCountLineBreaksInsideQuotes) {
  auto rows = parse_csv("a,b\n\"x\ny\",1\nz,2\n");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].line, 2u);
  EXPECT_EQ((*rows)[2].line, 4u);
}

TEST(Csv, SemicolonsWhenTheHeaderHasNoComma) {
  const auto rows = fields("Имя;Почта;Отдел\nАнна;anna@example.com;Продажи\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Анна", "anna@example.com", "Продажи"}));
}

TEST(Csv, MalformedTextNamesItsLine) {
  auto open = parse_csv("name\nok\n\"never closed\n");
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message.find("line 3"), std::string::npos) << open.error().message;
  auto after = parse_csv("name\n\"Anna\" Petrova,x\n");
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message.find("line 2"), std::string::npos) << after.error().message;
  EXPECT_EQ(fields("name\nOleg \"x\" 'y'\n")[1][0], "Oleg \"x\" 'y'");  // a quote inside: a plain character
}

TEST(Csv, WrittenFieldsReadBackTheSame) {
  const std::vector<std::string> row{"Петрова, Анна", "say \"hi\"", "a;b", "two\nlines", "plain", ""};
  const std::string text = csv_line({"h1", "h2", "h3", "h4", "h5", "h6"}) + csv_line(row);
  EXPECT_EQ(csv_line({"plain", "x"}), "plain,x\r\n");
  const auto rows = fields(text);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], row);
}
