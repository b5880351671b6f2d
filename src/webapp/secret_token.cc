// Random tokens and their comparison (secret_token.h).
#include "backchannel/webapp/secret_token.h"

#include <array>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/crypto/secret_bytes.h"

namespace backchannel::webapp {

std::string NewToken() {
  std::array<std::uint8_t, kTokenBytes> raw{};
  crypto::RandomBytes(raw);
  std::string text = ToBase64(raw, Base64Variant::kUrlSafeNoPadding);
  SecureWipe(raw.data(), raw.size());
  return text;
}

std::string NewInstanceId() {
  std::array<std::uint8_t, 8> raw{};
  crypto::RandomBytes(raw);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

bool SameToken(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return ConstantTimeEqual(AsBytes(a), AsBytes(b));
}

void WipeToken(std::string& token) {
  SecureWipe(token.data(), token.size());
  token.clear();
}

}  // namespace backchannel::webapp
