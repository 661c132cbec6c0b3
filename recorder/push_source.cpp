// PushSource: a queue of sample blocks and events between the studio's
// network thread and the recording loop.
#include "crosstalk/recorder/push_source.hpp"

#include <algorithm>

namespace crosstalk::recorder {

PushSource::PushSource(double rate, int channels, LiveControl& control, std::size_t max_queued)
    : rate_(rate), channels_(channels), control_(control), max_queued_(max_queued) {}

bool PushSource::push(std::span<const float> samples) {
  if (samples.size() % static_cast<std::size_t>(channels_) != 0) return false;
  std::lock_guard lock(mutex_);
  if (ended_ || stopped_ || queued_ + samples.size() > max_queued_) return false;
  if (samples.empty()) return true;
  queue_.push_back({std::vector<float>(samples.begin(), samples.end()), 0, StreamEvent::Stop});
  queued_ += samples.size();
  return true;
}

bool PushSource::push(StreamEvent event) {
  std::lock_guard lock(mutex_);
  // Events are bounded too: a page sending marks in a loop is refused.
  if (ended_ || stopped_ || queue_.size() >= kMaxQueuedEvents) return false;
  queue_.push_back({{}, 0, event});
  return true;
}

void PushSource::end() {
  std::lock_guard lock(mutex_);
  ended_ = true;
}

std::size_t PushSource::queued_samples() const {
  std::lock_guard lock(mutex_);
  return queued_;
}

std::size_t PushSource::read(float* out, std::size_t n) {
  std::lock_guard lock(mutex_);
  std::size_t done = 0;
  while (done < n && !queue_.empty()) {
    Item& item = queue_.front();
    if (item.samples.empty()) {
      if (done) break;  // the samples before the event go first
      switch (item.event) {
        case StreamEvent::Pause: control_.paused = true; break;
        case StreamEvent::Resume: control_.paused = false; break;
        case StreamEvent::Chapter: ++control_.chapter_marks; break;
        case StreamEvent::Stop:
          // Nothing after the host's Stop belongs to the episode.
          control_.stop = true;
          stopped_ = true;
          queue_.clear();
          queued_ = 0;
          return 0;
      }
      queue_.pop_front();
      return 0;
    }
    const std::size_t take = std::min(n - done, item.samples.size() - item.offset);
    std::copy_n(item.samples.data() + item.offset, take, out + done);
    item.offset += take;
    done += take;
    queued_ -= take;
    if (item.offset == item.samples.size()) queue_.pop_front();
  }
  return done;
}

bool PushSource::active() const {
  std::lock_guard lock(mutex_);
  return !(ended_ && queue_.empty());
}

void PushSource::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
}

}  // namespace crosstalk::recorder
