// The fast in-process layer: a client::RelayTransport that hands every
// request to the relay's real Router over the real SQLite store (":memory:"
// or a file), and every push connection to the relay's real PushSession — no
// process, socket or sleep. Not a re-implementation of the relay: only the
// bytes skip TLS. Requests are built, signed and decoded by the client's own
// RelayClient, exactly as over TLS.
//
// What it can show: everything the client decides (sessions, outbox,
// timeline, trust, resets, app handlers, prekeys) and how the relay's API
// answers it. What it cannot (these stay on the real-process tests): TLS
// and a wrong certificate, a relay killed or restarted, a WebSocket over a
// socket, graceful stop, two processes on one home.
//
// The relay answers at `address()` with pin `pin()` (random, 64 hex digits):
// a request to another address is kUnavailable (nothing listens there), one
// with another pin is kUntrusted as over TLS. SetReachable(false) makes it
// unreachable (kUnavailable) until SetReachable(true): the outbox's "relay
// down then up" without a process.
//
// Push connections: Read returns what the relay pushed; when nothing is
// waiting it returns "the listening time is over" at once (so Listen
// returns once it has handled everything, no waiting), or, with
// set_listen_waits(true), waits until a frame comes or the deadline passes
// (a Listen on one thread and Sends on another). DropConnections() makes
// every open push connection fail its next Read (kUnavailable): a dropped
// WebSocket.
//
// Thread safety: all methods may be called from any thread.
#ifndef BACKCHANNEL_TESTS_TESTING_IN_PROCESS_RELAY_H_
#define BACKCHANNEL_TESTS_TESTING_IN_PROCESS_RELAY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backchannel/client/relay_transport.h"
#include "backchannel/common/result.h"
#include "backchannel/relay/metrics.h"
#include "backchannel/relay/router.h"
#include "backchannel/relay/store.h"

namespace backchannel::testing {

class InProcessRelay final : public client::RelayTransport {
 public:
  struct Options {
    std::string address = "in-process-relay:443";
    std::string store_path = ":memory:";  // or a file for a store that outlives the relay
    relay::RouterOptions router;
    relay::Clock clock;  // empty: the system clock
  };
  static Result<std::shared_ptr<InProcessRelay>> Start(Options options);
  static Result<std::shared_ptr<InProcessRelay>> Start() { return Start(Options{}); }
  ~InProcessRelay() override;
  InProcessRelay(const InProcessRelay&) = delete;
  InProcessRelay& operator=(const InProcessRelay&) = delete;

  const std::string& address() const { return options_.address; }
  const std::string& pin() const { return pin_; }
  CertificatePin certificate_pin() const;  // the same, typed

  void SetReachable(bool reachable) { reachable_ = reachable; }
  void set_listen_waits(bool waits) { listen_waits_ = waits; }
  void DropConnections();
  // How many requests (and push upgrades) reached the Router.
  std::int64_t requests() const { return requests_; }

  relay::Router& router() { return *router_; }
  relay::Store& store() { return *store_; }

  Result<client::WireReply> Exchange(const client::RelayEndpoint& endpoint,
                                     const client::WireRequest& request) const override;
  Result<client::PushOpening> OpenPush(const client::RelayEndpoint& endpoint,
                                       const client::WireRequest& upgrade,
                                       client::SteadyTime connect_by) const override;

  class Channel;

 private:
  explicit InProcessRelay(Options options);
  Status Reach(const client::RelayEndpoint& endpoint) const;
  static relay::HttpRequest ToHttp(const client::WireRequest& r);

  Options options_;
  std::string pin_;
  std::unique_ptr<relay::Store> store_;
  relay::Metrics metrics_;
  std::unique_ptr<relay::Router> router_;
  std::atomic<bool> reachable_{true};
  std::atomic<bool> listen_waits_{false};
  mutable std::atomic<std::int64_t> requests_{0};
  // Open push connections by mailbox (for the Router's listeners).
  mutable std::mutex mu_;
  mutable std::multimap<relay::MailboxId, std::weak_ptr<Channel>> channels_;
};

}  // namespace backchannel::testing

#endif  // BACKCHANNEL_TESTS_TESTING_IN_PROCESS_RELAY_H_
