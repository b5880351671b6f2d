// What one push connection of a mailbox decides, with no socket and no
// store call of its own (docs/relay-api.md, "WebSocket"): which queued or
// newly posted messages to push, which frames a client may send (acks), when
// to list the next page, when to say that prekeys run low.
//
// The Beast WebSocket session (server.cc) and the client's in-process
// transport (tests/testing/in_process_relay.h) both drive one PushSession
// per connection, so what the tests see over the in-process layer is what
// the relay does over TLS. The driver performs the store calls (through the
// Router) where it likes (the server on its store thread pool) and hands the
// results here:
//
//   connected ─► ListPage(router.Pending(mb, kPage))  frames to push
//                PreKeysLow(router.OneTimeRemaining)  a notice, or none
//   posted    ─► Offer(message)                       a frame, or none
//   frame in  ─► Read(text)                           an ack to perform, or
//                                                     an error frame to push
//   acked     ─► Acked(id, router.Ack(mb, id))        whether to list the
//                                                     next page now
//
// Duplicate suppression: a message is pushed once per connection while it
// is not acked (a post that races the first listing arrives both ways), and
// a listing made before an ack cannot push the acked message again (the
// last kRecentAcks acked ids are remembered). Paging: queued messages go out
// kPage at a time so a full mailbox does not sit in memory; the next page is
// listed once everything pushed is acked.
//
// Thread safety: none; a driver calls it from one strand or thread.
#ifndef BACKCHANNEL_RELAY_PUSH_SESSION_H_
#define BACKCHANNEL_RELAY_PUSH_SESSION_H_

#include <cstddef>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/status.h"
#include "backchannel/relay/store.h"

namespace backchannel::relay {

class PushSession {
 public:
  static constexpr std::size_t kPage = 256;
  static constexpr std::size_t kRecentAcks = 4096;

  // `prekeys_low_below`: RouterOptions::prekeys_low_below.
  explicit PushSession(std::size_t prekeys_low_below) : prekeys_low_below_(prekeys_low_below) {}

  // A listing of at most kPage pending messages, oldest first: the frames
  // to push (those not pushed on this connection and not recently acked).
  std::vector<std::string> ListPage(const std::vector<StoredMessage>& page);
  // A message posted to the mailbox while connected: its frame, unless it
  // was pushed or acked on this connection already.
  std::optional<std::string> Offer(const StoredMessage& message);
  // The "prekeys_low" frame when `remaining` is under the threshold.
  std::optional<std::string> PreKeysLow(std::size_t remaining) const;

  // A frame the client sent. Either `ack` (the driver calls Router::Ack and
  // then Acked) or `reply` (an error frame to push back; counts a
  // rejection as "bad_request" in the driver's metrics).
  struct ClientFrame {
    std::optional<MessageId> ack;
    std::string reply;
  };
  static ClientFrame Read(std::string_view text);
  // The result of Router::Ack for `id`. Returns true when the driver should
  // list the next page now (everything pushed is acked and the last page
  // was full).
  bool Acked(const MessageId& id, const Status& result);

  // Messages pushed on this connection and not acked yet.
  std::size_t unacked() const { return pushed_.size(); }

 private:
  void RememberAcked(const MessageId& id);

  std::size_t prekeys_low_below_;
  std::set<MessageId> pushed_;  // pushed on this connection and not acked
  std::set<MessageId> acked_;   // the last kRecentAcks acked on this connection
  std::deque<MessageId> acked_order_;
  bool more_queued_ = false;  // the last listing filled a page
};

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_PUSH_SESSION_H_
