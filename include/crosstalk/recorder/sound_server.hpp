// What the desktop sound server (PulseAudio, or PipeWire's PulseAudio
// service) says of its default input. ALSA's "default" and "pulse" devices
// lead there, and PortAudio can only report what that ALSA plugin accepts
// (32 channels, 44100 Hz), not the microphone behind it; this asks the
// server for the real one.
#pragma once

#include <optional>
#include <string>

namespace crosstalk::recorder {

struct ServerInput {
  std::string name;         // the server's source name, e.g. "alsa_input.usb-…" or "vmic"
  std::string description;  // e.g. "Blue Yeti Analog Stereo"
  int channels = 0;
  unsigned rate = 0;
};

// The server's default input, or nothing when no server answers within a
// second (none running, or not this user's).
std::optional<ServerInput> sound_server_default_input();

}  // namespace crosstalk::recorder
