// make_missing_renditions: encode unlocked, then under the lock re-read the
// episode, tag and rename the MP3 and save the sidecar.
#include "crosstalk/publisher/renditions.hpp"

#include <boost/filesystem/operations.hpp>
#include <cmath>

#include "crosstalk/publisher/workflow.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

bool needs_rendition(const ShowFolder& folder, const feed::Episode& e) {
  boost::system::error_code ec;
  return folder.show.mp3 && (!e.mp3_size_bytes || !fs::is_regular_file(folder.mp3(e), ec));
}

Result<std::vector<int>> make_missing_renditions(const ShowFolder& folder, const RenditionProgress& progress) {
  std::vector<int> made;
  if (!folder.show.mp3) return made;
  auto library = load_library(folder);
  if (!library) return std::unexpected(library.error());
  std::vector<feed::Episode> todo;
  for (const auto& e : *library)
    if (needs_rendition(folder, e)) todo.push_back(e);
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const feed::Episode& e = todo[i];
    if (progress) progress(e, i, todo.size());
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
    auto lock = lock_show(folder);
    if (!lock) return std::unexpected(lock.error());
    auto episodes = load_library(folder);
    if (!episodes) return std::unexpected(episodes.error());
    feed::Episode* now = nullptr;
    for (auto& candidate : *episodes)
      if (candidate.guid == e.guid) now = &candidate;
    if (!now || !needs_rendition(folder, *now)) continue;  // withdrawn, or made by someone else meanwhile
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
    made.push_back(now->number);
  }
  return made;
}

}  // namespace crosstalk::publisher
