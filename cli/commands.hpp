// Each subcommand registers its options on the root CLI11 app and, when it is
// the one given, leaves the work to do in `action`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "crosstalk/error.hpp"

namespace crosstalk::cli {

using Action = std::function<Result<void>()>;

void register_encode(CLI::App& root, Action& action);

}  // namespace crosstalk::cli
