// AtomicFile: temp file in the same folder + rename, so readers and crashes
// see either the old file or the complete new one.
#include "crosstalk/util/atomic_file.hpp"

#include <boost/filesystem/operations.hpp>

#include "crosstalk/util/platform.hpp"
#include "crosstalk/util/read_file.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::util {

AtomicFile::AtomicFile(OutputFile file, fs::path temp, fs::path target)
    : file_(std::move(file)), temp_(std::move(temp)), target_(std::move(target)) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : file_(std::move(other.file_)),
      temp_(std::move(other.temp_)),
      target_(std::move(other.target_)),
      committed_(std::exchange(other.committed_, true)) {}

Result<AtomicFile> AtomicFile::create(const fs::path& target) {
  fs::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  boost::system::error_code ec;
  if (!fs::is_directory(folder, ec))
    return bad_input(folder.string() + ": folder does not exist (create it first)");
  // A dot name keeps web servers and file browsers from showing it.
  fs::path temp =
      folder / fs::unique_path("." + target.filename().string() + ".tmp-%%%%%%%%");
  auto file = OutputFile::create_new(temp, target);
  if (!file) return std::unexpected(file.error());
  return AtomicFile(std::move(*file), std::move(temp), target);
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  (void)file_.close();
  boost::system::error_code ec;
  fs::remove(temp_, ec);
}

Result<void> AtomicFile::close() {
  if (!file_.is_open()) return {};
  if (auto r = file_.sync(); !r) return r;
  return file_.close();
}

Result<void> AtomicFile::commit(Durability durability) {
  if (committed_) return {};
  const bool synced = durability == Durability::Synced;
  if (file_.is_open()) {
    if (auto r = synced ? close() : file_.close(); !r) return r;
  } else if (auto r = synced ? platform::sync_path(temp_) : Result<void>{}; !r) {
    return r;  // edited by path after close(): sync those changes too
  }
  boost::system::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) return failure(target_.string() + ": cannot replace: " + ec.message());
  committed_ = true;
  if (!synced) return {};
  fs::path folder = target_.parent_path();
  return platform::sync_path(folder.empty() ? fs::path(".") : folder);
}

Result<void> write_file_atomically(const fs::path& path, std::span<const std::uint8_t> bytes,
                                   Durability durability) {
  auto file = AtomicFile::create(path);
  if (!file) return std::unexpected(file.error());
  if (auto r = file->file().write_all(bytes); !r) return r;
  return file->commit(durability);
}

Result<bool> write_file_if_changed(const fs::path& path, std::string_view content) {
  boost::system::error_code ec;
  if (fs::exists(path, ec) && fs::file_size(path, ec) == content.size() && read_file(path) == content)
    return false;
  auto r = write_file_atomically(path, {reinterpret_cast<const std::uint8_t*>(content.data()), content.size()});
  if (!r) return std::unexpected(r.error());
  return true;
}

}  // namespace crosstalk::util
