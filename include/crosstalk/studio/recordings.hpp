// The studio's recordings in progress. Each runs the same pipeline as
// `crosstalk record` (publisher::plan_recording → recorder::record_live →
// publisher::finish_recording) on its own thread, fed by a PushSource that
// the recording socket fills. Messages carry sequence numbers, so a page
// that lost its connection resends what was not acknowledged and the
// duplicates are dropped here. A recording left without a socket for
// `cut_short_after` is finished with what arrived, as a draft marked cut short.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/recording.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/recorder/push_source.hpp"

namespace crosstalk::studio {

enum class RecordingState { Recording, Finishing, Done, Failed };
std::string_view to_string(RecordingState s);

struct StartRequest {
  publisher::ImportOptions options;
  double rate = 48000;
  int channels = 1;
  feed::StaffMember by;
};

class Recording {
 public:
  enum class Taken { Ok, Duplicate, Gap, Refused };

  Recording(publisher::RecordingPlan plan, const StartRequest& request);
  ~Recording();  // ends the stream (cut short) and waits for the delivery
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  const std::string& id() const { return plan_.item.recording_id; }
  const std::string& owner_hash() const { return owner_hash_; }
  int expected_number() const { return plan_.number; }
  const std::string& department() const { return plan_.department; }
  int channels() const { return source_.channels(); }

  // From the socket, in order. A seq seen already is a Duplicate (ignored),
  // one past the next expected is a Gap (the page must resend).
  Taken samples(std::uint32_t seq, std::span<const float> samples);
  Taken event(std::uint32_t seq, recorder::StreamEvent event);
  std::uint32_t next_seq() const { return next_seq_.load(); }
  bool stop_received() const { return stop_received_.load(); }

  // A socket took it / let it go; unattached for too long → cut short.
  void attach();
  void detach();
  // Ends the stream when it has been left alone since before `deadline`.
  void cut_short_if_left_before(std::chrono::steady_clock::time_point deadline);

  RecordingState state() const { return state_.load(); }
  std::optional<feed::Episode> episode() const;
  std::string message() const;

 private:
  void run();
  void record_and_deliver();
  Taken take(std::uint32_t seq);

  publisher::RecordingPlan plan_;
  std::string owner_hash_;
  recorder::LiveControl control_;
  recorder::PushSource source_;
  std::atomic<std::uint32_t> next_seq_{0};
  std::atomic<bool> stop_received_{false};
  std::atomic<RecordingState> state_{RecordingState::Recording};
  mutable std::mutex mutex_;
  int sockets_ = 0;
  std::chrono::steady_clock::time_point left_at_;
  std::optional<feed::Episode> episode_;
  std::string message_;
  std::thread thread_;  // last: starts once everything above exists
};

class Recordings {
 public:
  Recordings(std::string show_dir, std::chrono::seconds cut_short_after);
  ~Recordings();  // every recording still open is finished (cut short) and delivered

  // The checks of `record`, a spool item, and the recording thread.
  Result<std::shared_ptr<Recording>> start(const StartRequest& request);
  std::shared_ptr<Recording> find(const std::string& id) const;
  // Called about once a second: cuts short what was left too long, forgets
  // what was delivered long ago.
  void tick();
  std::size_t active() const;

 private:
  std::string show_dir_;
  std::chrono::seconds cut_short_after_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Recording>> recordings_;
};

}  // namespace crosstalk::studio
