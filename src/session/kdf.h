// The key derivations of the Double Ratchet and X3DH, with the inputs that
// libsignal-protocol-c uses (docs/protocol.md):
//
//   X3DH  SK          = HKDF(0xFF*32 || DH1 || DH2 || DH3 [|| DH4],
//                            salt 0*32, "WhisperText") -> root key || chain key
//   KDF_RK(rk, dh)    = HKDF(dh, salt rk, "WhisperRatchet")  -> root key || chain key
//   KDF_CK(ck)        = seed HMAC(ck, 0x01), next chain key HMAC(ck, 0x02)
//   message keys      = HKDF(seed, salt 0*32, "WhisperMessageKeys")
//                       -> cipher key(32) || MAC key(32) || IV(16)
#ifndef BACKCHANNEL_SRC_SESSION_KDF_H_
#define BACKCHANNEL_SRC_SESSION_KDF_H_

#include "backchannel/common/secret_bytes.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::session::internal {

using Key32 = SecretArray<32>;

struct RootAndChain {
  Key32 root_key;
  Key32 chain_key;
};

struct MessageKeys {
  Key32 cipher_key;
  Key32 mac_key;
  SecretArray<16> iv;
};

// X3DH §3.3/§3.4: the session secret from the concatenated DH outputs.
RootAndChain DeriveInitialKeys(ByteView dh_concatenation);
// Double Ratchet §5.2 KDF_RK.
RootAndChain KdfRootKey(const Key32& root_key, const crypto::SharedSecret& dh_output);
// Double Ratchet §5.2 KDF_CK.
Key32 MessageKeySeed(const Key32& chain_key);
Key32 NextChainKey(const Key32& chain_key);
MessageKeys DeriveMessageKeys(const Key32& seed);

}  // namespace backchannel::session::internal

#endif  // BACKCHANNEL_SRC_SESSION_KDF_H_
