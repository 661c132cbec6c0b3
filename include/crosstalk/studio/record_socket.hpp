// The recording socket's protocol (docs/studio-protocol.md), without the
// transport: each message from the page goes in, the replies come out.
// The listener owns one RecordChannel per WebSocket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/studio/accounts.hpp"
#include "crosstalk/studio/recordings.hpp"

namespace crosstalk::studio {

class RecordChannel {
 public:
  // `still_allowed` is asked before a recording is started or taken up
  // again: a revoked person's open socket starts nothing.
  RecordChannel(Recordings& recordings, Identity who, std::string show_dir,
                std::function<bool()> still_allowed = [] { return true; });
  ~RecordChannel();  // lets go of the recording (its cut-short clock starts)
  RecordChannel(const RecordChannel&) = delete;
  RecordChannel& operator=(const RecordChannel&) = delete;

  struct Out {
    std::vector<std::string> replies;  // JSON text messages
    bool close = false;                // a protocol error: close the socket
  };
  // The language of the messages (Api::language of the page's Accept-Language).
  void set_language(std::string language) { language_ = std::move(language); }
  Out on_text(std::string_view message);
  Out on_binary(std::span<const std::uint8_t> message);
  // About four times a second: acknowledgements and the recording's state.
  Out on_tick();

 private:
  Out start(const std::string& text);
  Out attach(const std::string& id);
  Out taken(Recording::Taken t);
  std::string ack() const;

  Recordings& recordings_;
  Identity who_;
  std::string show_dir_;
  std::function<bool()> still_allowed_;
  std::shared_ptr<Recording> recording_;
  std::int64_t acked_ = -1;
  RecordingState reported_ = RecordingState::Recording;
  std::string language_ = "en";
};

}  // namespace crosstalk::studio
