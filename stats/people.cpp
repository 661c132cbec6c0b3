// People: the subscribers as the report counts them, and their cache (see
// the header).
#include "crosstalk/stats/people.hpp"

#include <span>
#include <unordered_map>

#include "binary.hpp"
#include "crosstalk/publisher/access_log.hpp"
#include "crosstalk/publisher/subscribers.hpp"
#include "crosstalk/stats/log_line.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/read_file.hpp"

namespace crosstalk::stats {

namespace {

constexpr char kMagic[8] = {'C', 'T', 'P', 'E', 'O', 'P', 'L', '1'};

void put_stamp(Writer& w, const util::platform::FileStamp& s) {
  w.put<std::int64_t>(s.mtime_ns);
  w.put<std::uint64_t>(s.size);
  w.put<std::uint64_t>(s.inode);
  w.put<std::int64_t>(s.ctime_ns);
}

}  // namespace

People people_of(const std::vector<feed::Subscriber>& subscribers, bool names) {
  People people;
  people.key.reserve(subscribers.size());
  people.department.reserve(subscribers.size());
  std::unordered_map<std::string_view, std::uint32_t> index;
  for (const feed::Subscriber& s : subscribers) {
    people.key.push_back(subscriber_key(publisher::subscriber_log_id(s.token_sha256)));
    auto [at, added] = index.try_emplace(s.department, static_cast<std::uint32_t>(people.departments.size()));
    if (added) people.departments.push_back(s.department);
    people.department.push_back(at->second);
    if (names) people.name.push_back(s.name);
  }
  return people;
}

std::string encode_people(const People& people, const util::platform::FileStamp& of) {
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  put_stamp(w, of);
  w.put<std::uint64_t>(people.departments.size());
  for (const std::string& d : people.departments) w.str(d);
  w.put<std::uint64_t>(people.size());
  for (std::size_t i = 0; i < people.size(); ++i) {
    w.put<std::uint64_t>(people.key[i]);
    w.put<std::uint32_t>(people.department[i]);
  }
  w.put<std::uint64_t>(fnv1a(w.out));
  return std::move(w.out);
}

std::optional<People> decode_people(std::string_view bytes, const util::platform::FileStamp& of) {
  if (bytes.size() < sizeof kMagic + 8 || bytes.substr(0, sizeof kMagic) != std::string_view(kMagic, sizeof kMagic))
    return std::nullopt;
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  Reader check{bytes.substr(body.size())};
  if (check.get<std::uint64_t>() != fnv1a(body)) return std::nullopt;
  Reader r{body.substr(sizeof kMagic)};
  Writer stamp;
  put_stamp(stamp, of);
  if (r.in.substr(0, stamp.out.size()) != stamp.out) return std::nullopt;  // another subscribers.xml
  r.in.remove_prefix(stamp.out.size());
  People people;
  const std::uint64_t departments = r.count(sizeof(std::uint32_t));
  for (std::uint64_t i = 0; r.ok && i < departments; ++i) people.departments.push_back(r.str());
  const std::uint64_t n = r.count(sizeof(std::uint64_t) + sizeof(std::uint32_t));
  people.key.reserve(n);
  people.department.reserve(n);
  for (std::uint64_t i = 0; r.ok && i < n; ++i) {
    people.key.push_back(r.get<std::uint64_t>());
    people.department.push_back(r.get<std::uint32_t>());
    if (people.department.back() >= people.departments.size()) r.ok = false;
  }
  if (!r.ok || !r.in.empty()) return std::nullopt;
  return people;
}

boost::filesystem::path people_cache_file(const publisher::ShowFolder& folder) {
  return folder.root / ".stats-subscribers";
}

Result<People> load_people(const publisher::ShowFolder& folder, bool names) {
  // Stamped before reading: a file replaced in between is read again next time.
  const auto stamp = util::platform::stat_stamp(publisher::subscribers_file(folder));
  const auto cache = people_cache_file(folder);
  if (stamp && !names)
    if (auto bytes = util::read_file(cache))
      if (auto people = decode_people(*bytes, *stamp)) return std::move(*people);
  auto subscribers = publisher::list_subscribers(folder);
  if (!subscribers) return std::unexpected(subscribers.error());
  People people = people_of(*subscribers, names);
  if (stamp) {
    // A cache: failing to write it only costs the next run the XML again.
    const std::string bytes = encode_people(people, *stamp);
    (void)util::write_file_atomically(
        cache, std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }
  return people;
}

}  // namespace crosstalk::stats
