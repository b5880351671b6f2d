// The listen wake-up (listen_interrupt.h).
#include "backchannel/client/listen_interrupt.h"

#include "backchannel/client/relay_transport.h"

namespace backchannel::client {

void ListenInterrupt::Trigger() {
  std::lock_guard lock(mu_);
  pending_ = true;
  // Under the lock: Detach (also under it) comes before the channel goes.
  if (channel_ != nullptr) channel_->Interrupt();
  cv_.notify_all();
}

void ListenInterrupt::Consume() {
  std::lock_guard lock(mu_);
  pending_ = false;
}

void ListenInterrupt::Attach(PushChannel* channel) {
  std::lock_guard lock(mu_);
  channel_ = channel;
  if (pending_ && channel_ != nullptr) channel_->Interrupt();
}

void ListenInterrupt::Detach() {
  std::lock_guard lock(mu_);
  channel_ = nullptr;
}

bool ListenInterrupt::WaitFor(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, delay, [this] { return pending_; });
}

}  // namespace backchannel::client
