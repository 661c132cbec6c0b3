// `crosstalk build`: publishes what is due and regenerates public/ (feeds,
// page, cover, episodes/ with exactly the published audio). Idempotent: a
// build with nothing new rewrites nothing.
#pragma once

#include <string>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/time.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

struct BuildReport {
  std::vector<int> newly_published;
  std::vector<std::string> written;    // files under public/ that changed
  std::vector<std::string> removed;
  std::size_t published = 0;
  std::optional<feed::Time> next_due;  // the next scheduled time, if any
};

// Takes the show lock itself.
Result<BuildReport> build_public(const ShowFolder& folder, feed::Time now);
// For callers that already hold the lock. Both read show.xml anew under the
// lock (the caller's copy may be stale) and fail, leaving public/ alone, when
// it is broken.
Result<BuildReport> build_public_locked(const ShowFolder& folder, feed::Time now);

}  // namespace crosstalk::publisher
