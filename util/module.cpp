// load_module: each module loaded once, on first use (see the header).
#include "crosstalk/util/module.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/filesystem/operations.hpp>
#include <map>
#include <memory>
#include <mutex>

namespace crosstalk::util {

const Module& load_module(const std::string& name, const std::string& what,
                          std::initializer_list<const char*> symbols) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Module>> loaded;
  std::lock_guard lock(mutex);
  auto& slot = loaded[name];
  if (slot) return *slot;
  slot = std::make_unique<Module>();
  Module& m = *slot;
  boost::system::error_code ec;
  const auto where = boost::dll::program_location(ec).parent_path().parent_path() / "lib" /
                     "crosstalk" / (name + boost::dll::shared_library::suffix().string());
  if (!ec && !boost::filesystem::exists(where)) {
    m.error = "crosstalk's " + what + " " + where.string() + " is missing; reinstall crosstalk";
    return m;
  }
  if (!ec) m.library.load(where, boost::dll::load_mode::default_mode, ec);
  bool complete = !ec;
  for (const char* symbol : symbols) complete = complete && m.library.has(symbol);
  if (!complete)
    m.error = "crosstalk's " + what + " " + where.string() + " did not load (" +
              (ec ? ec.message() : std::string("not crosstalk's module")) +
              "); reinstall crosstalk";
  return m;
}

}  // namespace crosstalk::util
