// The studio page's files (studio/web/), built into the binary: the studio
// works on an intranet with no access to anything else.
#pragma once

#include <string_view>

namespace crosstalk::studio {

struct WebAsset {
  std::string_view name;  // "studio.js", "i18n/ru.json"
  std::string_view content_type;
  std::string_view bytes;
};

// nullptr when there is no such file.
const WebAsset* find_web_asset(std::string_view name);

}  // namespace crosstalk::studio
