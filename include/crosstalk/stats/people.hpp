// The show's subscribers as the report counts them: each one's key (from
// the log id the access log carries) and department, and the name only
// where show.xml names listeners.
//
// Read from subscribers.xml, or, when that file has not changed since the
// run before (its size, times and inode), from `.stats-subscribers`: a cache
// of just the keys and departments (no names, no tokens) that the run which
// read the XML wrote. A company's thousands of subscribers are then not
// parsed again on every run; deleting the cache costs the next run that.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/util/platform.hpp"

namespace crosstalk::stats {

struct People {
  std::vector<std::uint64_t> key;         // subscriber_key of each one's log id
  std::vector<std::uint32_t> department;  // each one's, an index into departments
  std::vector<std::string> departments;   // the distinct ones ("": none given)
  std::vector<std::string> name;          // each one's; empty unless names were asked for
  std::size_t size() const { return key.size(); }
};

People people_of(const std::vector<feed::Subscriber>& subscribers, bool names);

// The cache's bytes for `people` read from a subscribers.xml of stamp `of`
// (names are not kept), and back: nullopt for another stamp, another
// format, or damage.
std::string encode_people(const People& people, const util::platform::FileStamp& of);
std::optional<People> decode_people(std::string_view bytes, const util::platform::FileStamp& of);

boost::filesystem::path people_cache_file(const publisher::ShowFolder& folder);

// The subscribers, from the cache when it is current and no names are asked
// for; otherwise from subscribers.xml, and the cache written for next time.
Result<People> load_people(const publisher::ShowFolder& folder, bool names);

}  // namespace crosstalk::stats
