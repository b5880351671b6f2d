#include "backchannel/app/channel_input.h"

#include "backchannel/identity/credential.h"
#include "backchannel/identity/invitation.h"

namespace backchannel::app {

Status CheckCredentialText(std::string_view text) {
  return identity::CredentialFromText(text).status();
}

Status CheckRevocationListText(std::string_view text) {
  return identity::RevocationListFromText(text).status();
}

Status CheckInvitationCode(std::string_view code) {
  return identity::InvitationFromText(code).status();
}

Status CheckRoleName(std::string_view role) {
  return identity::ParseRole(std::string(role)).status();
}

std::string FormatUtcTime(std::int64_t unix_seconds) {
  return identity::FormatUnixTime(unix_seconds);
}

Result<std::string> TerminalQr(std::string_view text) { return identity::RenderQr(text); }

Result<ReceiveView> TrustAuthority(Channel& channel, const identity::AuthorityPublicKey& key,
                                   const std::string& label, const std::vector<std::string>& sides,
                                   const std::vector<std::string>& roles) {
  client::TrustScope scope;
  scope.sides = sides;
  for (const auto& r : roles) {
    BC_ASSIGN_OR_RETURN(auto role, identity::ParseRole(r));
    scope.roles.push_back(role);
  }
  return channel.Trust(key, label, scope);
}

}  // namespace backchannel::app
