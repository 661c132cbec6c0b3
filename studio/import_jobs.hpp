// Imports the desk uploads: each runs publisher::import_episode (the same
// checks and pipeline as `crosstalk import`) on its own thread, and tells
// how far the encode is. Internal to crosstalk::studio.
#pragma once

#include <boost/filesystem/path.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "crosstalk/publisher/workflow.hpp"

namespace crosstalk::studio::detail {

class ImportJobs {
 public:
  static constexpr int kMaxRunning = 2;  // encodes at once: one per core here; more wait their turn with 429

  explicit ImportJobs(std::string show_dir);
  ~ImportJobs();  // waits for running imports to finish (they are never cut short)

  // Where the next upload goes: <show>/.uploads/ (same file system as library/).
  // Old leftovers of a killed studio are cleaned away first.
  boost::filesystem::path upload_path(const std::string& extension);
  bool busy() const;  // kMaxRunning imports are encoding
  // Starts importing `upload` (removed when done) as `actor`; returns the job's id.
  std::string start(boost::filesystem::path upload, publisher::ImportOptions options, std::string actor,
                    std::string owner_hash);
  // {"id", "state": "encoding"|"done"|"failed", "progress": 0..1, "message", "episode"};
  // nullopt: no such job, or another person's.
  std::optional<nlohmann::json> state(const std::string& id, const std::string& owner_hash) const;

 private:
  struct Job;
  std::string show_dir_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::map<std::string, std::thread> threads_;
};

}  // namespace crosstalk::studio::detail
