// Sealed-sender envelopes: the only thing the relay sees of a message.
//
// An envelope carries one session ciphertext (a SignalMessage, type 2, or a
// PreKeySignalMessage, type 3) together with who sent it and where to answer,
// encrypted to the recipient's identity key, so the relay learns neither the
// sender nor the content. Its size is padded to one of four buckets
// (kBucketSizes), so the relay sees only four sizes. docs/wire.md
// ("Sealed-sender envelope") specifies every byte.
//
//   envelope = version(0x01) || ephemeral X25519 public key (32)
//              || XChaCha20-Poly1305(padded inner) (inner + 16-byte tag)
//
// Key agreement is X25519 (RFC 7748) between a fresh ephemeral key and the
// recipient's identity key; the AEAD key comes from HKDF-SHA256 (RFC 5869)
// bound to both public keys; the AEAD (libsodium's XChaCha20-Poly1305-IETF,
// draft-irtf-cfrg-xchacha) authenticates version, ephemeral and recipient key
// as associated data.
//
// What the envelope does NOT authenticate: the sender identity inside it.
// Anyone can seal an envelope that claims any sender. The session MAC
// authenticates the sender, so after session::Session::Decrypt succeeds the
// client MUST check that InnerEnvelope::sender_identity equals the session's
// remote identity key and drop the message otherwise.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_ENVELOPE_ENVELOPE_H_
#define BACKCHANNEL_ENVELOPE_ENVELOPE_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/common/mailbox_address.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/crypto/secret_bytes.h"
#include "backchannel/session/keys.h"
#include "backchannel/session/session.h"

namespace backchannel::envelope {

inline constexpr std::uint8_t kEnvelopeVersion = 1;  // outer format
inline constexpr std::uint8_t kInnerVersion = 1;     // inner encoding

// Total envelope sizes, in bytes. The largest equals the relay's envelope limit
// (docs/relay-api.md).
inline constexpr std::array<std::size_t, 4> kBucketSizes = {1024, 4096, 16384, 65536};
// version(1) + ephemeral key(32) + AEAD tag(16).
inline constexpr std::size_t kEnvelopeOverhead = 1 + 32 + 16;
// Fixed part of the inner encoding: version(1) + identity(33) + mailbox(16) +
// token(32) + content type(1) + message id(16) + ciphertext length(4).
inline constexpr std::size_t kInnerFixedSize = 1 + 33 + 16 + 32 + 1 + 16 + 4;
// The largest session ciphertext that fits in the largest bucket.
inline constexpr std::size_t kMaxCiphertextSize =
    kBucketSizes.back() - kEnvelopeOverhead - kInnerFixedSize;

using backchannel::DeliveryToken;  // lets anyone post to it (mailbox_address.h)
using backchannel::MailboxId;      // a relay mailbox id
using ClientMessageId = std::array<std::uint8_t, 16>;

// Where to send an answer: a mailbox on the sender's relay and the token that
// lets the recipient post to it, so the recipient needs no directory.
struct ReplyAddress {
  MailboxId mailbox{};
  DeliveryToken delivery_token{};

  // The token is a bearer secret: compared in constant time.
  bool operator==(const ReplyAddress& o) const {
    return mailbox == o.mailbox && ConstantTimeEqual(delivery_token, o.delivery_token);
  }
};

// The decrypted content of an envelope.
struct InnerEnvelope {
  // Claimed by the sender; authenticated only by the session (see above).
  session::PublicKey sender_identity{};
  ReplyAddress reply_to;
  session::CiphertextMessage::Type content_type = session::CiphertextMessage::Type::kSignal;
  Bytes ciphertext;  // the session message bytes (CiphertextMessage::bytes)
  // Random, chosen by the sender; recipients drop a message id seen before
  // (the relay delivers at least once).
  ClientMessageId message_id{};

  session::CiphertextMessage message() const { return {content_type, ciphertext}; }
};

// A fresh random client message id (libsodium randomness).
ClientMessageId NewClientMessageId();

// The unpadded inner encoding (docs/wire.md). kInvalidArgument when the
// ciphertext is larger than kMaxCiphertextSize.
Result<Bytes> EncodeInner(const InnerEnvelope& inner);
// Decodes an inner encoding followed by zero or more 0x00 padding bytes.
// kInvalidMessage when malformed (short, bad key, bad type, length past the
// end, non-zero padding); kUnsupportedVersion for another inner version.
Result<InnerEnvelope> DecodeInner(ByteView encoded);

// The bucket (total envelope size) an inner encoding of `inner_size` bytes is
// padded to; kInvalidArgument when it fits in none.
Result<std::size_t> BucketFor(std::size_t inner_size);

// Encodes, pads and seals `inner` to `recipient` (their identity public key).
// The result's size is one of kBucketSizes. kInvalidArgument when the
// ciphertext is too large or the recipient key is of small order.
Result<Bytes> Seal(const InnerEnvelope& inner, const session::PublicKey& recipient);

// Opens an envelope sealed to `recipient_identity`.
//   kInvalidMessage     size is not a bucket size, malformed inner content,
//                       or a small-order ephemeral key
//   kUnsupportedVersion another outer or inner version
//   kBadMac             authentication failed (tampered, or not for this key)
Result<InnerEnvelope> Open(ByteView envelope, const crypto::X25519KeyPair& recipient_identity);

}  // namespace backchannel::envelope

#endif  // BACKCHANNEL_ENVELOPE_ENVELOPE_H_
