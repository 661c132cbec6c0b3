// The MP3 rendition of episodes that have none: imported before renditions
// existed, or in a show that turned <mp3 enabled="true"/> on later.
#pragma once

#include <functional>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

// Each from its Opus file (the only audio kept; already normalised), encoded
// outside the show lock, one episode per core at a time, then tagged and put
// in place with its sidecar under it. `progress` hears of each episode before
// it is encoded (from one thread at a time). Returns the
// numbers of the episodes that got one. Nothing to do when the show has no
// MP3 renditions.
using RenditionProgress = std::function<void(const feed::Episode&, std::size_t index, std::size_t count)>;
Result<std::vector<int>> make_missing_renditions(const ShowFolder& folder, const RenditionProgress& progress = {});

// Does the episode lack an MP3 the show wants?
bool needs_rendition(const ShowFolder& folder, const feed::Episode& episode);

}  // namespace crosstalk::publisher
