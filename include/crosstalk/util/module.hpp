// crosstalk's own modules: parts of the binary with heavy libraries behind
// them (FFmpeg's decoders, PortAudio and the sound server, libsndfile,
// TagLib), built as
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
  std::string where;       // its file
  bool loaded = false;
  bool missing = false;    // no such file
  std::string load_error;  // why it did not load ("": it is not crosstalk's module)

  template <class Function>
  Function* get(const char* symbol) const {
    return loaded ? &library.get<Function>(symbol) : nullptr;
  }
  // Why it is not loaded, in the reader's language; `what` names it
  // ("FFmpeg module", in that language too).
  std::string problem(const std::string& what) const;
};

// The module NAME, loaded on the first call; it must export every one of
// `symbols`.
const Module& load_module(const std::string& name, std::initializer_list<const char*> symbols);

}  // namespace crosstalk::util
