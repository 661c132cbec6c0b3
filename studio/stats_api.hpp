// The comms desk's listening figures: GET /api/stats. Internal to
// crosstalk::studio.
#pragma once

#include <optional>
#include <string>

#include "api_util.hpp"

namespace crosstalk::studio::detail {

// nullopt: not a stats path. Comms only (403 for hosts).
std::optional<Response> stats_request(const Request& r, const Identity& who,
                                      const std::string& path, const std::string& show_dir);

}  // namespace crosstalk::studio::detail
