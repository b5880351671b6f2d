// Signed relay requests (docs/relay-api.md, "Authenticating as a mailbox
// owner"): the canonical string a mailbox owner signs with its Ed25519 mailbox
// key, the signing the client does and the verification the relay does. One
// library (backchannel::request_auth, src/request_auth) that the relay and the
// client both link, so both build exactly the same bytes.
//
// Thread safety: free functions without shared state; safe from any thread.
#ifndef BACKCHANNEL_RELAY_AUTH_H_
#define BACKCHANNEL_RELAY_AUTH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

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

// The three header values of a signed request, exactly as sent.
struct RequestSignature {
  std::string timestamp;  // kTimestampHeader: unix milliseconds, decimal
  std::string nonce;      // kNonceHeader: base64url (no padding)
  std::string signature;  // kSignatureHeader: base64url of the 64-byte signature
};

// Random bytes in a client's nonce.
inline constexpr std::size_t kRequestNonceSize = 16;

// Signs the canonical string of (method, target, timestamp, nonce, body)
// with `auth_secret_key`, the 64-byte Ed25519 secret key (seed || public
// key). Deterministic (RFC 8032); kInvalidArgument for a key of another size.
Result<RequestSignature> SignRequest(ByteView auth_secret_key, std::string_view method,
                                     std::string_view target, ByteView body, std::string timestamp,
                                     std::string nonce);
// SignRequest with the current time and a fresh random nonce, as a client
// sends it.
Result<RequestSignature> SignRequestNow(ByteView auth_secret_key, std::string_view method,
                                        std::string_view target, ByteView body);

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_AUTH_H_
