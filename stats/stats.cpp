// `crosstalk stats` end to end: episodes → thresholds, state, logs, report.
#include "crosstalk/stats/stats.hpp"

#include <boost/filesystem/operations.hpp>
#include <cstdio>
#include <cstring>
#include <future>

#include "crosstalk/feed/time.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/stats/log_files.hpp"
#include "crosstalk/stats/store.hpp"
#include "crosstalk/stats/sums.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/read_file.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::stats {

fs::path state_file(const publisher::ShowFolder& folder) { return folder.root / ".stats-state"; }
fs::path journal_file(const publisher::ShowFolder& folder) {
  return folder.root / ".stats-downloads";
}
fs::path by_listener_file(const publisher::ShowFolder& folder) {
  return folder.root / ".stats-downloads-by-listener";
}
fs::path sums_file(const publisher::ShowFolder& folder) { return folder.root / ".stats-sums"; }

namespace {

// The downloads by listener for the report: the index an earlier run left
// (by_listener.hpp) and the downloads after it, grouped here; or all of them
// grouped here, when there is no index for this journal or the downloads
// after it have grown to an eighth of it (`write`: the grouping is the new
// index).
struct Grouping {
  ByListener saved, rest;
  bool write = false;
};
Grouping all_grouped(const Counter& counter) {
  Grouping g;
  const std::size_t n = counter.downloads.size();
  g.saved = group_by_listener(counter.downloads, 0, grouping_bits(n));
  g.rest = group_by_listener(counter.downloads, n, g.saved.bits);
  g.write = true;
  return g;
}
// `store` as loaded: the index must be of its journal, and no longer than the
// records its state vouches for.
Grouping group_downloads(const fs::path& index_file, const Store& store, const Counter& counter) {
  const std::size_t n = counter.downloads.size();
  if (!store.fresh)
    if (auto index = load_by_listener(index_file, store.generation, store.saved_downloads);
        index && (n - index->items.size()) * 8 <= index->items.size()) {
      Grouping g;
      g.rest = group_by_listener(counter.downloads, index->items.size(), index->bits);
      g.saved = std::move(*index);
      return g;
    }
  return all_grouped(counter);
}

// The sums a run kept (sums.hpp), with their bytes, when they are of the
// journal of `store` as loaded and no longer than its state vouches for.
struct KeptSums {
  std::string bytes;
  std::optional<Sums> sums;
};
KeptSums kept_sums(const fs::path& file, const Store& store) {
  KeptSums kept;
  if (store.fresh) return kept;
  if (auto bytes = util::read_file(file)) kept.bytes = std::move(*bytes);
  if (auto s = decode_sums(kept.bytes);
      s && s->generation == store.generation && s->covered <= store.saved_downloads)
    kept.sums = std::move(s);
  return kept;
}

}  // namespace

std::uint64_t header_bytes(const fs::path& audio) {
  // Reads page headers only, seeking past their bodies (an OpusTags page with
  // cover art may be hundreds of KiB, and a show has hundreds of files).
  std::FILE* f = std::fopen(audio.c_str(), "rb");
  if (!f) return 0;
  unsigned char b[27 + 255];
  std::uint64_t result = 0;
  if (std::fread(b, 1, 10, f) == 10 && std::memcmp(b, "ID3", 3) == 0) {
    // ID3v2: 10 bytes + a syncsafe size (+ a footer)
    const std::uint64_t size =
        (b[6] & 0x7fu) << 21 | (b[7] & 0x7fu) << 14 | (b[8] & 0x7fu) << 7 | (b[9] & 0x7fu);
    result = 10 + size + ((b[5] & 0x10) ? 10 : 0);
  } else {
    std::uint64_t at = 0;
    while (std::fseek(f, static_cast<long>(at), SEEK_SET) == 0 && std::fread(b, 1, 27, f) == 27 &&
           std::memcmp(b, "OggS", 4) == 0) {
      std::int64_t granule = 0;
      std::memcpy(&granule, &b[6], 8);  // little-endian, as this machine
      if (granule != 0) {
        result = at;
        break;
      }
      const std::size_t segments = b[26];
      if (std::fread(b + 27, 1, segments, f) != segments) break;
      std::uint64_t body = 0;
      for (std::size_t i = 0; i < segments; ++i) body += b[27 + i];
      at += 27 + segments + body;
      if (at > (64u << 20)) break;  // not an Opus file's headers
    }
  }
  std::fclose(f);
  return result;
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
  // A company's subscribers (thousands: one XML file, or the cache of it,
  // people.hpp) are read on a second core while this one reads the library,
  // the state and the new lines; so is the time-zone database, which the
  // report needs for the show's days (listing it takes milliseconds).
  auto subscribers_later = std::async(
      std::launch::async, i18n::in_this_language([&folder]() -> Result<People> {
        if (auto zone = feed::check_time_zone(folder.show.timezone); !zone)
          return std::unexpected(zone.error());
        return load_people(folder, folder.show.stats_names);
      }));
  auto episodes = publisher::load_library(folder);
  if (!episodes) return std::unexpected(episodes.error());
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
  // What the counting was made with: another agent list or volume limit recounts.
  const std::uint64_t rules =
      fnv1a("max-per-address-day " + std::to_string(run.max_per_address_day), fnv1a(agents_text));
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
  Counter counter(files, agents, run.max_per_address_day);
  const StorePaths paths{state_file(folder), journal_file(folder)};
  Store store = run.full ? new_store() : load_store(paths, rules, files, counter);
  const fs::path index_file = by_listener_file(folder);
  // The report from a grouping and the kept sums; when the groups are not
  // the downloads (a damaged index), from all of them grouped here.
  auto report_of = [&](Grouping& g, const KeptSums& kept, const People& people, Sums* sums) {
    Report r = make_report(folder.show, *episodes, people, counter, g.saved, g.rest, options,
                           kept.sums ? &*kept.sums : nullptr, sums);
    if (!r.groups_damaged) return r;
    g = all_grouped(counter);
    return make_report(folder.show, *episodes, people, counter, g.saved, g.rest, options, nullptr,
                       sums);
  };
  if (run.report_only) {
    auto people = subscribers_later.get();
    if (!people) return std::unexpected(people.error());
    Grouping g = group_downloads(index_file, store, counter);
    return report_of(g, kept_sums(sums_file(folder), store), *people, nullptr);
  }
  const Store loaded = store;
  const std::uint64_t lines_before = counter.tally.lines;
  LogRecord record;
  auto read = read_new_lines(logs, store.marks, [&](std::string_view line) {
    if (parse_line(line, record))
      counter.add(record);
    else
      counter.add_malformed();
  });
  if (!read) return std::unexpected(read.error());
  counter.prune();
  // Nothing read, nothing to write (a torn last line moves no mark).
  // Saved on another thread while the report is made (writing and syncing
  // the journal and the state is mostly waiting for the disk); the command
  // answers once both are done, and a failed save is its answer.
  std::future<Result<void>> saving;
  if (store.fresh || store.marks != loaded.marks || counter.tally.lines != lines_before)
    saving = std::async(std::launch::async, i18n::in_this_language([&]() {
                          return save_store(paths, store, rules, files, counter);
                        }));
  auto saved = [&saving]() -> Result<void> { return saving.valid() ? saving.get() : Result<void>{}; };
  Grouping g = group_downloads(index_file, loaded, counter);
  auto people = subscribers_later.get();
  if (!people) {
    if (auto s = saved(); !s) return std::unexpected(s.error());
    return std::unexpected(people.error());
  }
  const KeptSums kept = kept_sums(sums_file(folder), loaded);
  Sums sums;
  Report report = report_of(g, kept, *people, &sums);
  if (auto s = saved(); !s) return std::unexpected(s.error());
  // Only now, with the state that vouches for every download they cover
  // saved, the derived files, when they changed (written before it, a save
  // that failed could leave them describing downloads the journal will not
  // hold). One that cannot be written is made again by the next run, and is
  // no error. The sums are checked when read (a checksum, the journal and
  // the count they are of), so not synced: a crash at worst makes the next
  // run pass over everyone.
  sums.generation = loaded.generation;
  if (const std::string bytes = encode_sums(sums); bytes != kept.bytes)
    (void)util::write_file_atomically(
        sums_file(folder), {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()},
        util::Durability::Unsynced);
  if (g.write) (void)save_by_listener(index_file, loaded.generation, g.saved);
  return report;
}

}  // namespace crosstalk::stats
