// The comms desk's other requests: the timeline, subscribers, staff and the
// cover. Internal to crosstalk::studio.
#pragma once

#include <string>

#include "api_util.hpp"

namespace crosstalk::studio::detail {

// nullopt: not a desk path.
std::optional<Response> desk_request(const Request& r, const Identity& who, const std::string& path,
                                     const std::string& show_dir, const std::string& language);

}  // namespace crosstalk::studio::detail
