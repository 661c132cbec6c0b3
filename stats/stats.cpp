// `crosstalk stats` end to end: episodes → thresholds, state, logs, report.
#include "crosstalk/stats/stats.hpp"

#include <boost/filesystem/operations.hpp>
#include <cstdio>
#include <cstring>

#include "crosstalk/publisher/subscribers.hpp"
#include "crosstalk/stats/log_files.hpp"
#include "crosstalk/stats/state.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/read_file.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::stats {

fs::path state_file(const publisher::ShowFolder& folder) { return folder.root / ".stats-state"; }

std::uint64_t header_bytes(const fs::path& audio) {
  std::FILE* f = std::fopen(audio.c_str(), "rb");
  if (!f) return 0;
  std::vector<unsigned char> b(1 << 20);
  const std::size_t n = std::fread(b.data(), 1, b.size(), f);
  std::fclose(f);
  if (n >= 10 &&
      std::memcmp(b.data(), "ID3", 3) == 0) {  // ID3v2: 10 bytes + a syncsafe size (+ a footer)
    const std::uint64_t size =
        (b[6] & 0x7fu) << 21 | (b[7] & 0x7fu) << 14 | (b[8] & 0x7fu) << 7 | (b[9] & 0x7fu);
    return 10 + size + ((b[5] & 0x10) ? 10 : 0);
  }
  std::size_t at = 0;
  while (at + 27 <= n && std::memcmp(&b[at], "OggS", 4) == 0) {
    std::int64_t granule = 0;
    std::memcpy(&granule, &b[at + 6], 8);  // little-endian, as this machine
    if (granule != 0) return at;
    const std::size_t segments = b[at + 26];
    if (at + 27 + segments > n) break;
    std::size_t body = 0;
    for (std::size_t i = 0; i < segments; ++i) body += b[at + 27 + i];
    at += 27 + segments + body;
  }
  return 0;
}

FileTable episode_files(const publisher::ShowFolder& folder,
                        const std::vector<feed::Episode>& episodes) {
  FileTable files;
  for (const feed::Episode& e : episodes) {
    auto add = [&](const fs::path& path, const std::string& name, std::uint64_t size, bool mp3) {
      boost::system::error_code ec;
      const auto real = fs::file_size(path, ec);
      if (!ec) size = real;
      files[name] = EpisodeFile{e.number, mp3, size,
                                download_threshold(size, header_bytes(path), e.duration_seconds)};
    };
    add(folder.audio(e), e.audio_file(), e.size_bytes, false);
    if (e.mp3_size_bytes) add(folder.mp3(e), e.mp3_file(), *e.mp3_size_bytes, true);
  }
  return files;
}

Result<Report> run_stats(const publisher::ShowFolder& folder, const RunOptions& run,
                         const ReportOptions& options) {
  auto episodes = publisher::load_library(folder);
  if (!episodes) return std::unexpected(episodes.error());
  auto subscribers = publisher::list_subscribers(folder);
  if (!subscribers) return std::unexpected(subscribers.error());
  std::optional<Agents> own;
  std::string agents_text(Agents::builtin_text());
  if (run.agents) {
    auto text = util::read_file(*run.agents);
    if (!text) return failure(run.agents->string() + ": cannot read the agent list");
    auto parsed = Agents::parse(*text, run.agents->string());
    if (!parsed) return std::unexpected(parsed.error());
    own = std::move(*parsed);
    agents_text = *text;
  }
  const Agents& agents = own ? *own : Agents::builtin();
  const std::uint64_t rules = fnv1a(agents_text);
  const FileTable files = episode_files(folder, *episodes);

  std::vector<fs::path> logs;
  for (const auto& l : run.logs) {
    auto found = with_rotated(l);
    if (found.empty())
      return bad_input(
          l.string() +
          ": no such access log (give --log FILE, or set <nginx access-log=…> in show.xml)");
    for (auto& p : found) logs.push_back(std::move(p));
  }

  auto lock = publisher::lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  std::optional<Counter> kept(std::in_place, files, agents);
  FileMarks marks;
  if (!run.full)
    if (auto saved = util::read_file(state_file(folder))) {
      if (auto restored = decode_state(*saved, rules, files, *kept))
        marks = std::move(restored->marks);
      else
        kept.emplace(files,
                     agents);  // other rules or files, or damaged: count again from the start
    }
  Counter& counter = *kept;
  LogRecord record;
  auto read = read_new_lines(logs, marks, [&](std::string_view line) {
    if (parse_line(line, record))
      counter.add(record);
    else
      counter.add_malformed();
  });
  if (!read) return std::unexpected(read.error());
  counter.prune();
  const std::string state = encode_state(marks, rules, files, counter);
  if (auto w = util::write_file_atomically(
          state_file(folder),
          std::span(reinterpret_cast<const std::uint8_t*>(state.data()), state.size()));
      !w)
    return std::unexpected(w.error());
  return make_report(folder.show, *episodes, *subscribers, counter, options);
}

}  // namespace crosstalk::stats
