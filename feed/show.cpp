// show.xml and episode sidecars <-> Show / Episode, with file:line errors.
#include "crosstalk/feed/show.hpp"

#include <algorithm>
#include <iterator>

#include <boost/filesystem/operations.hpp>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdio>

#include "xml_io.hpp"

namespace crosstalk::feed {

namespace {

// "0007-sales": at least four digits (no snprintf: called for every file of
// every build).
std::string episode_stem(int number, const std::string& department) {
  std::string digits = std::to_string(number);
  if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
  return digits + "-" + department;
}

std::string default_name(const std::string& id, const std::string& language) {
  if (language == "ru") {
    if (id == "marketing") return "Маркетинг";
    if (id == "sales") return "Продажи";
  }
  std::string name = id;
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

bool trimmed_empty(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Cover names in show.xml are copied to public/<name>: a plain file name
// ending in .jpg, .jpeg or .png, never a path, a dot-file or a name a build writes.
bool is_valid_cover_name(std::string_view name) {
  if (name.empty() || name[0] == '.' || name.find_first_of("/\\") != std::string_view::npos ||
      name.find('\0') != std::string_view::npos)
    return false;
  auto ends_with = [&name](std::string_view ext) {
    if (name.size() <= ext.size()) return false;
    for (std::size_t i = 0; i < ext.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(name[name.size() - ext.size() + i])) != ext[i]) return false;
    return true;
  };
  return ends_with(".jpg") || ends_with(".jpeg") || ends_with(".png");
}

Result<Time> read_time(const xml::Document& d, const pugi::xml_node& node) {
  auto t = parse_time(node.text().as_string(), "UTC");
  if (!t) return std::unexpected(d.error_at(node, "<" + std::string(node.name()) + "> is not a time: " +
                                                      node.text().as_string()));
  return t;
}

}  // namespace

const Department* Show::department(std::string_view id) const {
  for (const auto& d : rotation)
    if (d.id == id) return &d;
  return nullptr;
}

std::string_view to_string(State s) {
  switch (s) {
    case State::Draft: return "draft";
    case State::Scheduled: return "scheduled";
    case State::Published: return "published";
  }
  return "draft";
}

std::string Episode::stem() const { return episode_stem(number, department); }
std::string Episode::audio_file() const { return stem() + ".opus"; }
std::string Episode::mp3_file() const { return stem() + ".mp3"; }
std::string Episode::sidecar_file() const { return stem() + ".xml"; }
std::string Episode::chapters_file() const { return stem() + ".chapters.json"; }

bool is_mp3_bitrate(int kbps) {
  constexpr int kRates[] = {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192};
  return std::find(std::begin(kRates), std::end(kRates), kbps) != std::end(kRates);
}

bool is_valid_department_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  // feed-mp3.xml and feed-mp3-<id>.xml are the MP3 feeds.
  if (id == "mp3" || id.rfind("mp3-", 0) == 0) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string podcast_guid_for(std::string_view feed_url) {
  std::string url(feed_url);
  if (auto p = url.find("://"); p != std::string::npos) url.erase(0, p + 3);
  while (!url.empty() && url.back() == '/') url.pop_back();
  static const auto ns = boost::uuids::string_generator()("ead4c236-bf58-58c6-a2c6-a6b28d128cb6");
  return boost::uuids::to_string(boost::uuids::name_generator_sha1(ns)(url));
}

std::string random_guid() { return boost::uuids::to_string(boost::uuids::random_generator()()); }

Show make_show(std::string title, std::string base_url, std::string language) {
  Show show;
  show.title = std::move(title);
  if (!base_url.empty() && base_url.back() != '/') base_url += '/';
  show.base_url = std::move(base_url);
  show.language = std::move(language);
  show.podcast_guid = podcast_guid_for(show.base_url + "feed.xml");
  for (const char* id : {"marketing", "sales"})
    show.rotation.push_back({id, default_name(id, show.language),
                             podcast_guid_for(show.base_url + "feed-" + id + ".xml")});
  return show;
}

std::string show_to_xml(const Show& s) {
  pugi::xml_document doc;
  auto root = xml::start_document(doc, "show");
  root.append_attribute("version") = 1;
  xml::add_text(root, "title", s.title);
  xml::add_text(root, "description", s.description);
  xml::add_text(root, "author", s.author);
  xml::add_text(root, "owner-email", s.owner_email);
  xml::add_text(root, "language", s.language);
  xml::add_text(root, "timezone", s.timezone);
  xml::add_text(root, "base-url", s.base_url);
  xml::add_text(root, "cover", s.cover);
  xml::add_text(root, "category", s.category);
  xml::add_text(root, "podcast-guid", s.podcast_guid);
  auto rotation = root.append_child("rotation");
  for (const auto& d : s.rotation) {
    auto node = rotation.append_child("department");
    node.append_attribute("id") = d.id.c_str();
    node.append_attribute("podcast-guid") = d.podcast_guid.c_str();
    node.text().set(d.name.c_str());
  }
  auto audio = root.append_child("audio");
  audio.append_attribute("bitrate-kbps") = s.bitrate_kbps;
  auto mp3 = root.append_child("mp3");
  mp3.append_attribute("enabled") = s.mp3;
  mp3.append_attribute("bitrate-kbps") = s.mp3_bitrate_kbps;
  auto loudness = root.append_child("loudness");
  loudness.append_attribute("normalize") = s.normalize;
  loudness.append_attribute("target-lufs") = s.target_lufs;
  loudness.append_attribute("true-peak-dbtp") = s.true_peak_dbtp;
  loudness.append_attribute("max-gain-db") = s.max_gain_db;
  xml::add_text(root, "private", s.private_feeds ? "true" : "false");
  auto nginx = root.append_child("nginx");
  nginx.append_attribute("auth-check") = s.nginx_auth_check.c_str();
  nginx.append_attribute("access-log") = s.nginx_access_log.c_str();
  xml::add_text(root, "studio-url", s.studio_url);
  auto stats = root.append_child("stats");
  stats.append_attribute("client") = s.stats_hash_clients ? "hash" : "address";
  stats.append_attribute("names") = s.stats_names;
  return xml::to_string(doc);
}

Result<Show> load_show(const boost::filesystem::path& path) {
  xml::Document d;
  if (auto r = xml::load(path, d); !r) return std::unexpected(r.error());
  auto root = d.doc.child("show");
  if (!root) return std::unexpected(d.error_at(d.doc.first_child(), "the root element must be <show>"));
  Show s;
  s.title = xml::text_of(root, "title");
  s.description = xml::text_of(root, "description");
  s.author = xml::text_of(root, "author");
  s.owner_email = xml::text_of(root, "owner-email");
  s.language = xml::text_of(root, "language");
  s.timezone = xml::text_of(root, "timezone");
  s.base_url = xml::text_of(root, "base-url");
  s.cover = xml::text_of(root, "cover");
  s.category = xml::text_of(root, "category");
  s.podcast_guid = xml::text_of(root, "podcast-guid");
  if (trimmed_empty(s.title)) return std::unexpected(d.error_at(root, "<title> is missing or empty"));
  if (!s.cover.empty() && !is_valid_cover_name(s.cover))
    return std::unexpected(d.error_at(root.child("cover"), "<cover> '" + s.cover +
                                                               "' must be a file name in the show folder like "
                                                               "cover.jpg (.jpg, .jpeg or .png; no folders)"));
  if (s.timezone.empty()) s.timezone = "UTC";
  if (auto r = check_time_zone_name(s.timezone); !r)
    return std::unexpected(d.error_at(root.child("timezone"), r.error().message));
  if (s.base_url.empty() || s.base_url.find("://") == std::string::npos)
    return std::unexpected(d.error_at(root.child("base-url"), "<base-url> must be an absolute URL like http://podcast.intranet/"));
  if (s.base_url.back() != '/') s.base_url += '/';
  if (auto n = root.child("studio-url")) {
    s.studio_url = n.text().as_string();
    if (s.studio_url.find("://") == std::string::npos)
      return std::unexpected(d.error_at(n, "<studio-url> must be an absolute URL like https://studio.intranet/"));
    if (s.studio_url.back() != '/') s.studio_url += '/';
  }
  for (auto node : root.child("rotation").children("department")) {
    Department dep{node.attribute("id").as_string(), node.text().as_string(),
                   node.attribute("podcast-guid").as_string()};
    if (!is_valid_department_id(dep.id))
      return std::unexpected(d.error_at(node, "department id '" + dep.id + "' must be lowercase ASCII letters, digits or '-' (and not mp3 or mp3-…)"));
    if (s.department(dep.id)) return std::unexpected(d.error_at(node, "department '" + dep.id + "' is listed twice"));
    if (dep.name.empty()) dep.name = default_name(dep.id, s.language);
    if (dep.podcast_guid.empty()) dep.podcast_guid = podcast_guid_for(s.base_url + "feed-" + dep.id + ".xml");
    s.rotation.push_back(std::move(dep));
  }
  if (s.rotation.empty()) return std::unexpected(d.error_at(root, "<rotation> needs at least one <department>"));
  if (s.podcast_guid.empty()) s.podcast_guid = podcast_guid_for(s.base_url + "feed.xml");
  s.bitrate_kbps = root.child("audio").attribute("bitrate-kbps").as_int(64);
  if (auto l = root.child("loudness")) {
    s.normalize = l.attribute("normalize").as_bool(true);
    s.target_lufs = l.attribute("target-lufs").as_double(-16.0);
    s.true_peak_dbtp = l.attribute("true-peak-dbtp").as_double(-1.0);
    s.max_gain_db = l.attribute("max-gain-db").as_double(20.0);
    if (s.target_lufs < -40 || s.target_lufs > -5 || s.true_peak_dbtp < -12 || s.true_peak_dbtp > 0 ||
        s.max_gain_db < 0 || s.max_gain_db > 60)
      return std::unexpected(d.error_at(l, "<loudness> values out of range (target-lufs -40..-5, "
                                           "true-peak-dbtp -12..0, max-gain-db 0..60)"));
  }
  if (auto m = root.child("mp3")) {
    const std::string on = m.attribute("enabled").as_string("true");
    if (on != "true" && on != "false")
      return std::unexpected(d.error_at(m, "<mp3 enabled=\"…\"> must be true or false"));
    s.mp3 = on == "true";
    s.mp3_bitrate_kbps = m.attribute("bitrate-kbps").as_int(64);
    if (!is_mp3_bitrate(s.mp3_bitrate_kbps))
      return std::unexpected(d.error_at(m, "<mp3 bitrate-kbps> must be one of 32 40 48 56 64 80 96 112 128 160 192"));
  }
  if (auto p = root.child("private")) {
    const std::string on = p.text().as_string();
    if (on != "true" && on != "false")
      return std::unexpected(d.error_at(p, "<private> must be true or false"));
    s.private_feeds = on == "true";
  }
  if (auto n = root.child("nginx")) {
    // Both go into nginx's configuration: no quotes, spaces or braces.
    auto safe = [](const std::string& v) { return !v.empty() && v.find_first_of(" \t\n;{}'\"\\$#") == std::string::npos; };
    s.nginx_auth_check = n.attribute("auth-check").as_string(s.nginx_auth_check.c_str());
    s.nginx_access_log = n.attribute("access-log").as_string(s.nginx_access_log.c_str());
    if (!safe(s.nginx_auth_check) || !safe(s.nginx_access_log))
      return std::unexpected(d.error_at(n, "<nginx auth-check=\"HOST:PORT\" access-log=\"PATH\"/>: "
                                           "no spaces, quotes, ';', '$', '#' or braces"));
  }
  if (auto n = root.child("stats")) {
    const std::string client = n.attribute("client").as_string("address");
    const std::string names = n.attribute("names").as_string("false");
    if ((client != "address" && client != "hash") || (names != "true" && names != "false"))
      return std::unexpected(d.error_at(n, "<stats client=\"address|hash\" names=\"true|false\"/>"));
    s.stats_hash_clients = client == "hash";
    s.stats_names = names == "true";
  }
  if (s.bitrate_kbps < 6 || s.bitrate_kbps > 256)
    return std::unexpected(d.error_at(root.child("audio"), "bitrate-kbps must be 6 to 256"));
  return s;
}

std::string episode_to_xml(const Episode& e) {
  pugi::xml_document doc;
  auto root = xml::start_document(doc, "episode");
  root.append_attribute("version") = 1;
  xml::add_text(root, "number", std::to_string(e.number));
  xml::add_text(root, "department", e.department);
  xml::add_text(root, "title", e.title);
  xml::add_text(root, "description", e.description);
  xml::add_text(root, "host", e.host);
  xml::add_text(root, "recorded-at", format_utc(e.recorded_at));
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", e.duration_seconds);
  xml::add_text(root, "duration", duration);
  xml::add_text(root, "size", std::to_string(e.size_bytes));
  if (e.mp3_size_bytes) xml::add_text(root, "mp3-size", std::to_string(*e.mp3_size_bytes));
  xml::add_text(root, "guid", e.guid);
  xml::add_text(root, "state", std::string(to_string(e.state)));
  if (e.publish_at) xml::add_text(root, "publish-at", format_utc(*e.publish_at));
  if (e.published_at) xml::add_text(root, "published-at", format_utc(*e.published_at));
  if (e.loudness) {
    auto l = root.append_child("loudness");
    l.append_attribute("normalized") = e.loudness->normalized;
    auto figure = [&l](const char* name, double v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", v);
      l.append_attribute(name) = std::isfinite(v) ? buf : "-inf";
    };
    figure("input-lufs", e.loudness->input_lufs);
    figure("input-lra", e.loudness->input_lra);
    figure("input-true-peak", e.loudness->input_true_peak);
    figure("gain-db", e.loudness->gain_db);
    figure("output-lufs", e.loudness->output_lufs);
    figure("output-true-peak", e.loudness->output_true_peak);
  }
  if (!e.chapters.empty()) {
    auto chapters = root.append_child("chapters");
    for (const auto& c : e.chapters) {
      auto node = chapters.append_child("chapter");
      char start[32];
      std::snprintf(start, sizeof start, "%.3f", c.start);
      node.append_attribute("start") = start;
      node.text().set(c.title.c_str());
    }
  }
  if (e.capture) {
    auto c = root.append_child("capture");
    c.append_attribute("overflows") = static_cast<unsigned long long>(e.capture->overflows);
    c.append_attribute("dropped-samples") = static_cast<unsigned long long>(e.capture->dropped_samples);
  }
  if (!e.recording_id.empty()) xml::add_text(root, "recording-id", e.recording_id);
  if (!e.recorded_by.empty()) xml::add_text(root, "recorded-by", e.recorded_by);
  if (!e.note.empty()) xml::add_text(root, "note", e.note);
  if (e.cut_short) xml::add_text(root, "cut-short", "true");
  return xml::to_string(doc);
}

Result<Episode> load_episode(const boost::filesystem::path& path) {
  xml::Document d;
  if (auto r = xml::load(path, d); !r) return std::unexpected(r.error());
  auto root = d.doc.child("episode");
  if (!root) return std::unexpected(d.error_at(d.doc.first_child(), "the root element must be <episode>"));
  Episode e;
  e.number = root.child("number").text().as_int(0);
  if (e.number <= 0) return std::unexpected(d.error_at(root.child("number"), "<number> must be a positive integer"));
  e.department = xml::text_of(root, "department");
  if (!is_valid_department_id(e.department))
    return std::unexpected(d.error_at(root.child("department"), "<department> is not a valid department id"));
  e.title = xml::text_of(root, "title");
  e.description = xml::text_of(root, "description");
  e.host = xml::text_of(root, "host");
  auto recorded = read_time(d, root.child("recorded-at"));
  if (!recorded) return std::unexpected(recorded.error());
  e.recorded_at = *recorded;
  e.duration_seconds = root.child("duration").text().as_double(0);
  e.size_bytes = root.child("size").text().as_ullong(0);
  if (auto m = root.child("mp3-size")) e.mp3_size_bytes = m.text().as_ullong(0);
  e.guid = xml::text_of(root, "guid");
  if (e.guid.empty()) return std::unexpected(d.error_at(root, "<guid> is missing"));
  std::string state = xml::text_of(root, "state");
  if (state == "draft") e.state = State::Draft;
  else if (state == "scheduled") e.state = State::Scheduled;
  else if (state == "published") e.state = State::Published;
  else return std::unexpected(d.error_at(root.child("state"), "<state> must be draft, scheduled or published"));
  if (auto n = root.child("publish-at")) {
    auto t = read_time(d, n);
    if (!t) return std::unexpected(t.error());
    e.publish_at = *t;
  }
  if (auto n = root.child("published-at")) {
    auto t = read_time(d, n);
    if (!t) return std::unexpected(t.error());
    e.published_at = *t;
  }
  if (auto l = root.child("loudness")) {
    auto number = [&l](const char* name) {
      std::string v = l.attribute(name).as_string("0");
      return v == "-inf" ? -HUGE_VAL : std::atof(v.c_str());
    };
    e.loudness = EpisodeLoudness{number("input-lufs"), number("input-lra"), number("input-true-peak"),
                                 number("gain-db"), number("output-lufs"), number("output-true-peak"),
                                 l.attribute("normalized").as_bool(false)};
  }
  for (auto node : root.child("chapters").children("chapter")) {
    const double start = node.attribute("start").as_double(-1);
    if (start < 0) return std::unexpected(d.error_at(node, "a <chapter> needs start=\"SECONDS\""));
    e.chapters.push_back({start, node.text().as_string()});
  }
  if (auto c = root.child("capture"))
    e.capture = CaptureStats{c.attribute("overflows").as_ullong(), c.attribute("dropped-samples").as_ullong()};
  e.recording_id = xml::text_of(root, "recording-id");
  e.recorded_by = xml::text_of(root, "recorded-by");
  e.note = xml::text_of(root, "note");
  e.cut_short = xml::text_of(root, "cut-short") == "true";
  if (e.state == State::Scheduled && !e.publish_at)
    return std::unexpected(d.error_at(root.child("state"), "a scheduled episode needs <publish-at>"));
  return e;
}

std::string subscribers_to_xml(const std::vector<Subscriber>& subscribers) {
  pugi::xml_document doc;
  auto root = xml::start_document(doc, "subscribers");
  root.append_attribute("version") = 1;
  root.append_child(pugi::node_comment)
      .set_value(" Personal feed URLs. Only SHA-256 hashes of the tokens are kept: a lost URL cannot be "
                 "recovered, only revoked and added again (crosstalk subscribers). ");
  for (const auto& s : subscribers) {
    auto node = root.append_child("subscriber");
    node.append_attribute("name") = s.name.c_str();
    node.append_attribute("token-sha256") = s.token_sha256.c_str();
    node.append_attribute("added") = format_utc(s.added).c_str();
    if (!s.department.empty()) node.append_attribute("department") = s.department.c_str();
    if (!s.email.empty()) node.append_attribute("email") = s.email.c_str();
  }
  return xml::to_string(doc);
}

Result<std::vector<Subscriber>> load_subscribers(const boost::filesystem::path& path) {
  boost::system::error_code ec;
  if (!boost::filesystem::exists(path, ec)) return std::vector<Subscriber>{};
  xml::Document d;
  if (auto r = xml::load(path, d); !r) return std::unexpected(r.error());
  auto root = d.doc.child("subscribers");
  if (!root) return std::unexpected(d.error_at(d.doc.first_child(), "the root element must be <subscribers>"));
  std::vector<Subscriber> out;
  // Sized once: a company's thousands, grown by doubling, would be copied
  // into fresh pages a dozen times.
  out.reserve(static_cast<std::size_t>(
      std::distance(root.children("subscriber").begin(), root.children("subscriber").end())));
  for (auto node : root.children("subscriber")) {
    Subscriber s{node.attribute("name").as_string(), node.attribute("token-sha256").as_string(), {},
                 node.attribute("department").as_string(), node.attribute("email").as_string()};
    auto added = parse_time(node.attribute("added").as_string(), "UTC");
    const bool hex = std::all_of(s.token_sha256.begin(), s.token_sha256.end(),
                                 [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    if (s.name.empty() || s.token_sha256.size() != 64 || !hex || !added)
      return std::unexpected(d.error_at(node, "a <subscriber> needs name, token-sha256 (64 hex digits) and added"));
    s.added = *added;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace crosstalk::feed
