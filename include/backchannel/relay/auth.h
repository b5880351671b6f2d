// Signed relay requests (docs/relay-api.md, "Authenticating as a mailbox
// owner"): the canonical string a mailbox owner signs with its Ed25519 mailbox
// key, and the verification the relay does. Shared by the relay and clients so
// both build exactly the same bytes.
//
// Thread safety: free functions without shared state; safe from any thread.
#ifndef BACKCHANNEL_RELAY_AUTH_H_
#define BACKCHANNEL_RELAY_AUTH_H_

#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"

namespace backchannel::relay {

// Header names of a signed request.
inline constexpr std::string_view kTimestampHeader = "X-BC-Timestamp";
inline constexpr std::string_view kNonceHeader = "X-BC-Nonce";
inline constexpr std::string_view kSignatureHeader = "X-BC-Signature";
inline constexpr std::string_view kDeliveryTokenHeader = "X-BC-Delivery-Token";

// "BC-REQ-1\n" METHOD "\n" TARGET "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body)).
// `target` is the path with its query; `timestamp` and `nonce` are the header
// values exactly as sent.
std::string CanonicalRequest(std::string_view method, std::string_view target,
                             std::string_view timestamp, std::string_view nonce, ByteView body);

// True when `signature` (64 bytes) is a valid Ed25519 signature by
// `auth_key` (32 bytes) over `message`.
bool VerifyRequestSignature(ByteView auth_key, ByteView signature, std::string_view message);

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_AUTH_H_
