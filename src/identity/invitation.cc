#include "backchannel/identity/invitation.h"

namespace backchannel::identity {

Result<Bytes> EncodeInvitation(const Invitation&) { return Internal("not implemented"); }
Result<Invitation> DecodeInvitation(ByteView) { return Internal("not implemented"); }
Result<std::string> InvitationToText(const Invitation&) { return Internal("not implemented"); }
Result<Invitation> InvitationFromText(std::string_view) { return Internal("not implemented"); }

}  // namespace backchannel::identity
