// The show-folder commands: init, import, list, schedule, publish, unpublish,
// edit, build, check. Each prints what it did in one or a few lines.
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/feed/render.hpp"
#include "crosstalk/publisher/build.hpp"
#include "crosstalk/publisher/check.hpp"
#include "crosstalk/publisher/renditions.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/util/words.hpp"

namespace crosstalk::cli {

namespace {

using publisher::ShowFolder;

}  // namespace

// A state as the reader says it ("draft", "черновик").
std::string state_text(feed::State state) {
  switch (state) {
    case feed::State::Draft: return i18n::tr("draft");
    case feed::State::Scheduled: return i18n::tr("scheduled");
    case feed::State::Published: return i18n::tr("published");
  }
  return {};
}

namespace {

std::string describe(const feed::Show& show, const feed::Episode& e) {
  if (e.state == feed::State::Scheduled && e.publish_at)
    return i18n::tr("episode {1} ({2}, scheduled for {3})", e.number, e.stem(),
                    feed::format_local(*e.publish_at, show.timezone));
  return i18n::tr("episode {1} ({2}, {3})", e.number, e.stem(), state_text(e.state));
}

void say(const std::string& line) { std::printf("%s\n", line.c_str()); }

// Text from hand-edited files may hold invalid UTF-8: it prints as U+FFFD.
void print_json(const nlohmann::json& j) {
  std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

// --now: the real time, or the one pretended (ISO 8601, the show's zone).
Result<feed::Time> now_option(const std::string& text, const ShowFolder& folder) {
  if (text.empty()) return feed::now();
  auto parsed = feed::parse_time(text, folder.show.timezone);
  if (!parsed) return std::unexpected(Error{ErrorKind::BadInput, "--now: " + parsed.error().message});
  return *parsed;
}

void print_build(const ShowFolder& folder, const publisher::BuildReport& r) {
  for (int n : r.newly_published) say(i18n::tr("published episode {1}", n));
  say(i18n::tr("public/: {1} episode(s) published; {2} file(s) updated, {3} removed", r.published, r.written.size(),
               r.removed.size()));
  say(i18n::tr("feed: {1}feed.xml", folder.show.base_url));
  say(i18n::tr("page: {1}", folder.show.base_url));
  if (r.next_due) say(i18n::tr("next scheduled: {1}", feed::format_local(*r.next_due, folder.show.timezone)));
}

}  // namespace

void register_show_commands(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  {
    auto o = std::make_shared<publisher::InitOptions>();
    auto dir = std::make_shared<std::string>();
    auto* cmd = root.add_subcommand("init", i18n::tr("Create a show folder"));
    cmd->add_option("DIR", *dir, i18n::tr("the new show folder"))->required();
    cmd->add_option("--title", o->title, i18n::tr("the show's title"))->required()->check(xml_text());
    cmd->add_option("--description", o->description, i18n::tr("what the show is about"))->check(xml_text());
    cmd->add_option("--base-url", o->base_url, i18n::tr("where public/ is served (default http://127.0.0.1:8080/)"))->check(xml_text());
    cmd->add_option("--language", o->language, i18n::tr("language code (default ru)"))->check(xml_text());
    cmd->add_option("--timezone", o->timezone, i18n::tr("Area/City (default Europe/Moscow)"));
    cmd->add_option("--author", o->author, i18n::tr("author shown in podcast apps"))->check(xml_text());
    cmd->add_option("--owner-email", o->owner_email, i18n::tr("owner's e-mail"))->check(xml_text());
    cmd->add_option("--cover", o->cover, i18n::tr("cover image, JPEG or PNG (1400-3000 px square is best)"));
    cmd->add_flag("--private", o->private_feeds, i18n::tr("only people given a URL by 'subscribers add' can listen"));
    cmd->callback([&action, o, dir] {
      action = [o, dir]() -> Result<void> {
        auto folder = publisher::init_show(*dir, *o);
        if (!folder) return std::unexpected(folder.error());
        std::printf("created show '%s' in %s (rotation:", folder->show.title.c_str(), dir->c_str());
        for (const auto& d : folder->show.rotation) std::printf(" %s", d.id.c_str());
        std::printf(")\n");
        if (!folder->show.cover.empty()) {
          auto cover = recorder::load_cover(folder->root / folder->show.cover);
          if (cover && (cover->image.width < 1400 || cover->image.width > 3000 ||
                        cover->image.width != cover->image.height))
            std::fprintf(stderr, "warning: the cover is %ux%u; podcast apps want a square of 1400 to 3000 px\n",
                         cover->image.width, cover->image.height);
        }
        return {};
      };
    });
  }
  {
    auto o = std::make_shared<publisher::ImportOptions>();
    auto file = std::make_shared<std::string>();
    auto out_of_turn = std::make_shared<bool>(false);
    auto* cmd = root.add_subcommand("import", i18n::tr("Add an episode from an audio file (WAV, FLAC, MP3, M4A, a video's sound, …)"));
    cmd->add_option("FILE", *file, i18n::tr("the recording"))->required();
    cmd->add_option("--title", o->title, i18n::tr("episode title (default: the file's title tag)"))->check(xml_text());
    cmd->add_option("--description", o->description, i18n::tr("episode description"))->check(xml_text());
    cmd->add_option("--host", o->host, i18n::tr("who hosts it (default: the file's artist tag)"))->check(xml_text());
    cmd->add_option("--department", o->department, i18n::tr("default: whose turn it is"));
    cmd->add_flag("--out-of-turn", *out_of_turn, i18n::tr("allow the department that spoke last"));
    cmd->add_option("--publish-at", o->publish_at, i18n::tr("schedule it: ISO 8601 time (show's time zone if no offset)"));
    add_max_gain(*cmd, o->max_gain_db);
    cmd->callback([&action, o, file, out_of_turn, show_dir] {
      action = [o, file, out_of_turn, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        o->turns = *out_of_turn ? publisher::Turns::AllowOutOfTurn : publisher::Turns::Enforce;
        auto r = publisher::import_episode(*folder, *file, *o);
        if (!r) return std::unexpected(r.error());
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", r->episode.duration_seconds);
        std::string line = i18n::tr("imported {1}: {2}, {3} s, {4} bytes", describe(folder->show, r->episode),
                                    r->episode.title, seconds, r->episode.size_bytes);
        if (r->episode.mp3_size_bytes) line += i18n::tr(" (+ MP3, {1} bytes)", *r->episode.mp3_size_bytes);
        say(line);
        if (r->title_from_file || r->host_from_file)
          std::printf("from the file's tags: %s%s%s\n", r->title_from_file ? "title" : "",
                      r->title_from_file && r->host_from_file ? ", " : "",
                      r->host_from_file ? ("host " + r->episode.host).c_str() : "");
        print_input_notes(*file, r->encode.input);
        print_loudness(*file, r->encode.loudness);
        if (r->publish_time_passed)
          say(i18n::tr("note: its publish time has passed; it goes live at the next 'crosstalk build'"));
        return {};
      };
    });
  }
  {
    auto json = std::make_shared<bool>(false);
    auto* cmd = root.add_subcommand("list", i18n::tr("List the episodes"));
    cmd->add_flag("--json", *json, i18n::tr("machine-readable output"));
    cmd->callback([&action, json, show_dir] {
      action = [json, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto episodes = publisher::load_library(*folder);
        if (!episodes) return std::unexpected(episodes.error());
        const auto& tz = folder->show.timezone;
        if (*json) {
          auto out = nlohmann::json::array();
          for (const auto& e : *episodes) {
            nlohmann::json j{{"number", e.number}, {"stem", e.stem()}, {"department", e.department},
                             {"state", std::string(feed::to_string(e.state))}, {"title", e.title},
                             {"host", e.host}, {"duration", e.duration_seconds}, {"size", e.size_bytes},
                             {"guid", e.guid}, {"recorded_at", feed::format_utc(e.recorded_at)},
                             {"recorded_by", e.recorded_by}, {"note", e.note}, {"cut_short", e.cut_short}};
            j["files"] = {{"opus", "library/" + e.audio_file()}, {"opus_size", e.size_bytes}};
            j["files"]["mp3"] = e.mp3_size_bytes ? nlohmann::json("library/" + e.mp3_file()) : nlohmann::json();
            j["files"]["mp3_size"] = e.mp3_size_bytes ? nlohmann::json(*e.mp3_size_bytes) : nlohmann::json();
            j["publish_at"] = e.publish_at ? nlohmann::json(feed::format_utc(*e.publish_at)) : nlohmann::json();
            j["published_at"] = e.published_at ? nlohmann::json(feed::format_utc(*e.published_at)) : nlohmann::json();
            if (e.loudness) {
              auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
              j["loudness"] = {{"normalized", e.loudness->normalized}, {"input_lufs", num(e.loudness->input_lufs)},
                               {"input_lra", num(e.loudness->input_lra)},
                               {"input_true_peak", num(e.loudness->input_true_peak)},
                               {"gain_db", num(e.loudness->gain_db)}, {"output_lufs", num(e.loudness->output_lufs)},
                               {"output_true_peak", num(e.loudness->output_true_peak)}};
            }
            out.push_back(j);
          }
          print_json(out);
          return {};
        }
        if (episodes->empty()) say(i18n::tr("no episodes yet"));
        for (const auto& e : *episodes) {
          std::string when = e.published_at ? feed::format_local(*e.published_at, tz)
                             : e.publish_at ? feed::format_local(*e.publish_at, tz) : "-";
          char lufs[16] = "   -  ";
          if (e.loudness && std::isfinite(e.loudness->output_lufs))
            std::snprintf(lufs, sizeof lufs, "%6.1f", e.loudness->output_lufs);
          std::printf("%4d  %s  %s  %-22s  %8s  %s LUFS  %s%s%s\n", e.number, util::pad_right(e.department, 10).c_str(),
                      util::pad_right(state_text(e.state), 12).c_str(), when.c_str(),
                      feed::format_duration(e.duration_seconds).c_str(), lufs, e.title.c_str(),
                      e.cut_short ? ("  [" + i18n::tr("cut short") + "]").c_str() : "",
                      e.note.empty() ? "" : ("  [" + i18n::tr("note: {1}", e.note) + "]").c_str());
        }
        auto turn = publisher::whose_turn(folder->show, *episodes);
        say(i18n::tr("next: {1} turn", util::possessive(turn.next), turn.next));
        return {};
      };
    });
  }
  {
    auto ep = std::make_shared<std::string>();
    auto at = std::make_shared<std::string>();
    auto now = std::make_shared<std::string>();
    auto* cmd = root.add_subcommand("schedule", i18n::tr("Schedule an episode (a time to come; 'publish' is for now)"));
    cmd->add_option("EP", *ep, i18n::tr("episode number or stem"))->required();
    cmd->add_option("--at", *at, i18n::tr("ISO 8601 time (show's time zone if no offset)"))->required();
    cmd->add_option("--now", *now, i18n::tr("pretend it is this time (ISO 8601), as 'build --now' does"));
    cmd->callback([&action, ep, at, now, show_dir] {
      action = [ep, at, now, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto t = now_option(*now, *folder);
        if (!t) return std::unexpected(t.error());
        auto r = publisher::schedule_episode(*folder, *ep, *at, *t);
        if (!r) return std::unexpected(r.error());
        say(i18n::tr("scheduled {1}", describe(folder->show, r->episode)));
        if (r->in_the_past)
          say(i18n::tr("note: that time has passed; it goes live at the next 'crosstalk build'"));
        return {};
      };
    });
  }
  for (const char* name : {"publish", "unpublish"}) {
    auto ep = std::make_shared<std::string>();
    bool publish = std::string(name) == "publish";
    auto* cmd = root.add_subcommand(
        name, publish ? i18n::tr("Publish an episode now") : i18n::tr("Take an episode off the feeds (back to draft)"));
    cmd->add_option("EP", *ep, i18n::tr("episode number or stem"))->required();
    cmd->callback([&action, ep, publish, show_dir] {
      action = [ep, publish, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto r = publish ? publisher::publish_episode(*folder, *ep, feed::now())
                         : publisher::unpublish_episode(*folder, *ep);
        if (!r) return std::unexpected(r.error());
        const feed::Episode& e = r->episode;
        if (r->already && publish)
          say(i18n::tr("episode {1} ({2}) is already published, since {3}: nothing to do", e.number, e.stem(),
                       feed::format_local(e.published_at.value_or(e.recorded_at), folder->show.timezone)));
        else if (r->already)
          say(i18n::tr("episode {1} ({2}) is already a draft: nothing to do", e.number, e.stem()));
        else
          say(publish ? i18n::tr("published {1}", describe(folder->show, r->episode))
                      : i18n::tr("unpublished {1}", describe(folder->show, r->episode)));
        return {};
      };
    });
  }
  {
    auto ep = std::make_shared<std::string>();
    auto* cmd = root.add_subcommand("delete", i18n::tr("Delete a draft (never a scheduled or published episode)"));
    cmd->add_option("EP", *ep, i18n::tr("episode number or stem"))->required();
    cmd->callback([&action, ep, show_dir] {
      action = [ep, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto r = publisher::delete_episode(*folder, *ep);
        if (!r) return std::unexpected(r.error());
        say(i18n::tr("deleted draft {1}", describe(folder->show, *r)));
        return {};
      };
    });
  }
  {
    auto ep = std::make_shared<std::string>();
    auto o = std::make_shared<publisher::EditOptions>();
    auto title = std::make_shared<std::string>(), desc = std::make_shared<std::string>(),
         host = std::make_shared<std::string>(), department = std::make_shared<std::string>();
    auto out_of_turn = std::make_shared<bool>(false);
    auto* cmd = root.add_subcommand("edit", i18n::tr("Change an episode's title, description, host or department"));
    cmd->add_option("EP", *ep, i18n::tr("episode number or stem"))->required();
    auto* t = cmd->add_option("--title", *title, i18n::tr("new title"))->check(xml_text());
    auto* d = cmd->add_option("--description", *desc, i18n::tr("new description"))->check(xml_text());
    auto* h = cmd->add_option("--host", *host, i18n::tr("new host"))->check(xml_text());
    auto* dep = cmd->add_option("--department", *department,
                                i18n::tr("move a draft or scheduled episode to this department (its files are renamed)"));
    cmd->add_flag("--out-of-turn", *out_of_turn, i18n::tr("allow a department out of turn"));
    cmd->callback([&action, ep, o, title, desc, host, department, out_of_turn, t, d, h, dep, show_dir] {
      if (t->count()) o->title = *title;
      if (d->count()) o->description = *desc;
      if (h->count()) o->host = *host;
      if (dep->count()) o->department = *department;
      if (*out_of_turn) o->turns = publisher::Turns::AllowOutOfTurn;
      action = [ep, o, show_dir]() -> Result<void> {
        if (!o->title && !o->description && !o->host && !o->department)
          return bad_input("nothing to change: give --title, --description, --host or --department");
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto r = publisher::edit_episode(*folder, *ep, *o);
        if (!r) return std::unexpected(r.error());
        say(i18n::tr("updated {1}: {2}", describe(folder->show, *r), r->title));
        return {};
      };
    });
  }
  {
    auto now = std::make_shared<std::string>();
    auto* cmd = root.add_subcommand("build", i18n::tr("Publish what is due and regenerate public/"));
    cmd->add_option("--now", *now, i18n::tr("pretend it is this time (ISO 8601)"));
    cmd->callback([&action, now, show_dir] {
      action = [now, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto t = now_option(*now, *folder);
        if (!t) return std::unexpected(t.error());
        // Renditions first (minutes on a big show, unlocked while encoding),
        // so the build that follows lists them in the MP3 feeds.
        auto made = publisher::make_missing_renditions(
            *folder, [](const feed::Episode& e, std::size_t i, std::size_t n) {
              std::fprintf(stderr, "MP3 rendition %zu of %zu: episode %d (%s)\n", i + 1, n, e.number,
                           feed::format_duration(e.duration_seconds).c_str());
            });
        if (!made) return std::unexpected(made.error());
        auto r = publisher::build_public(*folder, *t);
        if (!r) return std::unexpected(r.error());
        print_build(*folder, *r);
        return {};
      };
    });
  }
  {
    auto json = std::make_shared<bool>(false);
    auto* cmd = root.add_subcommand("check", i18n::tr("Verify the show folder"));
    cmd->add_flag("--json", *json, i18n::tr("machine-readable output"));
    cmd->callback([&action, json, show_dir] {
      action = [json, show_dir]() -> Result<void> {
        auto folder = show_dir->open();
        if (!folder) return std::unexpected(folder.error());
        auto r = publisher::check_show(*folder);
        if (*json) {
          nlohmann::json j{{"ok", r.ok()}, {"episodes", r.episodes}, {"published", r.published},
                           {"problems", nlohmann::json::array()}};
          for (const auto& p : r.problems) j["problems"].push_back({{"path", p.path}, {"problem", p.problem}});
          print_json(j);
        } else {
          for (const auto& p : r.problems) std::printf("%s: %s\n", p.path.c_str(), p.text.c_str());
          say(i18n::tr("{1} episode(s), {2} published, {3} problem(s)", r.episodes, r.published, r.problems.size()));
        }
        if (!r.ok()) return std::unexpected(Error{ErrorKind::Failed, i18n::tr("{1} problem(s) found", r.problems.size())});
        return {};
      };
    });
  }
}

}  // namespace crosstalk::cli
