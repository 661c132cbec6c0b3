// The counting rules (IAB Tech Lab Podcast Measurement Guidelines v2.3, as
// docs/stats.md states them): one download per (listener, episode) per 24
// hours from the listener's first request (first-touch rolling window),
// once the union of the byte ranges served to them reaches the episode's
// threshold; probes (Range bytes=0-1), HEAD, 304, errors and filtered
// agents never count.
#pragma once

#include <cstdint>
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "crosstalk/stats/agents.hpp"
#include "crosstalk/stats/log_line.hpp"

namespace crosstalk::stats {

// An episode's audio file as served from public/episodes/.
struct EpisodeFile {
  int episode = 0;
  bool mp3 = false;
  std::uint64_t size = 0;
  std::uint64_t threshold = 0;  // bytes that make a download
};
using FileTable = std::map<std::string, EpisodeFile, std::less<>>;

// The headers plus one minute at the file's real bitrate ((size − headers)
// / duration); the whole file when the episode is a minute or shorter or
// its duration is unknown.
std::uint64_t download_threshold(std::uint64_t size, std::uint64_t header_bytes, double seconds);

struct Download {
  std::int64_t time = 0;  // of the request that reached the threshold
  std::uint64_t listener = 0;
  std::uint64_t address = 0;  // address_key(); 0 for a subscriber (a person, whatever the address)
  std::int32_t episode = 0;
  std::uint8_t mp3 = 0;
  std::uint8_t app = 0;  // index into Counter::apps
  bool operator==(const Download&) const = default;
};

// Every download counted, in the journal's order: those of earlier runs
// where they lie (the journal mapped, not copied: a year's downloads are
// megabytes, and every fresh page costs a fault), then this run's.
class Downloads {
 public:
  std::size_t size() const { return saved_.size() + added_.size(); }
  bool empty() const { return size() == 0; }
  const Download& operator[](std::size_t i) const {
    return i < saved_.size() ? saved_[i] : added_[i - saved_.size()];
  }
  void push_back(const Download& d) { added_.push_back(d); }
  void clear() { *this = Downloads(); }
  // Earlier runs' downloads, read where they are; `keeps` keeps them there
  // (the mapping), or is null when the caller does.
  void restore(std::span<const Download> saved, std::shared_ptr<const void> keeps) {
    clear();
    saved_ = saved;
    keeps_ = std::move(keeps);
  }

  class const_iterator {
   public:
    using value_type = Download;
    using difference_type = std::ptrdiff_t;
    using reference = const Download&;
    using pointer = const Download*;
    using iterator_category = std::forward_iterator_tag;
    const_iterator() = default;
    const_iterator(const Downloads* of, std::size_t at) : of_(of), at_(at) {}
    reference operator*() const { return (*of_)[at_]; }
    pointer operator->() const { return &(*of_)[at_]; }
    const_iterator& operator++() { return ++at_, *this; }
    const_iterator operator++(int) { return const_iterator(of_, at_++); }
    bool operator==(const const_iterator& o) const { return at_ == o.at_; }

   private:
    const Downloads* of_ = nullptr;
    std::size_t at_ = 0;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }
  bool operator==(const Downloads& o) const {
    return size() == o.size() && std::equal(begin(), end(), o.begin());
  }

 private:
  std::span<const Download> saved_;
  std::shared_ptr<const void> keeps_;
  std::vector<Download> added_;
};

// What happened to the lines read (each counted once, in this order).
struct Tally {
  std::uint64_t lines = 0;
  std::uint64_t malformed = 0;    // not a crosstalk log line
  std::uint64_t not_episode = 0;  // feeds, pages, covers, …
  std::uint64_t head = 0, not_modified = 0, probes = 0;
  std::uint64_t filtered_agents = 0;  // bots and malformed agents
  std::uint64_t failed = 0;           // status other than 200/206
  std::uint64_t unknown_file = 0;     // no such episode in the library
  std::uint64_t counted = 0;          // made a download
  std::uint64_t in_window = 0;        // more of a download already counted, or not (yet) enough
  bool operator==(const Tally&) const = default;
};

// Unrealistic volume (the guidelines filter "IPs with unrealistic volume"
// and give no number): an address whose anonymous listeners (address +
// agent) make more than this many downloads in one UTC day has none of
// that day's downloads counted. Listeners known by a personal URL are
// people and never filtered by address (inside a company one NAT address
// is everyone). 0 turns the rule off.
constexpr std::uint32_t kMaxDownloadsPerAddressDay = 50;

struct AddressDay {
  std::uint64_t address = 0;
  std::int64_t day = 0;  // UTC seconds / 86400
  auto operator<=>(const AddressDay&) const = default;
};
struct AddressDayHash {
  std::size_t operator()(const AddressDay& a) const {
    return a.address * 31 + static_cast<std::size_t>(a.day);
  }
};

class Counter {
 public:
  Counter(FileTable files, const Agents& agents,
          std::uint32_t max_per_address_day = kMaxDownloadsPerAddressDay);

  void add(const LogRecord& record);
  void add_malformed() { ++tally.lines, ++tally.malformed; }
  // Forgets everything counted (as newly made).
  void reset();
  // Forgets windows that can no longer change (24 h and an hour's slack for
  // lines written out of order before the latest time seen).
  void prune();

  struct Window {
    std::int64_t start = 0;
    bool counted = false;
    std::vector<std::pair<std::uint64_t, std::uint64_t>>
        ranges[2];  // [first, end) per file (Opus, MP3), disjoint
  };
  struct Key {
    std::uint64_t listener;
    std::int32_t episode;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return k.listener * 31 + static_cast<std::size_t>(k.episode);
    }
  };

  Downloads downloads;
  std::vector<std::string> apps{""};  // app names by index; 0 = not recognised
  std::unordered_map<Key, Window, KeyHash> windows;
  // Downloads per address and day, for days that may still grow (pruned
  // with the windows), and the (address, day) pairs over the limit, sorted.
  std::unordered_map<AddressDay, std::uint32_t, AddressDayHash> address_days;
  std::vector<AddressDay> over_limit;
  bool excluded(const Download& d) const {
    return d.address != 0 && !over_limit.empty() && over(d);
  }
  Tally tally;
  std::int64_t latest = 0;  // the latest time seen
  // What the agent list says of each agent met (few distinct agents,
  // millions of lines); kept in the state, so that a run meeting no new
  // agent compiles no pattern.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, AgentClass, TextHash, std::equal_to<>> agent_cache;

 private:
  std::uint8_t app_index(std::string_view user_agent);
  bool over(const Download& d) const;  // its (address, day) is in over_limit

  FileTable files_;
  const Agents& agents_;
  std::uint32_t max_per_address_day_;
  std::uint64_t since_prune_ = 0;
};

// Adds [first, end) to disjoint sorted ranges; returns the bytes covered.
std::uint64_t add_range(std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges,
                        std::uint64_t first, std::uint64_t end);

}  // namespace crosstalk::stats
