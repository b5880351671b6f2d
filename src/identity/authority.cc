#include "backchannel/identity/authority.h"

namespace backchannel::identity {

Authority::Authority(std::string side, SecretArray<32> seed, SecretArray<64> secret_key,
                     const AuthorityPublicKey& public_key)
    : side_(std::move(side)),
      seed_(std::move(seed)),
      secret_key_(std::move(secret_key)),
      public_key_(public_key) {}
Result<Authority> Authority::Generate(std::string) { return Internal("not implemented"); }
Result<Authority> Authority::FromSeed(std::string, ByteView) { return Internal("not implemented"); }
Result<Credential> Authority::Issue(const CredentialRequest&) const {
  return Internal("not implemented");
}
Result<RevocationList> Authority::Revoke(std::int64_t, std::uint64_t,
                                         std::vector<std::uint64_t>) const {
  return Internal("not implemented");
}
Result<Signature> Authority::Sign(ByteView) const { return Internal("not implemented"); }
Result<Bytes> EncryptAuthorityKey(const Authority&, ByteView, KdfStrength) {
  return Internal("not implemented");
}
Result<Authority> DecryptAuthorityKey(ByteView, ByteView) { return Internal("not implemented"); }
Result<AuthorityKeyInfo> ReadAuthorityKeyInfo(ByteView) { return Internal("not implemented"); }

}  // namespace backchannel::identity
