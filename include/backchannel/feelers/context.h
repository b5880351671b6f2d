// What every feeler hash is bound to (docs/feelers.md §Hashing): the
// protocol (feeler, overlap or zone), both identity keys in canonical order,
// the channel or talks id, and the exchange id derived from both sides'
// fresh nonces. An item hashed for one exchange is unrelated to the same
// item in any other exchange, so nothing a counterpart or the relay stores
// can be matched against a dictionary without the exchange secret.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_FEELERS_CONTEXT_H_
#define BACKCHANNEL_FEELERS_CONTEXT_H_

#include <array>
#include <cstdint>
#include <string>

#include "backchannel/common/bytes.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/crypto/ristretto255.h"

namespace backchannel::feelers {

// A party's identity key: the Curve25519 key its sessions use
// (session::PublicKey is this same type; feelers names it through crypto so
// it does not link the session module).
using IdentityKey = crypto::X25519PublicKey;
using Nonce = std::array<std::uint8_t, 32>;
using ExchangeId = std::array<std::uint8_t, 32>;

// Distinct domain-separation tags: an element of one protocol never equals
// one of another.
enum class Domain : std::uint8_t { kFeeler = 1, kOverlap = 2, kZone = 3 };
bool IsKnownDomain(std::uint8_t d);

struct ExchangeContext {
  Domain domain = Domain::kFeeler;
  IdentityKey self{};
  IdentityKey peer{};
  std::string scope;  // the channel id (contacts) or the talks id
  ExchangeId exchange_id{};

  // The injective, length-prefixed encoding every hash starts with: a
  // version tag, the domain, the two identity keys sorted bytewise, the
  // scope, the exchange id (each with a 16-bit length before it).
  Bytes Encode() const;
};

// The exchange id both sides compute from their two nonces (in either
// order), bound to the domain, both identities and the scope.
ExchangeId DeriveExchangeId(Domain domain, const IdentityKey& a, const IdentityKey& b,
                            std::string_view scope, const Nonce& n1, const Nonce& n2);

// An item (a topic's canonical bytes, or an overlap / zone label) hashed to
// the group: ristretto255 from_hash (RFC 9496 §4.3.4) of SHA-512 over
// context.Encode() || u32 length || item.
crypto::RistrettoElement HashItemToGroup(const ExchangeContext& context, ByteView item);

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_CONTEXT_H_
