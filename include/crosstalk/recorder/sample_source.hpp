// Where a live recording's samples come from: the sound card (Capture,
// PortAudio) or the browser studio (samples arriving over a WebSocket).
// record_live drains one of these; it never knows which.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace crosstalk::recorder {

class SampleSource {
 public:
  virtual ~SampleSource() = default;

  virtual double rate() const = 0;
  virtual int channels() const = 0;
  // Moves up to n samples (interleaved, n a multiple of channels()) into
  // out; never blocks. 0: nothing there right now.
  virtual std::size_t read(float* out, std::size_t n) = 0;
  // False once no more samples will come (device gone, stream ended).
  virtual bool active() const = 0;
  // Asks the source to stop producing; what it has already produced can
  // still be read. Idempotent.
  virtual void stop() = 0;

  virtual std::uint64_t overflows() const { return 0; }  // reported by the audio system
  virtual std::uint64_t dropped() const { return 0; }    // lost samples (the reader fell behind)
};

}  // namespace crosstalk::recorder
