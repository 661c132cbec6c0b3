// make_missing_renditions: encode unlocked, several episodes at once (one
// per core), then under the lock re-read the episode, tag and rename the MP3
// and save the sidecar.
#include "crosstalk/publisher/renditions.hpp"

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/util/platform.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

bool needs_rendition(const ShowFolder& folder, const feed::Episode& e) {
  boost::system::error_code ec;
  return folder.show.mp3 && (!e.mp3_size_bytes || !fs::is_regular_file(folder.mp3(e), ec));
}

namespace {

// One episode's MP3: encoded unlocked (on the caller's thread), then tagged,
// renamed and recorded in its sidecar under the show lock and `finishing`
// (threads of this process take turns at the show's files). Returns whether
// it was put in place.
Result<bool> make_rendition(const ShowFolder& folder, const feed::Episode& e, std::mutex& finishing) {
  const fs::path incoming = folder.library() / fs::unique_path(".incoming-%%%%%%%%.mp3");
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      boost::system::error_code ignored;
      fs::remove(p, ignored);
    }
  } cleanup{incoming};
  recorder::EncodeOptions encode = encode_options(folder);
  encode.loudness.normalize = false;  // the Opus file is already at the show's loudness
  encode.mp3_path = incoming;
  auto report = recorder::encode_mp3_file(folder.audio(e), encode);
  if (!report) return std::unexpected(report.error());
  std::lock_guard turn(finishing);
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto episodes = load_library(folder);
  if (!episodes) return std::unexpected(episodes.error());
  feed::Episode* now = nullptr;
  for (auto& candidate : *episodes)
    if (candidate.guid == e.guid) now = &candidate;
  if (!now || !needs_rendition(folder, *now)) return false;  // withdrawn, or made by someone else meanwhile
  // The tags as they are now (an edit may have come in meanwhile).
  if (auto r = recorder::write_mp3_tags(incoming, recorder::mp3_tags_of(tags_for(folder, *now)),
                                        std::llround(now->duration_seconds * 1000));
      !r)
    return std::unexpected(r.error());
  boost::system::error_code ec;
  const auto size = fs::file_size(incoming, ec);
  fs::rename(incoming, folder.mp3(*now), ec);
  if (ec) return failure(folder.mp3(*now).string() + ": cannot move into the library: " + ec.message());
  now->mp3_size_bytes = size;
  if (auto r = save_episode(folder, *now); !r) return std::unexpected(r.error());
  return true;
}

}  // namespace

Result<std::vector<int>> make_missing_renditions(const ShowFolder& folder, const RenditionProgress& progress) {
  std::vector<int> made;
  if (!folder.show.mp3) return made;
  auto library = load_library(folder);
  if (!library) return std::unexpected(library.error());
  std::vector<feed::Episode> todo;
  for (const auto& e : *library)
    if (needs_rendition(folder, e)) todo.push_back(e);
  // LAME's bit reservoir crosses frames, so one MP3 is one stream: the cores
  // share the episodes instead, one encoder each. The first failure stops
  // what has not started and is the answer.
  std::mutex mutex, finishing;
  std::size_t next = 0;
  std::optional<Error> error;
  auto work = [&] {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard lock(mutex);
        if (error || next >= todo.size()) return;
        i = next++;
        if (progress) progress(todo[i], i, todo.size());
      }
      Result<bool> done = false;
      try {
        done = make_rendition(folder, todo[i], finishing);
      } catch (const std::exception& ex) {
        done = failure(folder.audio(todo[i]).string() + ": " + ex.what());
      }
      std::lock_guard lock(mutex);
      if (!done) {
        if (!error) error = done.error();
        return;
      }
      if (*done) made.push_back(todo[i].number);
    }
  };
  const auto threads = std::min<std::size_t>(todo.size(), static_cast<std::size_t>(util::platform::usable_cores()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(i18n::in_this_language(work));
  work();
  for (auto& t : pool) t.join();
  if (error) return std::unexpected(*error);
  std::sort(made.begin(), made.end());
  return made;
}

}  // namespace crosstalk::publisher
