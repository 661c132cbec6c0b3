// RecordChannel: JSON control messages and binary sample blocks in,
// acknowledgements and the episode out.
#include "crosstalk/studio/record_socket.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/studio/api.hpp"

using nlohmann::json;

namespace crosstalk::studio {

namespace {
std::string error_message(const std::string& code, const std::string& message) {
  return json{{"type", "error"}, {"code", code}, {"message", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}
std::string text_field(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
}  // namespace

RecordChannel::RecordChannel(Recordings& recordings, Identity who, std::string show_dir,
                             std::function<bool()> still_allowed)
    : recordings_(recordings),
      who_(std::move(who)),
      show_dir_(std::move(show_dir)),
      still_allowed_(std::move(still_allowed)) {}

RecordChannel::~RecordChannel() {
  if (recording_) recording_->detach();
}

std::string RecordChannel::ack() const { return json{{"type", "ack"}, {"seq", acked_}}.dump(); }

RecordChannel::Out RecordChannel::start(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  StartRequest request;
  request.options.title = text_field(j, "title");
  request.options.description = text_field(j, "description");
  request.options.host = text_field(j, "host");
  request.options.department = text_field(j, "department");
  const bool out_of_turn = j.contains("outOfTurn") && j["outOfTurn"].is_boolean() && j["outOfTurn"].get<bool>();
  request.options.turns = out_of_turn ? publisher::Turns::AllowOutOfTurn : publisher::Turns::Enforce;
  request.rate = j.contains("rate") && j["rate"].is_number() ? j["rate"].get<double>() : 0;
  request.channels = j.contains("channels") && j["channels"].is_number_integer() ? j["channels"].get<int>() : 1;
  request.by = who_.member;
  // Out of turn: a question for the host, not a failure.
  if (!request.options.department.empty() && !out_of_turn) {
    auto folder = publisher::open_show(show_dir_);
    if (!folder) return {{error_message("failed", folder.error().message)}, false};
    auto episodes = publisher::load_library(*folder);
    if (!episodes) return {{error_message("failed", episodes.error().message)}, false};
    if (folder->show.department(request.options.department))
      if (auto r = publisher::check_turn(folder->show, *episodes, request.options.department, request.options.turns); !r)
        return {{error_message("turn", r.error().message)}, false};
  }
  auto recording = recordings_.start(request);
  if (!recording)
    return {{error_message(recording.error().kind == ErrorKind::BadInput ? "bad-input" : "failed",
                           recording.error().message)},
            false};
  recording_ = *recording;
  recording_->attach();
  acked_ = -1;
  return {{json{{"type", "started"},
                {"id", recording_->id()},
                {"episode", recording_->expected_number()},
                {"department", recording_->department()}}
               .dump(-1, ' ', false, json::error_handler_t::replace)},
          false};
}

RecordChannel::Out RecordChannel::attach(const std::string& id) {
  auto recording = recordings_.find(id);
  if (!recording) return {{error_message("unknown", i18n::tr("no recording {1} in this studio", id))}, true};
  if (who_.member.role != feed::Role::Comms && recording->owner_hash() != who_.member.token_sha256)
    return {{error_message("forbidden", i18n::tr("not your recording"))}, true};
  recording_ = recording;
  recording_->attach();
  acked_ = static_cast<std::int64_t>(recording_->next_seq()) - 1;
  reported_ = RecordingState::Recording;
  Out out{{json{{"type", "attached"}, {"next", recording_->next_seq()}}.dump()}, false};
  Out state = on_tick();  // finished meanwhile: say so at once
  out.replies.insert(out.replies.end(), state.replies.begin(), state.replies.end());
  return out;
}

RecordChannel::Out RecordChannel::taken(Recording::Taken t) {
  switch (t) {
    case Recording::Taken::Ok:
    case Recording::Taken::Duplicate: return {};
    case Recording::Taken::Gap:
      return {{error_message("gap", i18n::tr("a message is missing: reattach and resend from the last acknowledgement"))}, true};
    case Recording::Taken::Refused:
      return {{error_message("refused", i18n::tr("the recording takes no more audio (stopped, or too far behind)"))}, true};
  }
  return {};
}

RecordChannel::Out RecordChannel::on_text(std::string_view message) {
  const i18n::ScopedLanguage scope(language_);
  json j = json::parse(message, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string())
    return {{error_message("bad-input", "not a studio message")}, true};
  const std::string type = j["type"].get<std::string>();
  if (type == "ping") return {{ack()}, false};
  if (!recording_) {
    if ((type == "start" || type == "attach") && !still_allowed_())
      return {{error_message("forbidden", i18n::tr("your studio access was revoked; ask comms"))}, true};
    if (type == "start") return start(std::string(message));
    if (type == "attach") return attach(text_field(j, "id"));
    return {{error_message("bad-input", "start or attach a recording first")}, true};
  }
  if (!j.contains("seq") || !j["seq"].is_number_unsigned()) return {{error_message("bad-input", type + " needs its seq")}, true};
  const auto seq = j["seq"].get<std::uint32_t>();
  recorder::StreamEvent event;
  if (type == "pause") event = recorder::StreamEvent::Pause;
  else if (type == "resume") event = recorder::StreamEvent::Resume;
  else if (type == "chapter") event = recorder::StreamEvent::Chapter;
  else if (type == "stop") event = recorder::StreamEvent::Stop;
  else return {{error_message("bad-input", "unknown message '" + type + "'")}, true};
  Out out = taken(recording_->event(seq, event));
  if (event == recorder::StreamEvent::Stop && !out.close) {
    acked_ = static_cast<std::int64_t>(recording_->next_seq()) - 1;
    out.replies.push_back(ack());
  }
  return out;
}

RecordChannel::Out RecordChannel::on_binary(std::span<const std::uint8_t> message) {
  const i18n::ScopedLanguage scope(language_);
  if (!recording_) return {{error_message("bad-input", "start or attach a recording first")}, true};
  const std::size_t frame = sizeof(float) * static_cast<std::size_t>(recording_->channels());
  if (message.size() < 4 || (message.size() - 4) % frame != 0)
    return {{error_message("bad-input", "a sample block is 4 bytes of seq and whole frames of float32")}, true};
  std::uint32_t seq = 0;
  std::memcpy(&seq, message.data(), 4);  // little-endian on every platform we build for
  std::vector<float> samples((message.size() - 4) / sizeof(float));
  std::memcpy(samples.data(), message.data() + 4, samples.size() * sizeof(float));
  return taken(recording_->samples(seq, samples));
}

RecordChannel::Out RecordChannel::on_tick() {
  const i18n::ScopedLanguage scope(language_);
  Out out;
  if (!recording_) return out;
  const std::int64_t received = static_cast<std::int64_t>(recording_->next_seq()) - 1;
  if (received != acked_) {
    acked_ = received;
    out.replies.push_back(ack());
  }
  const RecordingState state = recording_->state();
  if (state == reported_) return out;
  reported_ = state;
  if (state == RecordingState::Finishing) out.replies.push_back(json{{"type", "finishing"}}.dump());
  if (state == RecordingState::Done) {
    out.replies.push_back("{\"type\":\"done\",\"episode\":" + episode_json(*recording_->episode()) + "}");
  }
  if (state == RecordingState::Failed) out.replies.push_back(error_message("failed", recording_->message()));
  return out;
}

}  // namespace crosstalk::studio
