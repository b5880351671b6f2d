// The app holder: the one object that owns the home while `backchannel app`
// runs (docs/webapp.md "The holder").
// - Locked: no key in memory; /api/request answers "locked".
// - Unlocked: the opened client, its talks service and app::Channel; the
//   relay listen loop (push delivery, reconnection, the outbox flushed on
//   every reconnection); the home's agent socket served from this process
//   (client/agent.h), so CLI commands on the same home get the key without
//   the passphrase.
// - One worker thread (an io_context run by one thread) runs every client
//   call: HTTP requests (posted by the server) and the listen loop. The
//   listen blocks the worker until Wake() (client/listen_interrupt.h): whoever
//   queues a job on the worker calls Wake() just before queuing it and the
//   job calls Dequeued() when it runs (the server and ApiRouter do,
//   ServerOptions::api_queued), the listen returns, the job runs, and the
//   listen starts again once no job waits. Without Wake a job waits for the end of the listen
//   (`listen_slice`).
// - Lock (the button, the idle timeout, Stop): the client is closed (its
//   store key wiped with it), the agent stops (wiping its copy), the relay
//   connection ends; messages then wait at the relay, and unlocking
//   receives them.
//
// Thread safety: the AppBackend methods run on the worker only (the server
// posts them there); Start/Stop from the owning thread.
#ifndef BACKCHANNEL_WEBAPP_HOLDER_H_
#define BACKCHANNEL_WEBAPP_HOLDER_H_

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "backchannel/client/client.h"
#include "backchannel/webapp/backend.h"
#include "backchannel/webapp/clock.h"
#include "backchannel/webapp/sse_hub.h"

namespace backchannel::webapp {

struct HolderOptions {
  // The home, the KDF cost of init, relay timeouts, and (tests) the
  // transport; the listen reconnection policy is the holder's own.
  client::ClientOptions client;
  std::chrono::milliseconds idle{std::chrono::minutes(15)};
  // The longest one listen blocks the worker without a Wake (it also ends
  // when the idle lock is due); then it starts again.
  std::chrono::milliseconds listen_slice{60'000};
  std::chrono::milliseconds retry_after{2000};  // after the relay was unreachable
  bool serve_agent = true;
  Clock clock = SteadyNowMs;  // the idle timeout
};

class AppHolder : public AppBackend {
 public:
  AppHolder(HolderOptions options, SseHub& hub);
  ~AppHolder() override;
  AppHolder(const AppHolder&) = delete;
  AppHolder& operator=(const AppHolder&) = delete;
  AppHolder(AppHolder&&) = delete;
  AppHolder& operator=(AppHolder&&) = delete;

  void Start();
  // Locks and stops the worker (a job in progress finishes first).
  void Stop();
  boost::asio::any_io_executor executor();
  // From any thread, just before queuing a job on executor(): ends the
  // relay listen in progress so the job runs now, and keeps the next listen
  // from starting until the job has (Dequeued, called by the job).
  void Wake();

  // AppBackend, on the worker.
  app::Json State() override;
  Result<app::Json> Init(const InitInput& input) override;
  Status Unlock(const SecretBytes& passphrase) override;
  void Lock() override;
  Status Passwd(const SecretBytes& old_passphrase, const SecretBytes& new_passphrase) override;
  Result<app::Json> Run(const app::Request& request) override;
  bool unlocked() override;
  void Touch() override;
  void Dequeued() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_HOLDER_H_
