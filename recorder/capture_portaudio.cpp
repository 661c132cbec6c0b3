// The capture module (lib/crosstalk/capture.so): capture through PortAudio
// (callback mode, float32 interleaved), and the device list. Its entry
// points are the two extern "C" functions at the end (capture_module.cpp
// calls them).
#include <portaudio.h>

#include <algorithm>
#include <atomic>
#include <boost/config.hpp>
#include <cmath>
#include <cstdlib>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/recorder/capture.hpp"
#include "crosstalk/recorder/spsc_ring.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::recorder {

namespace {

class PortAudioCapture final : public Capture {
 public:
  PortAudioCapture(double rate, int channels, std::string name)
      : rate_(rate), channels_(channels), device_name_(std::move(name)),
        ring_(static_cast<std::size_t>(rate) * static_cast<std::size_t>(channels) * 10) {}  // 10 s of slack
  ~PortAudioCapture() override;

  Result<void> start() override;
  void stop() override;  // idempotent

  // Moves up to n samples (interleaved) into out.
  std::size_t read(float* out, std::size_t n) override { return ring_.pop(out, n); }
  bool active() const override;  // false once the device stopped or vanished

  double rate() const override { return rate_; }
  int channels() const override { return channels_; }
  const std::string& device_name() const override { return device_name_; }
  std::uint64_t overflows() const override { return overflows_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const override { return dropped_.load(std::memory_order_relaxed); }

  // Called on PortAudio's real-time thread: copies, counts, returns.
  void on_audio(const float* samples, unsigned long frames, bool overflow) noexcept;

  void* stream_ = nullptr;  // PaStream*

 private:
  double rate_;
  int channels_;
  std::string device_name_;
  SpscRing<float> ring_;
  std::atomic<std::uint64_t> overflows_{0};  // input overflows reported by PortAudio
  std::atomic<std::uint64_t> dropped_{0};    // samples lost because the ring was full
};

// Pa_Initialize with ALSA's and JACK's probing chatter kept off the terminal.
Result<void> initialize() {
  PaError e;
  {
    util::platform::SilencedStderr quiet;
    e = Pa_Initialize();
  }
  if (e != paNoError) return failure(i18n::tr("cannot start the audio system (PortAudio): {1}", Pa_GetErrorText(e)));
  return {};
}

int pa_callback(const void* input, void*, unsigned long frames, const PaStreamCallbackTimeInfo*,
                PaStreamCallbackFlags status, void* self) {
  static_cast<PortAudioCapture*>(self)->on_audio(static_cast<const float*>(input), frames, (status & paInputOverflow) != 0);
  return paContinue;
}

InputDevice describe(int id) {
  const PaDeviceInfo* info = Pa_GetDeviceInfo(id);
  const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
  return {id, info->name ? info->name : "?", api && api->name ? api->name : "?", info->maxInputChannels,
          info->defaultSampleRate, id == Pa_GetDefaultInputDevice(), std::nullopt};
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<std::vector<InputDevice>> list_devices() {
  if (auto r = initialize(); !r) return std::unexpected(r.error());
  std::vector<InputDevice> out;
  const int count = Pa_GetDeviceCount();
  for (int id = 0; id < count; ++id)
    if (Pa_GetDeviceInfo(id) && Pa_GetDeviceInfo(id)->maxInputChannels > 0) out.push_back(describe(id));
  Pa_Terminate();
  auto through_server = [](const InputDevice& d) { return d.name == "default" || d.name == "pulse"; };
  if (std::any_of(out.begin(), out.end(), through_server))
    if (auto input = sound_server_default_input())
      for (auto& d : out)
        if (through_server(d)) d.server_input = input;
  return out;
}

Result<std::unique_ptr<Capture>> open_capture(const CaptureSettings& s) {
  if (auto r = initialize(); !r) return std::unexpected(r.error());
  struct Terminate {
    bool armed = true;
    ~Terminate() {
      if (armed) Pa_Terminate();
    }
  } terminate;
  int id = paNoDevice;
  if (s.device.empty()) {
    id = Pa_GetDefaultInputDevice();
    if (id == paNoDevice)
      return bad_input(
          i18n::tr("no input device: plug in a microphone or headset ('crosstalk devices' lists what is there)"));
  } else {
    char* end = nullptr;
    long n = std::strtol(s.device.c_str(), &end, 10);
    if (end && *end == '\0') {
      id = static_cast<int>(n);
    } else {
      for (int i = 0; i < Pa_GetDeviceCount(); ++i)
        if (const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
            info && info->maxInputChannels > 0 && lower(info->name).find(lower(s.device)) != std::string::npos) {
          id = i;
          break;
        }
    }
    if (id < 0 || id >= Pa_GetDeviceCount() || Pa_GetDeviceInfo(id)->maxInputChannels < 1)
      return bad_input(i18n::tr("--device '{1}': no such input device ('crosstalk devices' lists them)", s.device));
  }
  const InputDevice device = describe(id);
  PaStreamParameters in{};
  in.device = id;
  in.channelCount = std::min(s.channels, device.max_input_channels);
  in.sampleFormat = paFloat32;
  // A recorder needs no low latency: larger buffers mean fewer wake-ups
  // (less CPU) and more slack against overflows.
  in.suggestedLatency = std::max(0.2, Pa_GetDeviceInfo(id)->defaultHighInputLatency);
  double rate = s.preferred_rate;
  if (Pa_IsFormatSupported(&in, nullptr, rate) != paFormatIsSupported) rate = device.default_sample_rate;
  auto capture = std::make_unique<PortAudioCapture>(rate, in.channelCount, device.name);
  PaStream* stream = nullptr;
  const auto frames_per_buffer = static_cast<unsigned long>(rate / 10);  // 100 ms
  PaError e = Pa_OpenStream(&stream, &in, nullptr, rate, frames_per_buffer, paClipOff, &pa_callback,
                            capture.get());
  if (e != paNoError)
    return failure(i18n::tr("cannot open the input device '{1}': {2}", device.name, Pa_GetErrorText(e)));
  capture->stream_ = stream;
  terminate.armed = false;  // the destructor terminates now
  return std::unique_ptr<Capture>(std::move(capture));
}

PortAudioCapture::~PortAudioCapture() {
  stop();
  if (stream_) Pa_CloseStream(static_cast<PaStream*>(stream_));
  Pa_Terminate();
}

Result<void> PortAudioCapture::start() {
  PaError e = Pa_StartStream(static_cast<PaStream*>(stream_));
  if (e != paNoError)
    return failure(i18n::tr("cannot start recording from '{1}': {2}", device_name_, Pa_GetErrorText(e)));
  return {};
}

void PortAudioCapture::stop() {
  if (stream_ && Pa_IsStreamStopped(static_cast<PaStream*>(stream_)) == 0) Pa_StopStream(static_cast<PaStream*>(stream_));
}

bool PortAudioCapture::active() const { return stream_ && Pa_IsStreamActive(static_cast<PaStream*>(stream_)) == 1; }

void PortAudioCapture::on_audio(const float* samples, unsigned long frames, bool overflow) noexcept {
  if (overflow) overflows_.fetch_add(1, std::memory_order_relaxed);
  const std::size_t n = static_cast<std::size_t>(frames) * static_cast<std::size_t>(channels_);
  if (!samples) return;
  const std::size_t pushed = ring_.push(samples, n);
  if (pushed < n) dropped_.fetch_add(n - pushed, std::memory_order_relaxed);
}

}  // namespace

}  // namespace crosstalk::recorder

extern "C" BOOST_SYMBOL_EXPORT void crosstalk_capture_open(
    const crosstalk::recorder::CaptureSettings& settings,
    crosstalk::Result<std::unique_ptr<crosstalk::recorder::Capture>>& out) {
  out = crosstalk::recorder::open_capture(settings);
}

extern "C" BOOST_SYMBOL_EXPORT void crosstalk_capture_list(
    crosstalk::Result<std::vector<crosstalk::recorder::InputDevice>>& out) {
  out = crosstalk::recorder::list_devices();
}
