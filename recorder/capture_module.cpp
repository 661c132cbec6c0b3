// Capture::open / list_input_devices: call into the capture module
// (capture_portaudio.cpp, built as lib/crosstalk/capture.so; see
// util/module.hpp).
#include "crosstalk/recorder/capture.hpp"
#include "crosstalk/util/module.hpp"

namespace crosstalk::recorder {

namespace {

using OpenFn = void(const CaptureSettings&, Result<std::unique_ptr<Capture>>&);
using ListFn = void(Result<std::vector<InputDevice>>&);

const util::Module& module() {
  return util::load_module("capture", "recording module",
                           {"crosstalk_capture_open", "crosstalk_capture_list"});
}

}  // namespace

Result<std::unique_ptr<Capture>> Capture::open(const CaptureSettings& settings) {
  const util::Module& m = module();
  auto* open = m.get<OpenFn>("crosstalk_capture_open");
  if (!open) return failure("cannot record: " + m.error);
  Result<std::unique_ptr<Capture>> out = nullptr;
  open(settings, out);
  return out;
}

Result<std::vector<InputDevice>> list_input_devices() {
  const util::Module& m = module();
  auto* list = m.get<ListFn>("crosstalk_capture_list");
  if (!list) return failure("cannot list the input devices: " + m.error);
  Result<std::vector<InputDevice>> out = std::vector<InputDevice>{};
  list(out);
  return out;
}

}  // namespace crosstalk::recorder
