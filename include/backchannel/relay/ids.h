// The relay's own fixed-size values, each a distinct type (fixed_bytes.h) so
// one cannot be passed for another: the relay's message ids, a mailbox's
// request-signing key and the hash of its delivery token. Header only: the
// store, the router and the client (which makes the auth key) all use them.
// MailboxId and DeliveryToken, which the envelope carries too, are in
// common/mailbox_address.h.
#ifndef BACKCHANNEL_RELAY_IDS_H_
#define BACKCHANNEL_RELAY_IDS_H_

#include "backchannel/common/fixed_bytes.h"
#include "backchannel/common/mailbox_address.h"

namespace backchannel::relay {

using backchannel::DeliveryToken;
using backchannel::MailboxId;

struct MessageIdTag {
  static constexpr bool kSecret = false;
};
struct AuthKeyTag {
  static constexpr bool kSecret = false;
};
// The stored hash of a bearer secret: compared only in constant time.
struct TokenHashTag {
  static constexpr bool kSecret = true;
};

// 16 random bytes the relay gives a message it accepted (acks name it).
using MessageId = FixedBytes<16, MessageIdTag>;
// A mailbox's Ed25519 public key: its owner signs requests with the secret
// half (auth.h). Made for one mailbox only, never an identity key.
using AuthKey = FixedBytes<32, AuthKeyTag>;
// SHA-256 of a mailbox's delivery token: what the relay stores instead of
// the token.
using TokenHash = FixedBytes<32, TokenHashTag>;

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_IDS_H_
