// Where the Ogg Opus writer's pages go: a file (each page straight to the OS)
// or memory (tests).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/util/output_file.hpp"

namespace crosstalk::recorder {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Result<void> write(std::span<const std::uint8_t> bytes) = 0;
  // Overwrites bytes already written (the MP3 info frame at the start).
  virtual Result<void> patch(std::uint64_t offset, std::span<const std::uint8_t> bytes) = 0;
};

class FileSink final : public ByteSink {
 public:
  explicit FileSink(util::OutputFile& file) : file_(file) {}
  Result<void> write(std::span<const std::uint8_t> bytes) override { return file_.write_all(bytes); }
  Result<void> patch(std::uint64_t offset, std::span<const std::uint8_t> bytes) override {
    return file_.write_at(offset, bytes);
  }

 private:
  util::OutputFile& file_;
};

class MemorySink final : public ByteSink {
 public:
  Result<void> write(std::span<const std::uint8_t> bytes) override {
    data.insert(data.end(), bytes.begin(), bytes.end());
    return {};
  }
  Result<void> patch(std::uint64_t offset, std::span<const std::uint8_t> bytes) override {
    if (offset + bytes.size() > data.size()) return failure("patch beyond the end of the data");
    std::copy(bytes.begin(), bytes.end(), data.begin() + static_cast<std::ptrdiff_t>(offset));
    return {};
  }
  std::vector<std::uint8_t> data;
};

}  // namespace crosstalk::recorder
