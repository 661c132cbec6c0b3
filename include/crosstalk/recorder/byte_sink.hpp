// Where the Ogg Opus writer's pages go: a file (each page straight to the OS)
// or memory (tests).
#pragma once

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
};

class FileSink final : public ByteSink {
 public:
  explicit FileSink(util::OutputFile& file) : file_(file) {}
  Result<void> write(std::span<const std::uint8_t> bytes) override { return file_.write_all(bytes); }

 private:
  util::OutputFile& file_;
};

class MemorySink final : public ByteSink {
 public:
  Result<void> write(std::span<const std::uint8_t> bytes) override {
    data.insert(data.end(), bytes.begin(), bytes.end());
    return {};
  }
  std::vector<std::uint8_t> data;
};

}  // namespace crosstalk::recorder
