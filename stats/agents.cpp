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

Result<Agents> Agents::parse(std::string_view text, std::string_view origin) {
  Agents a;
  int number = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = std::string(origin) + ":" + std::to_string(number) + ": ";
    std::string_view kind = next_word(line);
    std::string name;
    if (kind == "app") {
      // NAME may hold spaces: everything up to a run of two spaces or a tab.
      auto end = line.find("  ");
      if (auto tab = line.find('\t'); tab < end) end = tab;
      if (end == std::string_view::npos)
        return bad_input(where + "'app NAME  REGEX': two spaces or a tab after the name");
      name = std::string(trim(line.substr(0, end)));
      line = trim(line.substr(end));
    } else if (kind != "bot") {
      return bad_input(where + "each line is 'bot REGEX' or 'app NAME  REGEX', not '" +
                       std::string(kind) + "'");
    }
    if (line.empty()) return bad_input(where + "the pattern is missing");
    try {
      std::regex re(std::string(line),
                    std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
      if (kind == "bot")
        a.bots_.push_back(std::move(re));
      else
        a.apps_.emplace_back(std::move(name), std::move(re));
    } catch (const std::regex_error& e) {
      return bad_input(where + "bad pattern: " + e.what());
    }
  }
  return a;
}

std::string_view Agents::builtin_text() { return kBuiltin; }

const Agents& Agents::builtin() {
  static const Agents agents = [] {
    auto a = parse(kBuiltin, "stats/agents.txt");
    if (!a) {  // the repo's own file: the unit tests parse it, so this is a build mistake
      std::fprintf(stderr, "crosstalk: %s\n", a.error().message.c_str());
      std::abort();
    }
    return std::move(*a);
  }();
  return agents;
}

AgentClass Agents::classify(std::string_view ua) const {
  AgentClass c;
  if (trim(ua).empty() || ua == "-") {
    c.filtered = true;
    return c;
  }
  for (const auto& re : bots_)
    if (std::regex_search(ua.begin(), ua.end(), re)) {
      c.filtered = true;
      return c;
    }
  for (const auto& [name, re] : apps_)
    if (std::regex_search(ua.begin(), ua.end(), re)) {
      c.app = name;
      break;
    }
  return c;
}

}  // namespace crosstalk::stats
