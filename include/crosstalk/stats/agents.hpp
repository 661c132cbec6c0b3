// User agents: bots to filter and apps to name, from a list kept in the repo
// (stats/agents.txt, built in; docs/stats.md says how to update it).
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/error.hpp"

namespace crosstalk::stats {

struct AgentClass {
  bool filtered = false;  // a bot, or a malformed agent
  std::string app;        // "" when no line names it ("other")
};

class Agents {
 public:
  // "bot REGEX" and "app NAME REGEX" lines (# comments); an error names the line.
  static Result<Agents> parse(std::string_view text, std::string_view origin);
  // The list built from stats/agents.txt.
  static const Agents& builtin();
  static std::string_view builtin_text();

  // The agent as logged (JSON-escaped; matched as it is).
  AgentClass classify(std::string_view user_agent) const;

 private:
  std::vector<std::regex> bots_;
  std::vector<std::pair<std::string, std::regex>> apps_;
};

}  // namespace crosstalk::stats
