// Identity keys and the wire form of Curve25519 public keys.
//
// Signal serializes a Curve25519 public key as a type byte (0x05, "DJB") and
// the 32-byte u-coordinate; identity keys, ratchet keys and base keys all
// travel that way. Identity keys are X25519 key pairs that also sign, with
// XEdDSA (backchannel/crypto/xeddsa.h), as Signal does.
#ifndef BACKCHANNEL_SESSION_KEYS_H_
#define BACKCHANNEL_SESSION_KEYS_H_

#include <array>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::session {

using PublicKey = crypto::X25519PublicKey;
using KeyPair = crypto::X25519KeyPair;
using IdentityKeyPair = crypto::X25519KeyPair;

inline constexpr std::uint8_t kDjbKeyType = 0x05;
inline constexpr std::size_t kSerializedPublicKeySize = 33;
using SerializedPublicKey = std::array<std::uint8_t, kSerializedPublicKeySize>;

SerializedPublicKey SerializePublicKey(const PublicKey& key);
// kInvalidMessage unless `bytes` is 0x05 followed by exactly 32 bytes.
Result<PublicKey> ParsePublicKey(ByteView bytes);

// A fresh identity key pair.
IdentityKeyPair GenerateIdentityKeyPair();
// A registration id in [1, 16380], as libsignal-protocol-c generates them.
std::uint32_t GenerateRegistrationId();

}  // namespace backchannel::session

#endif  // BACKCHANNEL_SESSION_KEYS_H_
