// Prekeys (X3DH §2.2 and §3.2): a signed prekey, signed by the identity key,
// one-time prekeys, and the bundle a party publishes so others can start a
// session with it while it is offline.
//
// PreKeyBundle has a versioned binary encoding (a protobuf message, see
// docs/wire.md) for transport through the relay; DecodePreKeyBundle rejects
// anything malformed without touching state.
#ifndef BACKCHANNEL_SESSION_PREKEYS_H_
#define BACKCHANNEL_SESSION_PREKEYS_H_

#include <cstdint>
#include <optional>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/xeddsa.h"
#include "backchannel/session/keys.h"

namespace backchannel::session {

struct SignedPreKey {
  std::uint32_t id = 0;
  KeyPair key_pair;
  crypto::XEdDSASignature signature{};  // over SerializePublicKey(key_pair.public_key)
};

struct OneTimePreKey {
  std::uint32_t id = 0;
  KeyPair key_pair;
};

// A signed prekey with id `id`, signed by `identity` (X3DH §3.2).
SignedPreKey GenerateSignedPreKey(const IdentityKeyPair& identity, std::uint32_t id);
OneTimePreKey GenerateOneTimePreKey(std::uint32_t id);

struct PreKeyBundle {
  std::uint32_t registration_id = 0;
  std::uint32_t device_id = 1;
  std::optional<std::uint32_t> one_time_pre_key_id;
  PublicKey one_time_pre_key{};  // meaningful only with an id
  std::uint32_t signed_pre_key_id = 0;
  PublicKey signed_pre_key{};
  crypto::XEdDSASignature signed_pre_key_signature{};
  PublicKey identity_key{};
};

Bytes EncodePreKeyBundle(const PreKeyBundle& bundle);
// kInvalidMessage (malformed), kUnsupportedVersion (a format we do not read).
Result<PreKeyBundle> DecodePreKeyBundle(ByteView bytes);

// Where a responder finds its own prekeys. Lookups only: the caller deletes a
// one-time prekey once the session it started is safely stored.
class PreKeyStore {
 public:
  PreKeyStore() = default;
  virtual ~PreKeyStore() = default;
  PreKeyStore(const PreKeyStore&) = default;
  PreKeyStore& operator=(const PreKeyStore&) = default;
  PreKeyStore(PreKeyStore&&) = default;
  PreKeyStore& operator=(PreKeyStore&&) = default;
  virtual const SignedPreKey* FindSignedPreKey(std::uint32_t id) const = 0;
  virtual const OneTimePreKey* FindOneTimePreKey(std::uint32_t id) const = 0;
};

}  // namespace backchannel::session

#endif  // BACKCHANNEL_SESSION_PREKEYS_H_
