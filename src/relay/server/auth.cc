#include "backchannel/relay/auth.h"

#include <sodium.h>

#include "backchannel/common/encoding.h"

namespace backchannel::relay {

std::string CanonicalRequest(std::string_view method, std::string_view target,
                             std::string_view timestamp, std::string_view nonce, ByteView body) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), body.data(), body.size());
  std::string s = "BC-REQ-1\n";
  s.append(method).append("\n");
  s.append(target).append("\n");
  s.append(timestamp).append("\n");
  s.append(nonce).append("\n");
  s.append(ToHex(digest));
  return s;
}

bool VerifyRequestSignature(ByteView auth_key, ByteView signature, std::string_view message) {
  if (auth_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  const ByteView m = AsBytes(message);
  return crypto_sign_verify_detached(signature.data(), m.data(), m.size(), auth_key.data()) == 0;
}

}  // namespace backchannel::relay
