// A bounded queue of PCM blocks between two threads of the encode pipeline
// (DSP → encoder), so both cores work and memory stays bounded. Not for the
// real-time capture callback: it locks.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

namespace crosstalk::recorder {

class BlockQueue {
 public:
  explicit BlockQueue(std::size_t capacity) : capacity_(capacity) {}

  // Blocks while full; false once cancelled (the consumer gave up).
  bool push(std::vector<float> block) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || blocks_.size() < capacity_; });
    if (cancelled_) return false;
    blocks_.push_back(std::move(block));
    changed_.notify_all();
    return true;
  }

  // Blocks while empty; false when closed and drained, or cancelled.
  bool pop(std::vector<float>& block) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || closed_ || !blocks_.empty(); });
    if (cancelled_ || blocks_.empty()) return false;
    block = std::move(blocks_.front());
    blocks_.pop_front();
    changed_.notify_all();
    return true;
  }

  void close() {  // the producer is done
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  void cancel() {  // the consumer failed: stop the producer
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<float>> blocks_;
  bool closed_ = false, cancelled_ = false;
};

}  // namespace crosstalk::recorder
