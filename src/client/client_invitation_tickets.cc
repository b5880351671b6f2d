// Single-use invitations: the tickets we handed out and which of them a new
// contact has used (docs/identity.md, "Single use"). Kept as sealed app
// values of the app "invitation", keyed by a hash so the file holds no
// ticket.
#include <string>

#include "backchannel/crypto/primitives.h"
#include "client/client_impl.h"

namespace backchannel::client {
namespace {

constexpr std::string_view kTicketApp = "invitation";
constexpr std::string_view kTicketTag = "backchannel invitation ticket";
constexpr std::string_view kUnused = "unused";
constexpr std::string_view kVia = " via ";  // "unused via NAME": an introduction's ticket
constexpr std::string_view kUsedBy = "used by ";

std::string TicketKey(ByteView ticket) {
  const crypto::Sha256Digest digest = crypto::Sha256({AsBytes(kTicketTag), ticket});
  return ToHex(ByteView(digest).first(16));
}

}  // namespace

Status Client::Impl::IssueTicket(const identity::InvitationTicket& ticket,
                                 const std::string& via) const {
  const std::string value = std::string(kUnused) + (via.empty() ? "" : std::string(kVia) + via);
  return store().PutAppValue(std::string(kTicketApp), TicketKey(ticket), AsBytes(value));
}

Status Client::Impl::RedeemTicket(ByteView ticket, const std::string& name,
                                  const session::PublicKey& who) const {
  if (ticket.size() != identity::kInvitationTicketSize) {
    return Status(StatusCode::kUntrusted,
                  "it answers no invitation of yours (a new contact must accept an invitation "
                  "you made)");
  }
  const std::string key = TicketKey(ticket);
  BC_ASSIGN_OR_RETURN(auto state, store().GetAppValue(std::string(kTicketApp), key));
  if (!state) {
    return Status(StatusCode::kUntrusted,
                  "the invitation it answers is not one you made (or it was made in another home)");
  }
  const std::string value(AsString(*state));
  if (!value.starts_with(kUnused)) {
    const std::string who = value.starts_with(kUsedBy) ? value.substr(kUsedBy.size()) : "someone";
    return Status(StatusCode::kUntrusted, "the invitation it answers was already used by " + who +
                                              "; invitations are single-use: make a new one");
  }
  if (value.size() > kUnused.size()) {
    const std::string via = value.substr(kUnused.size() + kVia.size());
    BC_RETURN_IF_ERROR(MarkIntroduced(who, via));
  }
  return store().PutAppValue(std::string(kTicketApp), key, AsBytes(std::string(kUsedBy) + name));
}

}  // namespace backchannel::client
