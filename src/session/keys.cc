#include "backchannel/session/keys.h"

#include <algorithm>

namespace backchannel::session {

SerializedPublicKey SerializePublicKey(const PublicKey& key) {
  SerializedPublicKey out{};
  out[0] = kDjbKeyType;
  std::copy(key.begin(), key.end(), out.begin() + 1);
  return out;
}

Result<PublicKey> ParsePublicKey(ByteView bytes) {
  if (bytes.size() != kSerializedPublicKeySize) {
    return InvalidMessage("public key is " + std::to_string(bytes.size()) + " bytes, not 33");
  }
  if (bytes[0] != kDjbKeyType) return InvalidMessage("public key has an unknown type byte");
  // The size was checked above, so the rest is exactly one key.
  return *PublicKey::FromView(bytes.subspan(1));
}

IdentityKeyPair GenerateIdentityKeyPair() { return crypto::GenerateX25519KeyPair(); }

std::uint32_t GenerateRegistrationId() {
  // libsignal-protocol-c: random & 0x3FFF, then + 1 (in 1..16380 for its "extended" range).
  return (crypto::RandomUint32() % 16380) + 1;
}

}  // namespace backchannel::session
