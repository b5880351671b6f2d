// Event fan-out to the open pages (sse_hub.h).
#include "backchannel/webapp/sse_hub.h"

#include <algorithm>

namespace backchannel::webapp {

std::string FormatEvent(const std::string& event, const app::Json& data) {
  // dump() escapes control characters, so a newline in a message never
  // ends the data line (which would let a peer inject an event).
  return "event: " + event +
         "\ndata: " + data.dump(-1, ' ', false, app::Json::error_handler_t::replace) + "\n\n";
}

std::string SseHub::Subscription::Take() {
  std::lock_guard lock(mu_);
  std::string out;
  if (overflowed_) {
    out += FormatEvent("contacts", app::Json::object());
    overflowed_ = false;
  }
  for (auto& e : queue_) out += e;
  queue_.clear();
  return out;
}

std::shared_ptr<SseHub::Subscription> SseHub::Subscribe(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  if (subs_.size() >= kMaxSubscribers) return nullptr;
  auto s = std::make_shared<Subscription>();
  s->wake_ = std::move(wake);
  subs_.push_back(s);
  return s;
}

void SseHub::Unsubscribe(const std::shared_ptr<Subscription>& s) {
  std::lock_guard lock(mu_);
  subs_.erase(std::remove(subs_.begin(), subs_.end(), s), subs_.end());
}

void SseHub::Publish(const std::string& event, const app::Json& data) {
  const std::string bytes = FormatEvent(event, data);
  std::vector<std::shared_ptr<Subscription>> subs;
  {
    std::lock_guard lock(mu_);
    subs = subs_;
  }
  for (const auto& s : subs) {
    {
      std::lock_guard lock(s->mu_);
      if (s->queue_.size() >= kMaxQueuedEvents) {
        s->queue_.pop_front();
        s->overflowed_ = true;
      }
      s->queue_.push_back(bytes);
    }
    if (s->wake_) s->wake_();
  }
}

std::size_t SseHub::subscribers() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

}  // namespace backchannel::webapp
