// The inner payload: what a session message's plaintext holds.
//
// A small versioned JSON object (docs/client.md, "Inner payload"):
//   {"v": 1, "kind": "text",  "text": "..."}
//   {"v": 1, "kind": "hello", "credential": b64u, "reply": {...}, "text": "..."}
//   {"v": 1, "kind": "reset", "credential": b64u, "reply": {...}, "reason": "..."}
// where reply = {"relay": "host:port", "pin": hex, "mailbox": b64u,
// "token": b64u} says where the sender receives messages. Credentials travel
// only here, inside the encrypted session. Unknown fields are ignored;
// another "v" is kUnsupportedVersion; anything malformed is kInvalidMessage.
//
// Thread safety: pure functions, safe from any thread.
#ifndef BACKCHANNEL_CLIENT_PAYLOAD_H_
#define BACKCHANNEL_CLIENT_PAYLOAD_H_

#include <optional>
#include <string>

#include "backchannel/client/local_store.h"
#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

namespace backchannel::client {

inline constexpr int kPayloadVersion = 1;
inline constexpr std::size_t kMaxTextSize = 32 * 1024;

struct Payload {
  enum class Kind { kText, kHello, kReset };
  Kind kind = Kind::kText;
  std::string text;              // kText, optional in kHello; the reason in kReset
  Bytes credential;              // kHello, kReset: identity::EncodeCredential bytes
  std::optional<Address> reply;  // kHello, kReset
};

std::string_view PayloadKindName(Payload::Kind kind);
Bytes EncodePayload(const Payload& payload);
Result<Payload> DecodePayload(ByteView bytes);

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_PAYLOAD_H_
