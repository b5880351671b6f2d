// The inner encoding of a sealed-sender envelope (docs/wire.md):
//   version(1) identity(33) mailbox(16) token(32) type(1) message_id(16)
//   ciphertext_length(4, big-endian) ciphertext, then 0x00 padding.
#include "backchannel/common/byte_io.h"
#include "backchannel/envelope/envelope.h"

namespace backchannel::envelope {

Result<Bytes> EncodeInner(const InnerEnvelope& inner) {
  if (inner.ciphertext.size() > kMaxCiphertextSize) {
    return InvalidArgument("session message of " + std::to_string(inner.ciphertext.size()) +
                           " bytes is larger than the largest envelope allows (" +
                           std::to_string(kMaxCiphertextSize) + ")");
  }
  if (inner.content_type != session::CiphertextMessage::Type::kSignal &&
      inner.content_type != session::CiphertextMessage::Type::kPreKey) {
    return InvalidArgument("content type must be 2 (SignalMessage) or 3 (PreKeySignalMessage)");
  }
  ByteWriter w;
  w.bytes().reserve(kInnerFixedSize + inner.ciphertext.size());
  w.U8(kInnerVersion);
  w.Raw(session::SerializePublicKey(inner.sender_identity));
  w.Raw(inner.reply_to.mailbox);
  w.Raw(inner.reply_to.delivery_token);
  w.U8(static_cast<std::uint8_t>(inner.content_type));
  w.Raw(inner.message_id);
  w.U32(static_cast<std::uint32_t>(inner.ciphertext.size()));
  w.Raw(inner.ciphertext);
  return w.Take();
}

Result<InnerEnvelope> DecodeInner(ByteView encoded) {
  ByteReader r(encoded);
  std::uint8_t version = 0;
  if (!r.U8(version)) return InvalidMessage("envelope content is empty");
  if (version != kInnerVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "envelope content version " + std::to_string(version) + " is not supported");
  }
  InnerEnvelope inner;
  ByteView identity;
  std::uint8_t type = 0;
  std::uint32_t length = 0;
  ByteView ciphertext;
  if (!r.Raw(session::kSerializedPublicKeySize, identity) || !r.Array(inner.reply_to.mailbox) ||
      !r.Array(inner.reply_to.delivery_token) || !r.U8(type) || !r.Array(inner.message_id) ||
      !r.U32(length)) {
    return InvalidMessage("envelope content is truncated");
  }
  auto key = session::ParsePublicKey(identity);
  if (!key) return InvalidMessage("envelope sender identity is not a Curve25519 public key");
  inner.sender_identity = *key;
  if (type != static_cast<std::uint8_t>(session::CiphertextMessage::Type::kSignal) &&
      type != static_cast<std::uint8_t>(session::CiphertextMessage::Type::kPreKey)) {
    return InvalidMessage("envelope content type " + std::to_string(type) + " is not 2 or 3");
  }
  inner.content_type = static_cast<session::CiphertextMessage::Type>(type);
  if (length > kMaxCiphertextSize || !r.Raw(length, ciphertext)) {
    return InvalidMessage("envelope session message length runs past the end");
  }
  inner.ciphertext = ToBytes(ciphertext);
  for (std::uint8_t b : r.rest()) {
    if (b != 0) return InvalidMessage("envelope padding is not zero");
  }
  return inner;
}

}  // namespace backchannel::envelope
