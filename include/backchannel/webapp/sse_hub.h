// Server-Sent Events for the open pages: the holder publishes (message,
// delivery, happening, relay, contacts, lock), each subscriber (one per
// /api/events connection) has its own bounded queue that the server drains.
// A subscriber that falls more than kMaxQueuedEvents behind loses the
// oldest events and gets a `contacts` event so the page refetches.
//
// Thread safety: every method may be called from any thread.
#ifndef BACKCHANNEL_WEBAPP_SSE_HUB_H_
#define BACKCHANNEL_WEBAPP_SSE_HUB_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backchannel/app/json.h"

namespace backchannel::webapp {

inline constexpr std::size_t kMaxQueuedEvents = 256;
inline constexpr std::size_t kMaxSubscribers = 8;

class SseHub {
 public:
  class Subscription {
   public:
    // Everything queued since the last call, as "event: ..\ndata: ..\n\n".
    std::string Take();

   private:
    friend class SseHub;
    std::mutex mu_;
    std::deque<std::string> queue_;
    bool overflowed_ = false;
    std::function<void()> wake_;
  };

  // `wake` is called (from the publishing thread) after events were queued;
  // the server posts a read of Take() to its own thread. Nothing when
  // kMaxSubscribers are open already.
  std::shared_ptr<Subscription> Subscribe(std::function<void()> wake);
  void Unsubscribe(const std::shared_ptr<Subscription>& s);

  void Publish(const std::string& event, const app::Json& data);
  std::size_t subscribers() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Subscription>> subs_;
};

// One event's bytes: "event: NAME\ndata: JSON\n\n" (the JSON on one line).
std::string FormatEvent(const std::string& event, const app::Json& data);

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_SSE_HUB_H_
