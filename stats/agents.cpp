// The user-agent list (stats/agents.txt): bots filtered, apps named.
#include "crosstalk/stats/agents.hpp"

#include <cstdio>
#include <cstdlib>

namespace crosstalk::stats {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string_view next_word(std::string_view& s) {
  s = trim(s);
  auto end = s.find_first_of(" \t");
  auto w = s.substr(0, end);
  s = end == std::string_view::npos ? std::string_view() : trim(s.substr(end));
  return w;
}
}  // namespace

#include "agents_text.inc"

Result<std::vector<Agents::Rule>> Agents::read_rules(std::string_view text,
                                                     std::string_view origin) {
  std::vector<Rule> rules;
  int number = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    if (line.empty() || line[0] == '#') continue;
    Rule rule;
    rule.where = std::string(origin) + ":" + std::to_string(number) + ": ";
    std::string_view kind = next_word(line);
    if (kind == "app") {
      // NAME may hold spaces: everything up to a run of two spaces or a tab.
      auto end = line.find("  ");
      if (auto tab = line.find('\t'); tab < end) end = tab;
      if (end == std::string_view::npos)
        return bad_input(rule.where + "'app NAME  REGEX': two spaces or a tab after the name");
      rule.app = std::string(trim(line.substr(0, end)));
      line = trim(line.substr(end));
    } else if (kind != "bot") {
      return bad_input(rule.where + "each line is 'bot REGEX' or 'app NAME  REGEX', not '" +
                       std::string(kind) + "'");
    }
    if (line.empty()) return bad_input(rule.where + "the pattern is missing");
    rule.bot = kind == "bot";
    rule.pattern = std::string(line);
    rules.push_back(std::move(rule));
  }
  return rules;
}

Result<Agents::Compiled> Agents::compile(const std::vector<Rule>& rules) {
  Compiled c;
  for (const Rule& rule : rules) try {
      std::regex re(rule.pattern,
                    std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
      if (rule.bot)
        c.bots.push_back(std::move(re));
      else
        c.apps.emplace_back(rule.app, std::move(re));
    } catch (const std::regex_error& e) {
      return bad_input(rule.where + "bad pattern: " + e.what());
    }
  return c;
}

Result<Agents> Agents::parse(std::string_view text, std::string_view origin) {
  Agents a;
  auto rules = read_rules(text, origin);
  if (!rules) return std::unexpected(rules.error());
  auto compiled = compile(*rules);
  if (!compiled) return std::unexpected(compiled.error());
  a.rules_ = std::move(*rules);
  std::call_once(*a.once_, [&] { *a.compiled_ = std::move(*compiled); });
  return a;
}

std::string_view Agents::builtin_text() { return kBuiltin; }

const Agents& Agents::builtin() {
  static const Agents agents = [] {
    Agents a;
    auto rules = read_rules(kBuiltin, "stats/agents.txt");
    if (!rules) {  // the repo's own file: the unit tests parse it, so this is a build mistake
      std::fprintf(stderr, "crosstalk: %s\n", rules.error().message.c_str());
      std::abort();
    }
    a.rules_ = std::move(*rules);
    return a;
  }();
  return agents;
}

const Agents::Compiled& Agents::compiled() const {
  std::call_once(*once_, [this] {
    auto c = compile(rules_);
    if (!c) {  // only the built-in list gets here uncompiled (see builtin())
      std::fprintf(stderr, "crosstalk: %s\n", c.error().message.c_str());
      std::abort();
    }
    *compiled_ = std::move(*c);
  });
  return *compiled_;
}

AgentClass Agents::classify(std::string_view ua) const {
  AgentClass c;
  if (trim(ua).empty() || ua == "-") {
    c.filtered = true;
    return c;
  }
  const Compiled& patterns = compiled();
  for (const auto& re : patterns.bots)
    if (std::regex_search(ua.begin(), ua.end(), re)) {
      c.filtered = true;
      return c;
    }
  for (const auto& [name, re] : patterns.apps)
    if (std::regex_search(ua.begin(), ua.end(), re)) {
      c.app = name;
      break;
    }
  return c;
}

}  // namespace crosstalk::stats
