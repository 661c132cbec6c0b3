// Text that XML 1.0 can carry: valid UTF-8 without the C0 control characters
// other than tab, LF and CR (nor U+FFFE, U+FFFF). Input with anything else is
// refused (xml_text_problem); text already on disk is rendered through
// xml_safe_text, so a feed is always well-formed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crosstalk::util {

// The first character or byte XML 1.0 cannot carry, described for a message,
// e.g. "a control character (U+000B) at byte 5, which XML 1.0 forbids";
// nullopt when `text` is clean.
std::optional<std::string> xml_text_problem(std::string_view text);

// `text` with each forbidden character and each invalid UTF-8 byte
// sequence replaced by U+FFFD.
std::string xml_safe_text(std::string_view text);

}  // namespace crosstalk::util
