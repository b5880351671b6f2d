// The inner payload: what a session message's plaintext holds.
//
// A small versioned JSON object (docs/client.md, "Inner payload"):
//   {"v": 1, "kind": "text",  "text": "..."}
//   {"v": 1, "kind": "hello", "credential": b64u, "reply": {...}, "text": "..."}
//   {"v": 1, "kind": "reset", "credential": b64u, "reply": {...}, "reason": "..."}
//   {"v": 1, "kind": "app",   "app": "<name>", "body": b64u}
// where reply = {"relay": "host:port", "pin": hex, "mailbox": b64u,
// "token": b64u[, "next_pin": hex]} says where the sender receives messages
// ("next_pin": its relay's next certificate during a pin rollover). Credentials travel
// only here, inside the encrypted session. "app" carries an application's
// own bytes (the layer above the client, e.g. talks): `app` is a name of
// 1..32 characters [a-z0-9_-] (IsValidAppName), `body` at most
// kMaxAppBodySize bytes. Unknown fields are ignored; another "v" is
// kUnsupportedVersion; anything malformed is kInvalidMessage.
//
// Size: the largest "app" payload (kMaxAppPayloadSize) plus the session's
// largest overhead (a PreKeySignalMessage, kMaxSessionOverhead) fits in
// envelope::kMaxCiphertextSize, the largest envelope bucket (64 KiB); a
// static_assert in payload.cc checks it.
//
// Thread safety: pure functions, safe from any thread.
#ifndef BACKCHANNEL_CLIENT_PAYLOAD_H_
#define BACKCHANNEL_CLIENT_PAYLOAD_H_

#include <string>
#include <string_view>
#include <variant>

#include "backchannel/client/local_store.h"
#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

namespace backchannel::client {

inline constexpr int kPayloadVersion = 1;
inline constexpr std::size_t kMaxTextSize = std::size_t{32} * 1024;
// 47 KiB: 48 KiB would not fit, its base64url alone is 65536 characters.
inline constexpr std::size_t kMaxAppBodySize = std::size_t{47} * 1024;
// The JSON around an "app" body with the longest name:
// {"app":"<32>","body":"<b64u>","kind":"app","v":1}
inline constexpr std::size_t kAppPayloadFraming = 8 + kMaxAppNameSize + 10 + 21;
inline constexpr std::size_t kMaxAppPayloadSize =
    kAppPayloadFraming + (kMaxAppBodySize * 4 + 2) / 3;
// Upper bound of what the session adds to a plaintext of n bytes: a
// PreKeySignalMessage (docs/wire.md) is at most n + 169 bytes (version,
// registration id, prekey ids, base and identity keys, and the inner
// SignalMessage: ratchet key, counters, AES-CBC padding up to 16, MAC 8).
inline constexpr std::size_t kMaxSessionOverhead = 256;

// One struct per kind, named and with fields named as on the wire.
struct Text {
  std::string text;
  bool operator==(const Text&) const = default;
};
// "hello": who we are (identity::EncodeCredential bytes) and where we receive.
struct Hello {
  Bytes credential;
  Address reply;
  std::string text;  // optional words with it; empty: none
  // The invitation's single-use ticket (identity::kInvitationTicketSize
  // bytes), in the first hello to an inviter; empty in every other hello.
  Bytes ticket;
  bool operator==(const Hello&) const = default;
};
// "reset": a new session, with the same credential and address fields.
struct Reset {
  Bytes credential;
  Address reply;
  std::string reason;  // optional; empty: none
  bool operator==(const Reset&) const = default;
};
// "app": an application's own bytes.
struct App {
  std::string app;  // the application's name (IsValidAppName)
  Bytes body;       // at most kMaxAppBodySize bytes
  bool operator==(const App&) const = default;
};
using Payload = std::variant<Text, Hello, Reset, App>;

// The wire's "kind": "text", "hello", "reset" or "app".
std::string_view PayloadKindName(const Payload& payload);
// REQUIRES: `payload` is valid (what DecodePayload accepts); text that is not
// UTF-8 is sent with U+FFFD in place of the bad bytes.
Bytes EncodePayload(const Payload& payload);
Result<Payload> DecodePayload(ByteView bytes);

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_PAYLOAD_H_
