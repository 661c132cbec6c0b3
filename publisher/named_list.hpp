// Lists of people kept by name (subscribers.xml, staff.xml): removing one,
// with a message naming who is there when the name is not.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/error.hpp"

namespace crosstalk::publisher {

// `unknown(known)`: the refusal when nobody is called `name`, given who is
// there ("" when nobody is), in the reader's language.
template <class Person, class Unknown>
Result<void> remove_by_name(std::vector<Person>& list, std::string_view name, Unknown unknown) {
  auto it = std::find_if(list.begin(), list.end(), [&](const Person& p) { return p.name == name; });
  if (it != list.end()) {
    list.erase(it);
    return {};
  }
  std::string known;
  for (const auto& p : list) known += (known.empty() ? "" : ", ") + p.name;
  return bad_input(unknown(known));
}

}  // namespace crosstalk::publisher
