// A SampleSource fed from another thread: the browser studio pushes the
// samples that arrive over its WebSocket, with the host's pause, resume,
// chapter and stop in their place in the stream. Each event is applied to
// the recording's LiveControl when record_live reaches it, so a chapter
// falls after exactly the samples sent before it and paused samples are
// left out by the same rule as for the sound card.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <vector>

#include "crosstalk/recorder/live_recorder.hpp"
#include "crosstalk/recorder/sample_source.hpp"

namespace crosstalk::recorder {

enum class StreamEvent { Pause, Resume, Chapter, Stop };

class PushSource final : public SampleSource {
 public:
  // `max_queued`: samples it holds before refusing more (a bound on memory
  // when the reader stalls).
  PushSource(double rate, int channels, LiveControl& control, std::size_t max_queued);

  // Producer side (any thread). False when refused: stopped, ended, over
  // the bound, or not a whole number of frames.
  bool push(std::span<const float> samples);
  bool push(StreamEvent event);
  // No more will come (the sender is gone): active() turns false once
  // what is queued has been read.
  void end();
  std::size_t queued_samples() const;

  // SampleSource (record_live's thread).
  double rate() const override { return rate_; }
  int channels() const override { return channels_; }
  // Stops at an event: applies it and returns 0, so record_live sees the
  // control change before the samples after it.
  std::size_t read(float* out, std::size_t n) override;
  bool active() const override;
  void stop() override;

 private:
  struct Item {
    std::vector<float> samples;  // empty for an event
    std::size_t offset = 0;
    StreamEvent event = StreamEvent::Stop;
  };
  const double rate_;
  const int channels_;
  LiveControl& control_;
  const std::size_t max_queued_;
  static constexpr std::size_t kMaxQueuedEvents = 4096;  // items (sample blocks and events) waiting
  mutable std::mutex mutex_;
  std::deque<Item> queue_;
  std::size_t queued_ = 0;
  bool ended_ = false, stopped_ = false;
};

}  // namespace crosstalk::recorder
