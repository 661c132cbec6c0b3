// util::possessive and util::closest_match: the words of messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crosstalk/util/words.hpp"

using crosstalk::util::closest_match;
using crosstalk::util::possessive;

TEST(Words, PossessiveOfNamesEndingInSTakesAnApostropheOnly) {
  EXPECT_EQ(possessive("marketing"), "marketing's");
  EXPECT_EQ(possessive("sales"), "sales'");
  EXPECT_EQ(possessive("hr"), "hr's");
}

TEST(Words, ClosestMatchGuessesTyposButNotStrangers) {
  const std::vector<std::string> commands{"encode", "init", "import", "list", "schedule", "publish", "unpublish",
                                          "edit", "build", "check", "subscribers", "serve", "spool"};
  EXPECT_EQ(closest_match("pubish", commands), "publish");     // a letter left out
  EXPECT_EQ(closest_match("pbulish", commands), "publish");    // two swapped
  EXPECT_EQ(closest_match("schedul", commands), "schedule");
  EXPECT_EQ(closest_match("imprt", commands), "import");
  EXPECT_EQ(closest_match("subscriber", commands), "subscribers");
  EXPECT_EQ(closest_match("subs", commands), "subscribers");   // the only one it starts
  EXPECT_EQ(closest_match("lst", commands), "list");
  EXPECT_EQ(closest_match("delete", commands), std::nullopt);  // no command is that close
  EXPECT_EQ(closest_match("s", commands), std::nullopt);
  EXPECT_EQ(closest_match("se", commands), std::nullopt);      // serve? schedule? no guess
  EXPECT_EQ(closest_match("x", {}), std::nullopt);
}
