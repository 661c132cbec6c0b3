// The desk's import jobs: an uploaded file → import_episode on a thread.
#include "import_jobs.hpp"

#include <atomic>
#include <boost/filesystem/operations.hpp>
#include <chrono>

#include "api_util.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/token.hpp"

namespace fs = boost::filesystem;
using nlohmann::json;

namespace crosstalk::studio::detail {

struct ImportJobs::Job {
  std::string owner_hash;
  std::atomic<double> progress{0.0};
  std::atomic<bool> finished{false};
  std::chrono::steady_clock::time_point ended{};
  mutable std::mutex mutex;  // guards what follows
  std::string state = "encoding";
  std::string message;
  json episode;
};

ImportJobs::ImportJobs(std::string show_dir) : show_dir_(std::move(show_dir)) {}

ImportJobs::~ImportJobs() {
  std::map<std::string, std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& [id, t] : threads)
    if (t.joinable()) t.join();
}

fs::path ImportJobs::upload_path(const std::string& extension) {
  const fs::path dir = fs::path(show_dir_) / ".uploads";
  boost::system::error_code ec;
  fs::create_directories(dir, ec);
  // An upload older than a day is a killed studio's leftover (only the studio writes here).
  const auto day_ago = std::time(nullptr) - 24 * 3600;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    boost::system::error_code e2;
    if (fs::last_write_time(it->path(), e2) < day_ago && !e2) fs::remove(it->path(), e2);
  }
  return dir / fs::unique_path("upload-%%%%%%%%%%%%" + extension);
}

bool ImportJobs::busy() const {
  std::lock_guard lock(mutex_);
  int running = 0;
  for (const auto& [id, job] : jobs_) running += job->finished ? 0 : 1;
  return running >= kMaxRunning;
}

std::string ImportJobs::start(fs::path upload, publisher::ImportOptions options, std::string actor,
                              std::string owner_hash) {
  auto job = std::make_shared<Job>();
  job->owner_hash = std::move(owner_hash);
  const std::string id = util::random_token(12).value_or(std::to_string(std::rand()));
  std::lock_guard lock(mutex_);
  // Finished jobs are kept ten minutes, for a page that asks late.
  const auto now = std::chrono::steady_clock::now();
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second->finished && now - it->second->ended > std::chrono::minutes(10)) {
      if (auto t = threads_.find(it->first); t != threads_.end()) {
        t->second.join();  // ended already
        threads_.erase(t);
      }
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
  jobs_[id] = job;
  threads_[id] = std::thread([this, job, upload = std::move(upload), options = std::move(options),
                              actor = std::move(actor), language = i18n::language()]() mutable {
    i18n::set_language(language);  // the language of the request that started it
    std::string state = "failed", message;
    json episode;
    try {
      options.progress = [&job](double f) { job->progress = f; };
      auto folder = publisher::open_show(show_dir_);
      if (!folder) {
        message = folder.error().message;
      } else {
        folder->actor = std::move(actor);
        auto result = publisher::import_episode(*folder, upload, options);
        if (!result) {
          message = result.error().message;
        } else {
          state = "done";
          episode = episode_object(result->episode, folder->show);
        }
      }
    } catch (const std::exception& e) {  // out of memory or threads: this import fails, the studio stays up
      message = std::string("unexpected failure: ") + e.what();
    }
    boost::system::error_code ec;
    fs::remove(upload, ec);
    std::lock_guard lock(job->mutex);
    job->state = state;
    job->message = message;
    job->episode = std::move(episode);
    if (state == "done") job->progress = 1.0;
    job->ended = std::chrono::steady_clock::now();
    job->finished = true;
  });
  return id;
}

std::optional<json> ImportJobs::state(const std::string& id, const std::string& owner_hash) const {
  std::shared_ptr<Job> job;
  {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    job = it->second;
  }
  if (job->owner_hash != owner_hash) return std::nullopt;
  std::lock_guard lock(job->mutex);
  json j = {{"id", id}, {"state", job->state}, {"progress", job->progress.load()}};
  if (!job->message.empty()) j["message"] = job->message;
  if (!job->episode.is_null()) j["episode"] = job->episode;
  return j;
}

}  // namespace crosstalk::studio::detail
