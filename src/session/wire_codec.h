// Encoding and decoding of the v3 wire messages (docs/wire.md):
//
//   SignalMessage       = version(1) || protobuf SignalMessage || MAC(8)
//   PreKeySignalMessage = version(1) || protobuf PreKeySignalMessage
//
// version = (3 << 4) | 3. The MAC is the first 8 bytes of
// HMAC-SHA256(mac key, sender identity(33) || receiver identity(33) ||
// version || protobuf). Decoders check structure only; the MAC is checked by
// the ratchet once it has the key.
#ifndef BACKCHANNEL_SRC_SESSION_WIRE_CODEC_H_
#define BACKCHANNEL_SRC_SESSION_WIRE_CODEC_H_

#include <optional>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/session/keys.h"

namespace backchannel::session::internal {

inline constexpr std::uint8_t kMessageVersion = 3;
inline constexpr std::uint8_t kVersionByte = (kMessageVersion << 4) | kMessageVersion;
inline constexpr std::size_t kMacSize = 8;

struct SignalMessageFields {
  PublicKey ratchet_key{};
  std::uint32_t counter = 0;
  std::uint32_t previous_counter = 0;
  Bytes ciphertext;
};

struct ParsedSignalMessage {
  SignalMessageFields fields;
  ByteView authenticated;  // version || protobuf: what the MAC covers (views the input)
  ByteView mac;            // the last 8 bytes of the input
};

// Errors: kInvalidMessage (too short, bad protobuf, missing field, bad key),
// kUnsupportedVersion.
Result<ParsedSignalMessage> ParseSignalMessage(ByteView bytes);
// version || protobuf, without the MAC.
Bytes EncodeSignalMessage(const SignalMessageFields& fields);

struct PreKeyMessageFields {
  std::uint32_t registration_id = 0;
  std::optional<std::uint32_t> pre_key_id;
  std::uint32_t signed_pre_key_id = 0;
  PublicKey base_key{};
  PublicKey identity_key{};
  Bytes message;  // a complete SignalMessage
};

Result<PreKeyMessageFields> ParsePreKeySignalMessage(ByteView bytes);
Bytes EncodePreKeySignalMessage(const PreKeyMessageFields& fields);

}  // namespace backchannel::session::internal

#endif  // BACKCHANNEL_SRC_SESSION_WIRE_CODEC_H_
