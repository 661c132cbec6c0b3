// A module's side of i18n::tr (in each of crosstalk's modules): a module has
// no catalogue of its own; util::load_module hands it the binary's translate
// when it loads it, so the module's messages come in the calling thread's
// language like any other.
#include <boost/config.hpp>

#include "crosstalk/i18n/i18n.hpp"

namespace {
crosstalk::i18n::detail::TranslateFn* g_translate = nullptr;
}  // namespace

namespace crosstalk::i18n::detail {
std::string translate(const char* msgid, std::initializer_list<std::string> args) { return g_translate(msgid, args); }
}  // namespace crosstalk::i18n::detail

extern "C" BOOST_SYMBOL_EXPORT void crosstalk_module_translate_with(crosstalk::i18n::detail::TranslateFn* translate) {
  g_translate = translate;
}
