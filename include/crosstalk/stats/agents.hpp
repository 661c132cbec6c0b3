// User agents: bots to filter and apps to name, from a list kept in the repo
// (stats/agents.txt, built in; docs/stats.md says how to update it).
#pragma once

#include <memory>
#include <mutex>
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
  // "bot REGEX" and "app NAME REGEX" lines (# comments), every pattern
  // compiled: an error names the line.
  static Result<Agents> parse(std::string_view text, std::string_view origin);
  // The list built from stats/agents.txt, compiled on the first classify()
  // (std::regex compiles slowly, and a run that meets no new agent needs none).
  static const Agents& builtin();
  static std::string_view builtin_text();

  // The agent as logged (JSON-escaped; matched as it is). Thread-safe.
  AgentClass classify(std::string_view user_agent) const;

 private:
  struct Rule {
    bool bot = false;
    std::string app, pattern, where;  // where: "origin:line: "
  };
  struct Compiled {
    std::vector<std::regex> bots;
    std::vector<std::pair<std::string, std::regex>> apps;
  };
  static Result<std::vector<Rule>> read_rules(std::string_view text, std::string_view origin);
  static Result<Compiled> compile(const std::vector<Rule>& rules);
  const Compiled& compiled() const;

  std::vector<Rule> rules_;
  std::shared_ptr<std::once_flag> once_ = std::make_shared<std::once_flag>();
  std::shared_ptr<Compiled> compiled_ = std::make_shared<Compiled>();
};

}  // namespace crosstalk::stats
