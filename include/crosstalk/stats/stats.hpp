// `crosstalk stats`: count a show's listens from its access logs, keeping
// state in the show folder so a re-run reads only what is new.
#pragma once

#include <optional>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/stats/counter.hpp"
#include "crosstalk/stats/report.hpp"

namespace crosstalk::stats {

// .stats-state and its journal, .stats-downloads, in the show folder (state.hpp);
// the journal's index by listener (by_listener.hpp) and the report's sums (sums.hpp).
boost::filesystem::path state_file(const publisher::ShowFolder& folder);
boost::filesystem::path journal_file(const publisher::ShowFolder& folder);
boost::filesystem::path by_listener_file(const publisher::ShowFolder& folder);
boost::filesystem::path sums_file(const publisher::ShowFolder& folder);

// The bytes before the audio: Ogg pages up to the first with a granule
// (OpusHead, OpusTags), or an MP3's ID3v2 tag; 0 when unreadable.
std::uint64_t header_bytes(const boost::filesystem::path& audio);

// Every episode's served files (Opus and MP3) with their thresholds.
FileTable episode_files(const publisher::ShowFolder& folder,
                        const std::vector<feed::Episode>& episodes);

struct RunOptions {
  std::vector<boost::filesystem::path> logs;  // each with its rotated siblings
  bool full = false;                          // forget the state: read every log from its start
  bool report_only = false;  // no logs read, nothing written: what earlier runs counted
  std::optional<boost::filesystem::path> agents;  // another agent list than the built-in one
  std::uint32_t max_per_address_day = kMaxDownloadsPerAddressDay;  // 0: no volume rule
};

// Reads what is new in the logs, updates the state (under the show lock),
// and makes the report.
Result<Report> run_stats(const publisher::ShowFolder& folder, const RunOptions& run,
                         const ReportOptions& options);

}  // namespace crosstalk::stats
