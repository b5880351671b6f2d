// A wake-up for a blocking relay listen (RelayClient::Listen, Client::Listen):
// another thread calls Trigger() and the listen returns OK soon after, as
// if its listening time were over, instead of reading on until its deadline.
//
// Why: a process that holds one client and listens continuously (the web
// app's holder, webapp/holder.h) must still run other client calls on the
// same thread (a client is used by one thread at a time); it listens until
// there is work, triggers, runs the work, then listens again.
//
// A trigger is latched: when no listen is running, the next one returns at
// once. Each return from Listen consumes it (the caller has the work queued
// before it triggers, so whatever triggered runs before the next listen).
//
// Thread safety: Trigger from any thread; the rest is for RelayClient.
#ifndef BACKCHANNEL_CLIENT_LISTEN_INTERRUPT_H_
#define BACKCHANNEL_CLIENT_LISTEN_INTERRUPT_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace backchannel::client {

class PushChannel;

class ListenInterrupt {
 public:
  ListenInterrupt() = default;
  ListenInterrupt(const ListenInterrupt&) = delete;
  ListenInterrupt& operator=(const ListenInterrupt&) = delete;
  ListenInterrupt(ListenInterrupt&&) = delete;
  ListenInterrupt& operator=(ListenInterrupt&&) = delete;
  ~ListenInterrupt() = default;

  // Ends the listen in progress (its read returns at once), or the next one.
  void Trigger();

  // ---- for RelayClient::Listen ----
  // Clears a trigger (Listen returned).
  void Consume();
  // While attached, Trigger interrupts `channel`'s read; attaching when a
  // trigger is pending interrupts it at once. Detach before the channel goes.
  void Attach(PushChannel* channel);
  void Detach();
  // Waits `delay` (a reconnection backoff); true when triggered meanwhile.
  bool WaitFor(std::chrono::milliseconds delay);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;            // guarded by mu_
  PushChannel* channel_ = nullptr;  // guarded by mu_
};

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_LISTEN_INTERRUPT_H_
