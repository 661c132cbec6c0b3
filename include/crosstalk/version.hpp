// The product version, shown by `crosstalk --version` and in ENCODER tags.
#pragma once

namespace crosstalk {
inline constexpr const char* kVersion = "0.1.0";
}
