// A lock-free single-producer/single-consumer ring of samples, allocated
// once. The PortAudio callback (producer) only calls push(); the encoder
// thread (consumer) only calls pop(). No locks, no allocation, no system
// calls on either side.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <vector>

namespace crosstalk::recorder {

template <class T>
class SpscRing {
 public:
  // Room for at least `capacity` items (rounded up to a power of two).
  explicit SpscRing(std::size_t capacity) {
    std::size_t size = 1;
    while (size < capacity) size <<= 1;
    buffer_.resize(size);
    mask_ = size - 1;
  }

  // Copies as many of `n` items as fit; returns how many (the rest are dropped).
  std::size_t push(const T* data, std::size_t n) noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    const std::size_t room = buffer_.size() - (head - tail);
    n = std::min(n, room);
    for (std::size_t i = 0; i < n; ++i) buffer_[(head + i) & mask_] = data[i];
    head_.store(head + n, std::memory_order_release);
    return n;
  }

  // Moves up to `n` items into `out`; returns how many.
  std::size_t pop(T* out, std::size_t n) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    const std::size_t head = head_.load(std::memory_order_acquire);
    n = std::min(n, head - tail);
    for (std::size_t i = 0; i < n; ++i) out[i] = buffer_[(tail + i) & mask_];
    tail_.store(tail + n, std::memory_order_release);
    return n;
  }

  std::size_t capacity() const noexcept { return buffer_.size(); }

 private:
  std::vector<T> buffer_;
  std::size_t mask_ = 0;
  alignas(64) std::atomic<std::size_t> head_{0};  // next write, by the producer
  alignas(64) std::atomic<std::size_t> tail_{0};  // next read, by the consumer
};

}  // namespace crosstalk::recorder
