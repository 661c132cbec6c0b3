// Recording: sequence numbers in, PushSource out, delivery on its thread.
#include "crosstalk/studio/recordings.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

namespace crosstalk::studio {

namespace {
// What the studio holds of a recording not yet encoded: a page resending
// after a 60 s network drop fits; more is refused (the page resends later).
constexpr double kMaxQueuedSeconds = 90;
// Recordings at once, in all and per person: one host cannot exhaust the
// studio's threads, memory or disk by starting recordings in a loop.
constexpr std::size_t kMaxRecordings = 32;
// Hours: a recording that never stops ends here.
constexpr double kMaxRecordingSeconds = 4 * 3600;
}  // namespace

std::string_view to_string(RecordingState s) {
  switch (s) {
    case RecordingState::Recording: return "recording";
    case RecordingState::Finishing: return "finishing";
    case RecordingState::Done: return "done";
    case RecordingState::Failed: return "failed";
  }
  return "failed";
}

Recording::Recording(publisher::RecordingPlan plan, const StartRequest& request)
    : plan_(std::move(plan)),
      owner_hash_(request.by.token_sha256),
      source_(request.rate, request.channels, control_,
              static_cast<std::size_t>(kMaxQueuedSeconds * request.rate) * static_cast<std::size_t>(request.channels)),
      left_at_(std::chrono::steady_clock::now()),
      thread_([this] { run(); }) {}

Recording::~Recording() {
  source_.end();
  if (thread_.joinable()) thread_.join();
}

void Recording::run() {
  try {
    record_and_deliver();
  } catch (const std::exception& e) {  // never the whole studio: this recording fails, the spool keeps it
    std::lock_guard lock(mutex_);
    message_ = std::string("unexpected failure: ") + e.what() + "; what arrived is in the studio's spool";
    state_ = RecordingState::Failed;
    std::fprintf(stderr, "crosstalk studio: %s: %s\n", id().c_str(), message_.c_str());
  }
}

void Recording::record_and_deliver() {
  plan_.settings.max_seconds = kMaxRecordingSeconds;
  auto report = recorder::record_live(source_, plan_.item.audio, plan_.lossless, plan_.settings, control_, {});
  if (!report) {
    std::lock_guard lock(mutex_);
    message_ = "the recording failed: " + report.error().message + "; what arrived is in the studio's spool (" +
               plan_.item.audio.string() + ")";
    state_ = RecordingState::Failed;
    std::fprintf(stderr, "crosstalk studio: %s: %s\n", id().c_str(), message_.c_str());
    return;
  }
  if (report->seconds <= 0) {  // the page never sent a sample: nothing to file
    publisher::discard(plan_.item);
    std::lock_guard lock(mutex_);
    message_ = "nothing was recorded (no audio arrived)";
    state_ = RecordingState::Failed;
    return;
  }
  state_ = RecordingState::Finishing;
  auto e = publisher::finish_recording(plan_, *report);
  std::lock_guard lock(mutex_);
  if (e) {
    episode_ = *e;
    state_ = RecordingState::Done;
    std::printf("%s: episode %d (%s), %.1f s%s\n", id().c_str(), e->number, e->title.c_str(), e->duration_seconds,
                e->cut_short ? ", cut short" : "");
    std::fflush(stdout);
  } else {
    message_ = "the recording is safe in the studio's spool but did not reach the show: " + e.error().message +
               "; 'crosstalk upload' delivers it later";
    state_ = RecordingState::Failed;
    std::fprintf(stderr, "crosstalk studio: %s: %s\n", id().c_str(), message_.c_str());
  }
}

Recording::Taken Recording::take(std::uint32_t seq) {
  const std::uint32_t next = next_seq_.load();
  if (seq < next) return Taken::Duplicate;
  if (seq > next) return Taken::Gap;
  return Taken::Ok;
}

Recording::Taken Recording::samples(std::uint32_t seq, std::span<const float> samples) {
  if (Taken t = take(seq); t != Taken::Ok) return t;
  if (stop_received_) return Taken::Refused;
  // The page's samples are floats from the network: nothing but finite
  // numbers reaches the encoder.
  std::vector<float> clean(samples.begin(), samples.end());
  for (float& v : clean)
    if (!std::isfinite(v)) v = 0;
  if (!source_.push(clean)) return Taken::Refused;
  ++next_seq_;
  return Taken::Ok;
}

Recording::Taken Recording::event(std::uint32_t seq, recorder::StreamEvent event) {
  if (Taken t = take(seq); t != Taken::Ok) return t;
  if (stop_received_) return Taken::Refused;
  if (!source_.push(event)) return Taken::Refused;
  if (event == recorder::StreamEvent::Stop) stop_received_ = true;
  ++next_seq_;
  return Taken::Ok;
}

void Recording::attach() {
  std::lock_guard lock(mutex_);
  ++sockets_;
}

void Recording::detach() {
  std::lock_guard lock(mutex_);
  if (--sockets_ == 0) left_at_ = std::chrono::steady_clock::now();
}

void Recording::cut_short_if_left_before(std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard lock(mutex_);
    if (sockets_ > 0 || left_at_ > deadline || stop_received_) return;
  }
  source_.end();  // record_live finishes with what arrived: device_lost → cut short
}

std::optional<feed::Episode> Recording::episode() const {
  std::lock_guard lock(mutex_);
  return episode_;
}

std::string Recording::message() const {
  std::lock_guard lock(mutex_);
  return message_;
}

Recordings::Recordings(std::string show_dir, std::chrono::seconds cut_short_after)
    : show_dir_(std::move(show_dir)), cut_short_after_(cut_short_after) {}

Recordings::~Recordings() {
  std::map<std::string, std::shared_ptr<Recording>> all;
  {
    std::lock_guard lock(mutex_);
    all.swap(recordings_);
  }
  all.clear();  // each destructor ends its stream and waits for its delivery
}

Result<std::shared_ptr<Recording>> Recordings::start(const StartRequest& request) {
  if (!(request.rate >= 8000 && request.rate <= 192000))
    return bad_input("the page's sample rate " + std::to_string(request.rate) + " is not 8000-192000 Hz");
  if (request.channels != 1 && request.channels != 2) return bad_input("channels must be 1 or 2");
  {
    std::lock_guard lock(mutex_);
    std::size_t mine = 0, all = 0;
    for (const auto& [id, r] : recordings_)
      if (r->state() == RecordingState::Recording) {
        ++all;
        mine += r->owner_hash() == request.by.token_sha256;
      }
    if (mine > 0)
      return bad_input("you are recording already (in another tab or window); stop that one first");
    if (all >= kMaxRecordings)
      return failure("the studio is recording " + std::to_string(all) + " episodes at once, its limit; try again in a minute");
  }
  auto plan = publisher::plan_recording(show_dir_, request.options, request.by.name);
  if (!plan) return std::unexpected(plan.error());
  if (!plan->folder) {  // the studio runs beside its show: unreachable means something is wrong now
    publisher::discard(plan->item);
    return failure("the show folder cannot be read right now: " + plan->unreachable);
  }
  auto recording = std::make_shared<Recording>(std::move(*plan), request);
  std::lock_guard lock(mutex_);
  recordings_[recording->id()] = recording;
  return recording;
}

std::shared_ptr<Recording> Recordings::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = recordings_.find(id);
  return it == recordings_.end() ? nullptr : it->second;
}

void Recordings::tick() {
  const auto deadline = std::chrono::steady_clock::now() - cut_short_after_;
  std::lock_guard lock(mutex_);
  for (auto& [id, r] : recordings_)
    if (r->state() == RecordingState::Recording) r->cut_short_if_left_before(deadline);
  // Delivered ones stay findable (the page polls their state) for a while;
  // a thousand at most.
  while (recordings_.size() > 1000) {
    auto it = std::find_if(recordings_.begin(), recordings_.end(), [](const auto& p) {
      return p.second->state() == RecordingState::Done || p.second->state() == RecordingState::Failed;
    });
    if (it == recordings_.end()) break;
    recordings_.erase(it);
  }
}

std::size_t Recordings::active() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, r] : recordings_) n += r->state() == RecordingState::Recording;
  return n;
}

}  // namespace crosstalk::studio
