// Capture::open / list_input_devices: call into the capture module
// (capture_portaudio.cpp, built as lib/crosstalk/capture.so; see
// util/module.hpp).
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/recorder/capture.hpp"
#include "crosstalk/util/module.hpp"

namespace crosstalk::recorder {

namespace {

using OpenFn = void(const CaptureSettings&, Result<std::unique_ptr<Capture>>&);
using ListFn = void(Result<std::vector<InputDevice>>&);

const util::Module& module() {
  return util::load_module("capture", {"crosstalk_capture_open", "crosstalk_capture_list",
                                       "crosstalk_module_translate_with"});
}

}  // namespace

Result<std::unique_ptr<Capture>> Capture::open(const CaptureSettings& settings) {
  const util::Module& m = module();
  auto* open = m.get<OpenFn>("crosstalk_capture_open");
  if (!open) return failure(i18n::tr("cannot record: {1}", m.problem(i18n::tr("recording module"))));
  Result<std::unique_ptr<Capture>> out = nullptr;
  open(settings, out);
  return out;
}

Result<std::vector<InputDevice>> list_input_devices() {
  const util::Module& m = module();
  auto* list = m.get<ListFn>("crosstalk_capture_list");
  if (!list)
    return failure(i18n::tr("cannot list the input devices: {1}", m.problem(i18n::tr("recording module"))));
  Result<std::vector<InputDevice>> out = std::vector<InputDevice>{};
  list(out);
  return out;
}

}  // namespace crosstalk::recorder
