// Helpers for relay tests: a mailbox owner's Ed25519 key that signs requests
// the way docs/relay-api.md says, and JSON/b64u shorthands.
#ifndef BACKCHANNEL_TESTS_RELAY_SERVER_RELAY_TEST_UTIL_H_
#define BACKCHANNEL_TESTS_RELAY_SERVER_RELAY_TEST_UTIL_H_

#include <sodium.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "backchannel/common/encoding.h"
#include "backchannel/relay/auth.h"

namespace backchannel::relay::testing {

inline std::string B64u(ByteView b) { return ToBase64(b, Base64Variant::kUrlSafeNoPadding); }
inline Bytes FromB64u(std::string_view s) {
  auto r = FromBase64(s, Base64Variant::kUrlSafeNoPadding);
  return r.ok() ? *r : Bytes{};
}

using Headers = std::vector<std::pair<std::string, std::string>>;

class OwnerKey {
 public:
  OwnerKey() {
    if (sodium_init() < 0) std::abort();
    crypto_sign_keypair(pk_.data(), sk_.data());
  }
  std::string PublicB64u() const { return B64u(pk_); }

  // The three signed-request headers for this request at `now_ms`, with a
  // fresh random nonce unless `nonce` is given.
  Headers Sign(std::string_view method, std::string_view target, std::string_view body,
               std::int64_t now_ms, std::string nonce = "") const {
    if (nonce.empty()) {
      std::array<std::uint8_t, 16> n{};
      randombytes_buf(n.data(), n.size());
      nonce = B64u(n);
    }
    const std::string ts = std::to_string(now_ms);
    const std::string msg = CanonicalRequest(method, target, ts, nonce, AsBytes(body));
    std::array<std::uint8_t, crypto_sign_BYTES> sig{};
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const std::uint8_t*>(msg.data()),
                         msg.size(), sk_.data());
    return {{std::string(kTimestampHeader), ts},
            {std::string(kNonceHeader), nonce},
            {std::string(kSignatureHeader), B64u(sig)}};
  }

 private:
  std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk_{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk_{};
};

// A 33-byte one-time prekey for tests (0x05 then 32 bytes of `fill`).
inline std::string OneTimeKeyB64u(std::uint8_t fill) {
  Bytes k(33, fill);
  k[0] = 0x05;
  return B64u(k);
}

}  // namespace backchannel::relay::testing

#endif  // BACKCHANNEL_TESTS_RELAY_SERVER_RELAY_TEST_UTIL_H_
