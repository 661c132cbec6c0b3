// Lists of people kept by name (subscribers.xml, staff.xml): removing one,
// with a message naming who is there when the name is not.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/error.hpp"

namespace crosstalk::publisher {

// `what`: "subscriber"/"subscribers", "staff member"/"staff".
template <class Person>
Result<void> remove_by_name(std::vector<Person>& list, std::string_view name, std::string_view what,
                            std::string_view plural) {
  auto it = std::find_if(list.begin(), list.end(), [&](const Person& p) { return p.name == name; });
  if (it != list.end()) {
    list.erase(it);
    return {};
  }
  std::string known;
  for (const auto& p : list) known += (known.empty() ? "" : ", ") + p.name;
  return bad_input("no " + std::string(what) + " '" + std::string(name) + "'" +
                   (known.empty() ? std::string(" (there are none)") : " (" + std::string(plural) + ": " + known + ")"));
}

}  // namespace crosstalk::publisher
