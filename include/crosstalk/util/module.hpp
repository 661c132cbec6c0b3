// crosstalk's own modules: parts of the binary with heavy libraries behind
// them (FFmpeg's decoders, PortAudio and the sound server), built as
// lib/crosstalk/NAME.so and loaded on first use, so that every other
// command starts without those libraries. Boost.DLL does the loading on
// every platform; a module sits at ../lib/crosstalk/ from the binary, both
// in the build tree (build/cli/, build/lib/crosstalk/) and installed
// (/usr/bin/, /usr/lib/crosstalk/). Loaded once, never unloaded: objects a
// module makes live in it.
#pragma once

#include <initializer_list>
#include <string>

#include <boost/dll/shared_library.hpp>

namespace crosstalk::util {

struct Module {
  boost::dll::shared_library library;
  std::string error;  // why it did not load ("" when it did)

  template <class Function>
  Function* get(const char* symbol) const {
    return error.empty() ? &library.get<Function>(symbol) : nullptr;
  }
};

// The module NAME (described as `what` in errors, e.g. "FFmpeg module"),
// loaded on the first call; it must export every one of `symbols`.
const Module& load_module(const std::string& name, const std::string& what,
                          std::initializer_list<const char*> symbols);

}  // namespace crosstalk::util
