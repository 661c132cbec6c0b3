// /api/episodes… of the studio and the comms desk. Internal to crosstalk::studio.
#pragma once

#include <string>
#include <string_view>

#include "api_util.hpp"

namespace crosstalk::studio::detail {

// `rest`: what follows "/api/episodes" ("", "?state=draft", "/5", "/5/audio?format=mp3").
Response episodes_request(const Request& r, const Identity& who, std::string_view rest, const std::string& show_dir,
                          const std::string& language, Versions& versions);

}  // namespace crosstalk::studio::detail
