#include "backchannel/identity/credential.h"

namespace backchannel::identity {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kEnvoy:
      return "envoy";
    case Role::kPrincipal:
      return "principal";
    case Role::kMediator:
      return "mediator";
  }
  return "unknown";
}
Result<Role> ParseRole(std::string_view) { return Internal("not implemented"); }
bool RevocationList::IsRevoked(std::uint64_t) const { return false; }
Result<Bytes> CredentialSigningInput(const Credential&) { return Internal("not implemented"); }
Result<Bytes> RevocationListSigningInput(const RevocationList&) {
  return Internal("not implemented");
}
Result<Bytes> EncodeCredential(const Credential&) { return Internal("not implemented"); }
Result<Credential> DecodeCredential(ByteView) { return Internal("not implemented"); }
Result<Bytes> EncodeRevocationList(const RevocationList&) { return Internal("not implemented"); }
Result<RevocationList> DecodeRevocationList(ByteView) { return Internal("not implemented"); }
Result<std::string> CredentialToText(const Credential&) { return Internal("not implemented"); }
Result<Credential> CredentialFromText(std::string_view) { return Internal("not implemented"); }
Result<std::string> RevocationListToText(const RevocationList&) {
  return Internal("not implemented");
}
Result<RevocationList> RevocationListFromText(std::string_view) {
  return Internal("not implemented");
}
Status VerifyCredentialSignature(const Credential&) { return Internal("not implemented"); }
Status VerifyRevocationListSignature(const RevocationList&) { return Internal("not implemented"); }
std::string FormatUnixTime(std::int64_t) { return "not implemented"; }

}  // namespace backchannel::identity
