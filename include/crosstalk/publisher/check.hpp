// `crosstalk check`: verifies the show folder without changing it — files
// present, sizes and durations match the sidecars, tags readable, public/
// in step with the library, feeds well-formed, every episode within 2 LU of
// the show's loudness target.
#pragma once

#include <string>
#include <vector>

#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

struct Problem {
  std::string path;
  std::string problem;  // in English: `check --json` (machine output stays stable)
  std::string text;     // the same in the reader's language (i18n), for the screen
};

struct CheckReport {
  std::size_t episodes = 0;
  std::size_t published = 0;
  std::vector<Problem> problems;
  bool ok() const { return problems.empty(); }
};

CheckReport check_show(const ShowFolder& folder);

}  // namespace crosstalk::publisher
