// sound_server_default_input through libpulse's asynchronous API, driven by
// its own main loop with a deadline (a server that hangs never hangs us).
#include <pulse/pulseaudio.h>

#include <chrono>

#include "crosstalk/recorder/sound_server.hpp"

namespace crosstalk::recorder {

namespace {

struct Query {
  bool done = false;
  std::string default_source;
  std::optional<ServerInput> input;
};

void on_server_info(pa_context*, const pa_server_info* info, void* data) {
  auto* q = static_cast<Query*>(data);
  if (info && info->default_source_name) q->default_source = info->default_source_name;
  q->done = true;
}

void on_source_info(pa_context*, const pa_source_info* info, int eol, void* data) {
  auto* q = static_cast<Query*>(data);
  if (eol) {
    q->done = true;
    return;
  }
  if (info)
    q->input = ServerInput{info->name ? info->name : "", info->description ? info->description : "",
                           info->sample_spec.channels, info->sample_spec.rate};
}

class Connection {
 public:
  Connection() : loop_(pa_mainloop_new()) {
    if (loop_) context_ = pa_context_new(pa_mainloop_get_api(loop_), "crosstalk devices");
  }
  ~Connection() {
    if (context_) {
      pa_context_disconnect(context_);
      pa_context_unref(context_);
    }
    if (loop_) pa_mainloop_free(loop_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs the loop until `ready()` or the deadline; false on the deadline or
  // a failed connection.
  template <class Ready>
  bool run_until(Ready&& ready, std::chrono::steady_clock::time_point deadline) {
    while (!ready()) {
      const auto state = pa_context_get_state(context_);
      if (state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED) return false;
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (pa_mainloop_prepare(loop_, 50000) < 0 || pa_mainloop_poll(loop_) < 0 || pa_mainloop_dispatch(loop_) < 0)
        return false;
    }
    return true;
  }

  pa_context* context() const { return context_; }

 private:
  pa_mainloop* loop_ = nullptr;
  pa_context* context_ = nullptr;
};

}  // namespace

std::optional<ServerInput> sound_server_default_input() {
  Connection c;
  if (!c.context() || pa_context_connect(c.context(), nullptr, PA_CONTEXT_NOAUTOSPAWN, nullptr) < 0)
    return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  if (!c.run_until([&] { return pa_context_get_state(c.context()) == PA_CONTEXT_READY; }, deadline))
    return std::nullopt;
  Query q;
  pa_operation_unref(pa_context_get_server_info(c.context(), on_server_info, &q));
  if (!c.run_until([&] { return q.done; }, deadline) || q.default_source.empty()) return std::nullopt;
  q.done = false;
  pa_operation_unref(pa_context_get_source_info_by_name(c.context(), q.default_source.c_str(), on_source_info, &q));
  if (!c.run_until([&] { return q.done; }, deadline)) return std::nullopt;
  return q.input;
}

}  // namespace crosstalk::recorder
