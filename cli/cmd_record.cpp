// The host's commands: devices, record, recover, upload.
#include <algorithm>
#include <atomic>
#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/recording.hpp"
#include "crosstalk/publisher/spool.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/recorder/capture.hpp"
#include "crosstalk/recorder/live_recorder.hpp"
#include "crosstalk/recorder/recover.hpp"
#include "crosstalk/util/platform.hpp"
#include "crosstalk/util/words.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::cli {

namespace {

std::atomic<std::atomic<bool>*> g_stop{nullptr};
extern "C" void on_stop_signal(int) {
  if (auto* stop = g_stop.load()) stop->store(true);
}

// SIGINT and SIGTERM set `stop` while this lives; afterwards they do nothing
// (never reaching a dead object, whichever way the scope is left).
class StopOnSignal {
 public:
  explicit StopOnSignal(std::atomic<bool>& stop) {
    g_stop = &stop;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
  }
  ~StopOnSignal() { g_stop = nullptr; }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
};

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

void print_delivered(const feed::Episode& e) {
  std::printf("%s\n", i18n::tr("episode {1} ({2}, {3}): {4}, {5} s", e.number, e.stem(), state_text(e.state), e.title,
                               number("%.1f", e.duration_seconds))
                          .c_str());
}

// Delivers what earlier recordings left in the spool (into `into` when given,
// an absolute path; raised by up to `max_gain_db` when given); the number
// still waiting.
int deliver_pending(bool verbose, const std::string& into = {}, std::optional<double> max_gain_db = {}) {
  auto items = publisher::load_spool();
  if (!items) {
    std::fprintf(stderr, "warning: %s\n", items.error().message.c_str());
    return 0;
  }
  int waiting = 0;
  for (auto& item : *items) {
    if (!into.empty()) item.show_dir = into;
    if (max_gain_db) item.options.max_gain_db = max_gain_db;
    auto e = publisher::deliver(item);
    if (e) {
      std::printf("%s", i18n::tr("delivered {1} → ", item.audio.filename().string()).c_str());
      print_delivered(*e);
    } else {
      ++waiting;
      if (verbose)
        std::fprintf(stderr, "%s\n", i18n::tr("{1}: not delivered: {2}", item.audio.string(), e.error().message).c_str());
    }
  }
  return waiting;
}

// Completes one recording; a spool recording (an XML beside it) becomes
// deliverable, with its lossless copy completed too when it can be.
Result<void> recover_one(const fs::path& file) {
  auto r = recorder::recover_opus(file);
  if (!r) return std::unexpected(r.error());
  if (r->was_complete && r->bytes_dropped == 0)
    std::printf("%s\n", i18n::tr("{1} is complete already ({2} s)", file.string(), number("%.3f", r->seconds)).c_str());
  else
    std::printf("%s\n", i18n::tr("recovered {1}: {2} s in {3} pages ({4} bytes of a torn page dropped)", file.string(),
                                 number("%.3f", r->seconds), r->pages, r->bytes_dropped)
                            .c_str());
  fs::path meta = fs::path(file).replace_extension(".xml");
  boost::system::error_code ec;
  if (!fs::exists(meta, ec)) return {};
  auto item = publisher::load_spool_item(meta);
  if (!item || item->complete) return {};
  item->complete = true;
  item->seconds = r->seconds;
  if (fs::exists(item->lossless(), ec)) {
    if (auto wav = recorder::recover_wav(item->lossless()); wav) {
      std::printf("%s\n", i18n::tr("its lossless copy too ({1} s): it will be loudness-normalised on delivery",
                                    number("%.3f", wav->seconds))
                               .c_str());
    } else {
      std::printf("%s\n", i18n::tr("warning: its lossless copy could not be recovered ({1}): the Opus file is "
                                    "delivered as it is, not normalised",
                                    wav.error().message)
                               .c_str());
      fs::remove(item->lossless(), ec);
    }
  }
  if (auto s = publisher::save_spool_item(*item); !s) return s;
  std::printf("%s\n", i18n::tr("'crosstalk upload' delivers it to {1}", item->show_dir).c_str());
  return {};
}

}  // namespace

void register_record_commands(CLI::App& root, Action& action, std::shared_ptr<ShowDir> show_dir) {
  {
    auto* cmd = root.add_subcommand("devices", i18n::tr("List the microphones and other inputs"));
    cmd->callback([&action] {
      action = []() -> Result<void> {
        auto devices = recorder::list_input_devices();
        if (!devices) return std::unexpected(devices.error());
        if (devices->empty()) return bad_input(i18n::tr("no input devices: plug in a microphone or headset"));
        for (const auto& d : *devices) {
          std::printf("%s%3d  %s  [%s]  ", d.is_default ? "*" : " ", d.id, d.name.c_str(), d.host_api.c_str());
          if (d.server_input)  // the microphone behind the sound server, not the ALSA plugin's figures
            std::printf("%s\n", i18n::tr("{1} ch, {2} Hz: the sound server's default input, {3} ({4})",
                                          d.server_input->channels, d.server_input->rate,
                                          d.server_input->description, d.server_input->name)
                                     .c_str());
          else
            std::printf("%s\n", i18n::tr("{1} ch, {2} Hz", d.max_input_channels, number("%.0f", d.default_sample_rate))
                                     .c_str());
        }
        std::printf("%s\n", i18n::tr("(* the default; record --device ID or part of the name)").c_str());
        return {};
      };
    });
  }
  {
    auto o = std::make_shared<publisher::ImportOptions>();
    auto out_of_turn = std::make_shared<bool>(false);
    auto device = std::make_shared<std::string>();
    auto duration = std::make_shared<double>(0);
    auto channels = std::make_shared<int>(1);
    auto rate = std::make_shared<double>(48000);
    auto* cmd = root.add_subcommand("record", i18n::tr("Record the next episode from the microphone"));
    cmd->add_option("--title", o->title, i18n::tr("episode title"))->required()->check(xml_text());
    cmd->add_option("--description", o->description, i18n::tr("episode description"))->check(xml_text());
    cmd->add_option("--host", o->host, i18n::tr("who hosts it"))->check(xml_text());
    cmd->add_option("--department", o->department, i18n::tr("default: whose turn it is"));
    cmd->add_flag("--out-of-turn", *out_of_turn, i18n::tr("allow the department that spoke last"));
    cmd->add_option("--device", *device, i18n::tr("input device: id or part of its name (see 'crosstalk devices')"));
    cmd->add_option("--duration", *duration, i18n::tr("stop after this many seconds"))->check(CLI::PositiveNumber);
    cmd->add_option("--channels", *channels, i18n::tr("1 (default) or 2"))->check(CLI::Range(1, 2));
    cmd->add_option("--rate", *rate, i18n::tr("capture rate to ask the device for (default 48000; resampled to 48 kHz)"))
        ->check(CLI::Range(8000.0, 192000.0));
    cmd->add_option("--publish-at", o->publish_at, i18n::tr("schedule it: ISO 8601 time (show's time zone if no offset)"));
    add_max_gain(*cmd, o->max_gain_db);
    cmd->callback([&action, o, out_of_turn, device, duration, channels, rate, show_dir] {
      action = [o, out_of_turn, device, duration, channels, rate, show_dir]() -> Result<void> {
        o->turns = *out_of_turn ? publisher::Turns::AllowOutOfTurn : publisher::Turns::Enforce;
        deliver_pending(false);
        auto plan = publisher::plan_recording(show_dir->path, *o);
        if (!plan) return std::unexpected(plan.error());
        publisher::SpoolItem& item = plan->item;
        std::string heading = i18n::tr("Recording");
        if (plan->number)  // {3}: the department's name as it is, for languages without a possessive
          heading = i18n::tr("Episode {1} — {2} turn", plan->number, util::possessive(plan->department), plan->department);
        if (!plan->folder)
          std::fprintf(stderr, "%s\n",
                       i18n::tr("warning: {1} — recording to the local spool; 'crosstalk upload' delivers it later",
                                plan->unreachable)
                           .c_str());
        boost::system::error_code ec;

        recorder::CaptureSettings cs;
        cs.device = *device;
        cs.channels = *channels;
        cs.preferred_rate = *rate;
        auto capture = recorder::Capture::open(cs);
        if (!capture) {
          fs::remove(item.meta(), ec);
          return std::unexpected(capture.error());
        }
        recorder::LiveControl control;
        std::optional<StopOnSignal> stop_on_signal;
        stop_on_signal.emplace(control.stop);
        const bool tty = util::platform::interactive_terminal();
        std::printf("%s\n", i18n::tr("{1}: {2} — from {3} at {4} Hz", heading, o->title, (*capture)->device_name(),
                                     number("%.0f", (*capture)->rate()))
                                .c_str());
        if (tty) std::printf("%s\n", i18n::tr("keys: space pauses/resumes, m marks a chapter, q or Enter stops").c_str());
        std::optional<util::platform::Keyboard> keyboard;
        if (tty) keyboard.emplace();
        std::printf("%s\n", i18n::tr("spool: {1}", item.audio.string()).c_str());
        std::fflush(stdout);
        // The audio libraries' own complaints (e.g. PortAudio's ALSA code when
        // a headset is unplugged) go to a log beside the recording, not over
        // the meter; our messages come after.
        std::optional<util::platform::SilencedStderr> quiet;
        quiet.emplace(fs::path(item.audio).replace_extension(".log"));
        if (auto r = (*capture)->start(); !r) {
          quiet.reset();
          publisher::discard(item);  // nothing recorded: nothing for 'upload' to trip on
          return r;
        }
        double next_line = 5;
        plan->settings.max_seconds = *duration;
        auto report = recorder::record_live(**capture, item.audio, plan->lossless, plan->settings, control,
                                            [&](const recorder::Levels& l) {
          for (int key; keyboard && (key = keyboard->poll()) >= 0;) {
            if (key == ' ') control.paused = !control.paused;
            else if (key == 'm' || key == 'M') {
              const int chapter = ++control.chapter_marks;
              std::printf("\r\033[K%s\n", i18n::tr("chapter {1} marked at {2}", chapter, clock_text(l.seconds)).c_str());
            }
            else if (key == 'q' || key == 'Q' || key == '\n' || key == '\r') control.stop = true;
          }
          const std::string warn = l.clipping ? i18n::tr("  CLIPPING: move back from the mic")
                                   : l.silent_seconds >= 5 ? i18n::tr("  NO SIGNAL: is the mic muted?") : std::string();
          if (tty) {
            const int bar = std::clamp(static_cast<int>((l.rms_dbfs + 60) / 2), 0, 30);
            std::printf("\r%s%s  %s%s  %s%s\033[K", l.paused ? i18n::tr("PAUSED ").c_str() : "", clock_text(l.seconds).c_str(),
                        std::string(static_cast<std::size_t>(bar), '#').c_str(), std::string(30 - bar, '.').c_str(),
                        i18n::tr("peak {1} dBFS  rms {2} dBFS", number("%6.1f", l.peak_dbfs), number("%6.1f", l.rms_dbfs)).c_str(),
                        warn.c_str());
            std::fflush(stdout);
          } else if (l.seconds >= next_line) {
            std::printf("%s\n", i18n::tr("recording {1}  peak {2} dBFS  rms {3} dBFS{4}", clock_text(l.seconds),
                                         number("%.1f", l.peak_dbfs), number("%.1f", l.rms_dbfs), warn)
                                    .c_str());
            std::fflush(stdout);
            next_line += 5;
          }
        });
        stop_on_signal.reset();
        keyboard.reset();
        (*capture)->stop();
        quiet.reset();
        if (tty) std::printf("\n");
        // Stopped before a whole page of audio reached the spool (a disk
        // full from the start): nothing that recover or upload could use.
        if (!report && (!fs::exists(item.audio, ec) || !recorder::inspect_recording(item.audio))) {
          publisher::discard(item);
          return failure(i18n::tr("recording failed: {1}; nothing was recorded", report.error().message));
        }
        if (!report)
          return failure(i18n::tr("recording stopped: {1}; what was recorded is kept in {2} ('crosstalk recover --all', "
                                  "then 'crosstalk upload')",
                                  report.error().message, item.audio.filename().string()));
        if (report->lossless_dropped)
          std::printf("%s\n", i18n::tr("note: the disk filled up, so the lossless copy was dropped: this episode keeps "
                                       "its recorded level")
                                  .c_str());
        std::printf("%s\n", i18n::tr("recorded {1} s; {2} input overflow(s), {3} dropped sample(s)",
                                     number("%.3f", report->seconds), report->overflows, report->dropped)
                                .c_str());
        std::fflush(stdout);
        auto e = publisher::finish_recording(*plan, *report, [] {
          std::printf("%s\n", i18n::tr("normalising loudness…").c_str());
          std::fflush(stdout);
        });
        // The show was there, the recording was refused (e.g. too quiet): the host decides.
        if (!e && plan->folder && e.error().kind == ErrorKind::BadInput)
          return bad_input(i18n::tr("the recording is safe in {1} but did not reach the show: {2}; then 'crosstalk "
                                    "upload' (it takes --max-gain too) delivers it",
                                    item.audio.string(), e.error().message));
        if (!e)
          return failure(i18n::tr("the recording is safe in {1} but did not reach the show: {2}; 'crosstalk upload' "
                                  "delivers it later",
                                  item.audio.string(), e.error().message));
        print_delivered(*e);
        if (report->device_lost)
          return failure(i18n::tr("the input device stopped (unplugged?) after {1}; everything recorded until then "
                                  "is in episode {2}",
                                  clock_text(report->seconds), e->number));
        return {};
      };
    });
  }
  {
    auto file = std::make_shared<std::string>();
    auto all = std::make_shared<bool>(false);
    auto* cmd = root.add_subcommand("recover", i18n::tr("Complete a recording cut short by a crash or power cut"));
    cmd->add_option("FILE", *file, i18n::tr("the .opus file (e.g. in the spool)"));
    cmd->add_flag("--all", *all, i18n::tr("every recording in the spool that was cut short"));
    cmd->callback([&action, file, all] {
      action = [file, all]() -> Result<void> {
        if (*all == !file->empty())
          return bad_input(i18n::tr("recover: give the recording's FILE, or --all for every one in the spool cut short"));
        if (!*all) return recover_one(*file);
        auto items = publisher::load_spool();
        if (!items) return std::unexpected(items.error());
        int recovered = 0, failed = 0;
        for (const auto& item : *items) {
          if (item.complete) continue;
          if (auto r = recover_one(item.audio); r) ++recovered;
          else {
            ++failed;
            std::fprintf(stderr, "%s\n", r.error().message.c_str());
          }
        }
        if (failed) return failure(i18n::tr("{1} recording(s) could not be recovered (see above)", failed));
        if (recovered == 0)
          std::printf("%s\n", i18n::tr("nothing to recover: no recording in the spool was cut short").c_str());
        return {};
      };
    });
  }
  {
    auto into = std::make_shared<std::string>();
    auto max_gain = std::make_shared<std::optional<double>>();
    auto* cmd = root.add_subcommand("upload", i18n::tr("Deliver recordings waiting in the local spool to their shows"));
    cmd->add_option("--into", *into, i18n::tr("deliver them into this show folder instead of the one each was recorded for"));
    add_max_gain(*cmd, *max_gain);
    cmd->callback([&action, into, max_gain] {
      action = [into, max_gain]() -> Result<void> {
        std::string target;
        if (!into->empty()) {
          auto folder = publisher::open_show(*into);
          if (!folder) return std::unexpected(Error{folder.error().kind, "--into: " + folder.error().message});
          boost::system::error_code ec;
          target = fs::absolute(*into, ec).lexically_normal().string();
        }
        const int waiting = deliver_pending(true, target, *max_gain);
        if (waiting) return failure(i18n::tr("{1} recording(s) still in the spool (see above)", waiting));
        std::printf("%s\n", i18n::tr("nothing left in the spool").c_str());
        return {};
      };
    });
  }
  {
    auto* spool = root.add_subcommand("spool", i18n::tr("What waits in the local spool: list, discard ID"));
    spool->require_subcommand(1);
    auto* list = spool->add_subcommand("list", i18n::tr("The recordings waiting in the spool, oldest first"));
    list->callback([&action] {
      action = []() -> Result<void> {
        auto items = publisher::load_spool();
        if (!items) return std::unexpected(items.error());
        boost::system::error_code ec;
        for (const auto& item : *items) {
          const char* state = !fs::exists(item.audio, ec) ? "no audio"
                              : item.complete            ? "complete"
                                                         : "cut short (recover it)";
          std::printf("%s  %-22s  %s  %s → %s\n", item.recording_id.c_str(), state, clock_text(item.seconds).c_str(),
                      item.options.title.c_str(), item.show_dir.c_str());
        }
        if (items->empty()) std::printf("%s\n", i18n::tr("the spool is empty").c_str());
        return {};
      };
    });
    auto id = std::make_shared<std::string>();
    auto* discard = spool->add_subcommand("discard", i18n::tr("Delete a recording from the spool (its audio too)"));
    discard->add_option("ID", *id, i18n::tr("as 'crosstalk spool list' shows it"))->required();
    discard->callback([&action, id] {
      action = [id]() -> Result<void> {
        auto items = publisher::load_spool();
        if (!items) return std::unexpected(items.error());
        for (const auto& item : *items)
          if (item.recording_id == *id) {
            publisher::discard(item);
            std::printf("%s\n", i18n::tr("discarded {1} ({2})", *id, item.options.title).c_str());
            return {};
          }
        return bad_input(i18n::tr("no recording '{1}' in the spool; 'crosstalk spool list' shows what is there", *id));
      };
    });
  }
}

}  // namespace crosstalk::cli
