// An unbuffered output file: every write() goes straight to the operating
// system, so a crash loses nothing that write() returned for. This and
// platform.hpp are the only places that touch OS file calls (see
// util/platform_posix.cpp); everything else stays portable.
#pragma once

#include <cstdint>
#include <span>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::util {

class OutputFile {
 public:
  // Creates a new file; fails if it exists (O_EXCL). Error messages name
  // `shown_as` when given (AtomicFile: the target, not its temporary name).
  static Result<OutputFile> create_new(const boost::filesystem::path& path,
                                       const boost::filesystem::path& shown_as = {});

  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();  // closes, never reports

  Result<void> write_all(std::span<const std::uint8_t> bytes);
  // Overwrites bytes already written; the file position stays where it was.
  Result<void> write_at(std::uint64_t offset, std::span<const std::uint8_t> bytes);
  Result<void> sync();   // data reaches the disk (fsync)
  Result<void> close();  // reports errors the destructor would swallow
  bool is_open() const { return handle_ >= 0; }
  const boost::filesystem::path& path() const { return path_; }

 private:
  OutputFile(int handle, boost::filesystem::path path, boost::filesystem::path shown_as)
      : handle_(handle), path_(std::move(path)), shown_as_(std::move(shown_as)) {}
  int handle_ = -1;
  boost::filesystem::path path_;
  boost::filesystem::path shown_as_;
};

}  // namespace crosstalk::util
