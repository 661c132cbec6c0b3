// check_show: read-only verification of a show folder.
#include "crosstalk/publisher/check.hpp"

#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <cstdio>
#include <pugixml.hpp>

#include "crosstalk/feed/render.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/util/xml_text.hpp"
#include "crosstalk/recorder/audio_tags.hpp"
#include "crosstalk/recorder/encode_file.hpp"
#include "crosstalk/recorder/opus_probe.hpp"
#include "crosstalk/recorder/mp3_probe.hpp"
#include "crosstalk/publisher/renditions.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

namespace {

// Seconds as std::to_string writes them ("12.345000"): the sidecar's precision shows.
std::string seconds(double s) { return std::to_string(s); }

// A file in public/ staff can fetch although its episode is not published.
i18n::Text reachable_but(feed::State state) {
  return state == feed::State::Draft ? i18n::tr_both("reachable by staff but the episode is a draft")
                                     : i18n::tr_both("reachable by staff but the episode is scheduled");
}

// The MP3 rendition: there when the show wants one, the size the sidecar
// says, MPEG audio as long as the episode (within one 1152-sample frame,
// LAME's info frame honoured), tags like the Opus file's; in public/ when
// the episode is. Without the tags module (`tags` false), its presence and
// size only.
template <class Add>
void check_rendition(const ShowFolder& folder, const feed::Episode& e, bool tags, Add&& add) {
  boost::system::error_code ec;
  const fs::path mp3 = folder.mp3(e);
  if (!folder.show.mp3) return;
  if (needs_rendition(folder, e)) {
    add(mp3, i18n::tr_both("no MP3 rendition (Apple Podcasts cannot play this episode): run 'crosstalk build'"));
    return;
  }
  const auto size = fs::file_size(mp3, ec);
  if (size != *e.mp3_size_bytes)
    add(mp3, i18n::tr_both("size {1} bytes, the sidecar says {2}", size, *e.mp3_size_bytes));
  if (tags) {
    auto probe = recorder::probe_mp3(mp3);
    if (!probe) {
      add(mp3, i18n::tr_both("not a readable MP3 file: delete it and run 'crosstalk build' to make it again"));
      return;
    }
    if (std::fabs(probe->seconds() - e.duration_seconds) > recorder::kMp3LengthSlackFrames * 1152.0 / probe->sample_rate)
      add(mp3, i18n::tr_both("lasts {1} s, the sidecar says {2} s", seconds(probe->seconds()), seconds(e.duration_seconds)));
    auto id3 = recorder::read_mp3_tags(mp3);
    if (!id3) add(mp3, i18n::tr_both("ID3 tags unreadable"));
    else if (id3->title != e.title) add(mp3, i18n::tr_both("TIT2 (title) tag differs from the sidecar's title"));
  }
  const fs::path pub = folder.public_dir() / "episodes" / e.mp3_file();
  if (e.state == feed::State::Published && fs::exists(pub, ec) && fs::file_size(pub, ec) != size)
    add(pub, i18n::tr_both("differs from the library's copy: run 'crosstalk build'"));
  if (e.state == feed::State::Published && !fs::exists(pub, ec))
    add(pub, i18n::tr_both("published but not in public/: run 'crosstalk build'"));
  if (e.state != feed::State::Published && fs::exists(pub, ec)) add(pub, reachable_but(e.state));
}

// Loudness within 2 LU of the show's target when the show normalises: the
// sidecar's figure, or (an episode delivered without one) a measurement.
constexpr double kLoudnessToleranceLu = 2.0;

template <class Add>
void check_loudness(const ShowFolder& folder, const feed::Episode& e, Add&& add) {
  const feed::Show& show = folder.show;
  if (!show.normalize) return;
  double lufs = -HUGE_VAL;
  if (e.loudness) {
    lufs = e.loudness->output_lufs;
  } else {
    auto measured = recorder::measure_loudness(folder.audio(e));
    if (!measured) return;  // an unreadable file is reported already
    lufs = measured->integrated_lufs;
  }
  char target[16];
  std::snprintf(target, sizeof target, "%.0f", show.target_lufs);
  if (!std::isfinite(lufs) || lufs < -70) {
    add(folder.audio(e), i18n::tr_both("silent (nothing above -70 LUFS), the show's target is {1} LUFS: import it again "
                            "from a recording that has sound",
                            target));
    return;
  }
  const double off = lufs - show.target_lufs;
  if (std::fabs(off) <= kLoudnessToleranceLu) return;
  char level[16], by[16];
  std::snprintf(level, sizeof level, "%.1f", lufs);
  std::snprintf(by, sizeof by, "%.1f", std::fabs(off));
  add(folder.audio(e), off < 0 ? i18n::tr_both("{1} LUFS, {2} LU under the show's target of {3} LUFS: import it again from "
                                    "its recording (--max-gain if it is that quiet)",
                                    level, by, target)
                               : i18n::tr_both("{1} LUFS, {2} LU over the show's target of {3} LUFS: import it again from "
                                    "its recording",
                                    level, by, target));
}

}  // namespace

CheckReport check_show(const ShowFolder& folder) {
  CheckReport report;
  auto add = [&](const fs::path& p, i18n::Text what) {
    report.problems.push_back({p.string(), std::move(what.english), std::move(what.local)});
  };
  // Text a hand edit brought in that XML 1.0 cannot carry: one problem per field.
  using Fields = std::vector<std::pair<std::string, const std::string*>>;  // element name, its text
  auto check_text = [&add](const fs::path& file, const Fields& fields) {
    for (const auto& [name, text] : fields)
      if (auto problem = util::xml_text_problem(*text))
        add(file, i18n::tr_both("{1}: contains {2}; feeds show U+FFFD there until it is fixed", name, *problem));
  };
  const feed::Show& show = folder.show;
  Fields show_fields{{"<title>", &show.title}, {"<description>", &show.description}, {"<author>", &show.author},
                     {"<owner-email>", &show.owner_email}, {"<language>", &show.language},
                     {"<base-url>", &show.base_url}, {"<category>", &show.category}};
  for (const auto& d : show.rotation) show_fields.emplace_back("<department id=\"" + d.id + "\">", &d.name);
  check_text(folder.show_xml(), show_fields);
  auto episodes = load_library(folder);
  if (!episodes) {
    add(folder.library(), {episodes.error().message, episodes.error().message});
    return report;
  }
  report.episodes = episodes->size();
  // Without its tags module the binary can read neither tags nor an MP3's
  // length: say that once, not "unreadable" (and "delete it") per episode.
  std::optional<i18n::Text> no_tags;
  if (!episodes->empty() && recorder::tags_unavailable()) {
    std::string english;
    {
      const i18n::ScopedLanguage scope("en");
      english = *recorder::tags_unavailable();
    }
    no_tags = i18n::Text{english, *recorder::tags_unavailable()};
    add(folder.library(), *no_tags);
  }
  boost::system::error_code ec;
  for (const feed::Episode& e : *episodes) {
    Fields fields{{"<title>", &e.title}, {"<description>", &e.description}, {"<host>", &e.host}};
    for (std::size_t i = 0; i < e.chapters.size(); ++i)
      fields.emplace_back("<chapter> " + std::to_string(i + 1), &e.chapters[i].title);
    check_text(folder.sidecar(e), fields);
    const fs::path audio = folder.audio(e);
    if (!fs::is_regular_file(audio, ec)) {
      add(audio, i18n::tr_both("missing: the sidecar names it"));
      continue;
    }
    auto size = fs::file_size(audio, ec);
    if (size != e.size_bytes)
      add(audio, i18n::tr_both("size {1} bytes, the sidecar says {2}", size, e.size_bytes));
    auto probe = recorder::probe_opus(audio);
    if (!probe) {
      add(audio, i18n::tr_both("not a readable Ogg Opus file"));
      continue;
    }
    if (std::fabs(probe->seconds() - e.duration_seconds) > 0.05)
      add(audio, i18n::tr_both("lasts {1} s, the sidecar says {2} s", seconds(probe->seconds()), seconds(e.duration_seconds)));
    if (!probe->has_eos) add(audio, i18n::tr_both("the stream has no end (cut off?): run 'crosstalk recover'"));
    if (!no_tags) {
      auto tags = recorder::read_tags(audio);
      if (!tags) add(audio, i18n::tr_both("tags unreadable"));
      else if (tags->title != e.title) add(audio, i18n::tr_both("TITLE tag differs from the sidecar's title"));
    }
    check_rendition(folder, e, !no_tags, add);
    check_loudness(folder, e, add);
    const fs::path pub = folder.public_dir() / "episodes" / e.audio_file();
    bool is_public = fs::exists(pub, ec);
    if (e.state == feed::State::Published) {
      report.published += 1;
      if (!is_public) add(pub, i18n::tr_both("published but not in public/: run 'crosstalk build'"));
      else if (fs::file_size(pub, ec) != size) add(pub, i18n::tr_both("differs from the library's copy: run 'crosstalk build'"));
    } else if (is_public) {
      add(pub, reachable_but(e.state));
    }
  }
  for (fs::directory_iterator it(folder.library(), ec), end; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    if ((p.extension() != ".opus" && p.extension() != ".mp3") || p.filename().string()[0] == '.') continue;
    bool known = false;
    for (const auto& e : *episodes)
      known = known || e.audio_file() == p.filename().string() || e.mp3_file() == p.filename().string();
    if (!known) add(p, i18n::tr_both("audio without a sidecar (not part of the show)"));
  }
  std::vector<std::string> feeds{feed::feed_file_name("")};
  for (const auto& d : folder.show.rotation) feeds.push_back(feed::feed_file_name(d.id));
  if (folder.show.mp3) {
    feeds.push_back(feed::feed_file_name("", feed::Rendition::Mp3));
    for (const auto& d : folder.show.rotation) feeds.push_back(feed::feed_file_name(d.id, feed::Rendition::Mp3));
  }
  for (const auto& name : feeds) {
    const fs::path p = folder.public_dir() / name;
    if (!fs::exists(p, ec)) {
      if (report.published > 0) add(p, i18n::tr_both("missing: run 'crosstalk build'"));
      continue;
    }
    pugi::xml_document doc;
    auto r = doc.load_file(p.c_str());
    if (!r) add(p, i18n::tr_both("malformed XML: {1}", r.description()));
    else if (!doc.child("rss").child("channel")) add(p, i18n::tr_both("not an RSS feed"));
  }
  return report;
}

}  // namespace crosstalk::publisher
