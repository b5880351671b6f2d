#include "backchannel/identity/trust_store.h"

namespace backchannel::identity {

Status TrustStore::AddAuthority(const AuthorityPublicKey&, std::string) {
  return Internal("not implemented");
}
Status TrustStore::RemoveAuthority(const AuthorityPublicKey&) {
  return Internal("not implemented");
}
const TrustStore::Entry* TrustStore::Find(const AuthorityPublicKey&) const { return nullptr; }
std::vector<TrustStore::Entry> TrustStore::Entries() const { return {}; }
Status TrustStore::UpdateRevocations(const RevocationList&) { return Internal("not implemented"); }
Status VerifyCredential(const Credential&, const TrustStore&, std::int64_t,
                        const session::PublicKey&) {
  return Internal("not implemented");
}

}  // namespace backchannel::identity
