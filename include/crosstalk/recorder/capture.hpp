// Live capture through PortAudio in callback mode. The callback copies the
// device's interleaved float samples into an SpscRing and counts problems;
// it allocates nothing, locks nothing and does no I/O. The encoder thread
// drains the ring (samples()).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/recorder/sample_source.hpp"
#include "crosstalk/recorder/sound_server.hpp"
#include "crosstalk/recorder/spsc_ring.hpp"

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

class Capture final : public SampleSource {
 public:
  static Result<std::unique_ptr<Capture>> open(const CaptureSettings& settings);
  ~Capture() override;

  Result<void> start();
  void stop() override;  // idempotent

  // Moves up to n samples (interleaved) into out.
  std::size_t read(float* out, std::size_t n) override { return ring_.pop(out, n); }
  bool active() const override;  // false once the device stopped or vanished

  double rate() const override { return rate_; }
  int channels() const override { return channels_; }
  const std::string& device_name() const { return device_name_; }
  std::uint64_t overflows() const override { return overflows_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const override { return dropped_.load(std::memory_order_relaxed); }

  // Called on PortAudio's real-time thread: copies, counts, returns.
  void on_audio(const float* samples, unsigned long frames, bool overflow) noexcept;

 private:
  Capture(double rate, int channels, std::string name);

  void* stream_ = nullptr;  // PaStream*
  double rate_;
  int channels_;
  std::string device_name_;
  SpscRing<float> ring_;
  std::atomic<std::uint64_t> overflows_{0};  // input overflows reported by PortAudio
  std::atomic<std::uint64_t> dropped_{0};    // samples lost because the ring was full
};

}  // namespace crosstalk::recorder
