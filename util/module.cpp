// load_module: each module loaded once, on first use (see the header).
#include "crosstalk/util/module.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/filesystem/operations.hpp>
#include <map>
#include <memory>
#include <mutex>

#include "crosstalk/i18n/i18n.hpp"

namespace crosstalk::util {

const Module& load_module(const std::string& name, std::initializer_list<const char*> symbols) {
  static std::mutex mutex;
  // Never destroyed: a module is never unloaded, even at exit (objects it
  // made may outlive static destruction, and sanitizers name its frames).
  static auto* loaded = new std::map<std::string, std::unique_ptr<Module>>;
  std::lock_guard lock(mutex);
  auto& slot = (*loaded)[name];
  if (slot) return *slot;
  slot = std::make_unique<Module>();
  Module& m = *slot;
  boost::system::error_code ec;
  const auto where = boost::dll::program_location(ec).parent_path().parent_path() / "lib" /
                     "crosstalk" / (name + boost::dll::shared_library::suffix().string());
  m.where = where.string();
  if (!ec && !boost::filesystem::exists(where)) {
    m.missing = true;
    return m;
  }
  if (!ec) m.library.load(where, boost::dll::load_mode::default_mode, ec);
  bool complete = !ec;
  for (const char* symbol : symbols) complete = complete && m.library.has(symbol);
  m.loaded = complete;
  if (!complete && ec) m.load_error = ec.message();
  // Its messages through the binary's catalogue (recorder/module_i18n.cpp).
  using TranslateWithFn = void(i18n::detail::TranslateFn*);
  if (complete && m.library.has("crosstalk_module_translate_with"))
    m.library.get<TranslateWithFn>("crosstalk_module_translate_with")(&i18n::detail::translate);
  return m;
}

std::string Module::problem(const std::string& what) const {
  if (missing) return i18n::tr("crosstalk's {1} {2} is missing; reinstall crosstalk", what, where);
  return i18n::tr("crosstalk's {1} {2} did not load ({3}); reinstall crosstalk", what, where,
                  load_error.empty() ? i18n::tr("not crosstalk's module") : load_error);
}

}  // namespace crosstalk::util
