// "Is anyone still waiting for this call?" — the current call's probe, as
// userver's current_task::ShouldCancel(). The server installs one around a
// request on the thread that handles it (the probe asks the socket whether
// the client hung up); work queued on the call's behalf (InferencePool)
// captures it when queued and drops the work instead of running it for a
// client that has gone. Thread-local, so layers in between (recognizers)
// need not pass it along.
#pragma once

#include <functional>

namespace kanjian {

using CancelProbe = std::function<bool()>;

// Installs `probe` for the current thread until destroyed (scopes nest).
class CancelScope {
 public:
  explicit CancelScope(CancelProbe probe);
  ~CancelScope();
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

 private:
  CancelProbe probe_;
  const CancelProbe* previous_;
};

// The probe installed on this thread, or an empty function.
CancelProbe CurrentCancelProbe();

}  // namespace kanjian
