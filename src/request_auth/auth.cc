// Signed relay requests (see backchannel/relay/auth.h): the one place that
// builds the canonical string, signs it (client) and verifies it (relay).
#include "backchannel/relay/auth.h"

#include <chrono>

#include "backchannel/crypto/ed25519.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::relay {

std::string CanonicalRequest(std::string_view method, std::string_view target,
                             std::string_view timestamp, std::string_view nonce, ByteView body) {
  const crypto::Sha256Digest digest = crypto::Sha256({body});
  std::string s = "BC-REQ-1\n";
  s.append(method).append("\n");
  s.append(target).append("\n");
  s.append(timestamp).append("\n");
  s.append(nonce).append("\n");
  s.append(ToHex(digest));
  return s;
}

bool VerifyRequestSignature(ByteView auth_key, ByteView signature, std::string_view message) {
  return crypto::Ed25519Verify(auth_key, signature, AsBytes(message));
}

Result<RequestSignature> SignRequest(ByteView auth_secret_key, std::string_view method,
                                     std::string_view target, ByteView body, std::string timestamp,
                                     std::string nonce) {
  const std::string canonical = CanonicalRequest(method, target, timestamp, nonce, body);
  BC_ASSIGN_OR_RETURN(crypto::Ed25519Signature sig,
                      crypto::Ed25519Sign(auth_secret_key, AsBytes(canonical)));
  return RequestSignature{std::move(timestamp), std::move(nonce),
                          ToBase64(sig, Base64Variant::kUrlSafeNoPadding)};
}

Result<RequestSignature> SignRequestNow(ByteView auth_secret_key, std::string_view method,
                                        std::string_view target, ByteView body) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::array<std::uint8_t, kRequestNonceSize> nonce{};
  crypto::RandomBytes(nonce);
  return SignRequest(auth_secret_key, method, target, body, std::to_string(now_ms),
                     ToBase64(nonce, Base64Variant::kUrlSafeNoPadding));
}

}  // namespace backchannel::relay
