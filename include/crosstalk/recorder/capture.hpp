// Live capture from a microphone (PortAudio in callback mode: the callback
// copies the device's interleaved float samples into a ring and counts
// problems; it allocates nothing, locks nothing and does no I/O; the
// encoder thread drains the ring through read()).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/sample_source.hpp"
#include "crosstalk/recorder/sound_server.hpp"

namespace crosstalk::recorder {

struct InputDevice {
  int id = 0;
  std::string name;
  std::string host_api;
  int max_input_channels = 0;
  double default_sample_rate = 0;
  bool is_default = false;
  // ALSA's "default" and "pulse" devices: the sound server's default input
  // behind them, whose channels and rate are the microphone's (PortAudio's
  // figures above are only what the ALSA plugin accepts). Empty when no
  // server answers.
  std::optional<ServerInput> server_input;
};

// Every device with inputs (PortAudio's probing noise silenced).
Result<std::vector<InputDevice>> list_input_devices();

struct CaptureSettings {
  std::string device;  // "" default, a number (id) or part of a name
  int channels = 1;
  double preferred_rate = 48000;  // used when offered, else the device's own
};

// A microphone being recorded. Capture::open and list_input_devices call
// into the capture module (capture_portaudio.cpp, built as
// lib/crosstalk/capture.so; see util/module.hpp): the commands that do not
// record start without PortAudio, the sound server's client library and
// the ~20 libraries behind them.
class Capture : public SampleSource {
 public:
  static Result<std::unique_ptr<Capture>> open(const CaptureSettings& settings);

  virtual Result<void> start() = 0;
  virtual const std::string& device_name() const = 0;
};

}  // namespace crosstalk::recorder
