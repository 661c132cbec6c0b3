// The compiled Russian catalogue (ru.mo), generated at build time by
// embed_catalogue.cmake from msgfmt's output.
#pragma once

#include <string_view>

namespace crosstalk::i18n {
std::string_view russian_catalogue();
}
