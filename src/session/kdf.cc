#include "session/kdf.h"

#include <cstring>

namespace backchannel::session::internal {
namespace {

constexpr std::uint8_t kMessageKeySeed[1] = {0x01};
constexpr std::uint8_t kChainKeySeed[1] = {0x02};
constexpr std::uint8_t kZeroSalt[32] = {};

RootAndChain Split64(const SecretArray<64>& okm) {
  RootAndChain out;
  out.root_key.Assign(okm.view().first(32));
  out.chain_key.Assign(okm.view().subspan(32, 32));
  return out;
}

}  // namespace

RootAndChain DeriveInitialKeys(ByteView dh_concatenation) {
  SecretArray<64> okm;
  crypto::HkdfSha256(dh_concatenation, kZeroSalt, AsBytes("WhisperText"), okm.mutable_view());
  return Split64(okm);
}

RootAndChain KdfRootKey(const Key32& root_key, const crypto::SharedSecret& dh_output) {
  SecretArray<64> okm;
  crypto::HkdfSha256(dh_output.view(), root_key.view(), AsBytes("WhisperRatchet"),
                     okm.mutable_view());
  return Split64(okm);
}

Key32 MessageKeySeed(const Key32& chain_key) {
  auto d = crypto::HmacSha256(chain_key.view(), kMessageKeySeed);
  Key32 out(d);
  SecureWipe(d.data(), d.size());
  return out;
}

Key32 NextChainKey(const Key32& chain_key) {
  auto d = crypto::HmacSha256(chain_key.view(), kChainKeySeed);
  Key32 out(d);
  SecureWipe(d.data(), d.size());
  return out;
}

MessageKeys DeriveMessageKeys(const Key32& seed) {
  SecretArray<80> okm;
  crypto::HkdfSha256(seed.view(), kZeroSalt, AsBytes("WhisperMessageKeys"), okm.mutable_view());
  MessageKeys keys;
  keys.cipher_key.Assign(okm.view().first(32));
  keys.mac_key.Assign(okm.view().subspan(32, 32));
  keys.iv.Assign(okm.view().subspan(64, 16));
  return keys;
}

}  // namespace backchannel::session::internal
