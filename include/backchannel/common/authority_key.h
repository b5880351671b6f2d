// An authority's public key, defined once here so the layers that only carry
// it (the talks core's coalition binding, the client's trust store) need not
// depend on identity, which signs and verifies with it.
//
// AuthorityPublicKey: the Ed25519 public key (RFC 8032, 32 bytes) of a side's
// authority (identity/authority.h). Public, so it has == and a hash. Its own
// type, so an identity key (a Curve25519 key of the same size) cannot be
// passed where it is meant; a raw array becomes one only explicitly, where it
// is decoded or generated. identity/credential.h checks the size against
// crypto's Ed25519 public key size.
#ifndef BACKCHANNEL_COMMON_AUTHORITY_KEY_H_
#define BACKCHANNEL_COMMON_AUTHORITY_KEY_H_

#include "backchannel/common/fixed_bytes.h"

namespace backchannel {

struct AuthorityPublicKeyTag {
  static constexpr bool kSecret = false;
};
using AuthorityPublicKey = FixedBytes<32, AuthorityPublicKeyTag>;

}  // namespace backchannel

#endif  // BACKCHANNEL_COMMON_AUTHORITY_KEY_H_
