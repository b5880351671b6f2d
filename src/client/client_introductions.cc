// Channels opened on a host's introduction (docs/talks.md, "Introductions"):
// the invitation an introduced member hands out through the host, the
// checks before opening a channel on one, and the mark "introduced by"
// that introduced contacts carry until their safety number is compared.
#include <string>

#include "backchannel/crypto/secret_bytes.h"
#include "client/client_impl.h"

namespace backchannel::client {
namespace {

// The mark is keyed by the identity key: a new key is a new stranger.
std::string IntroducedKey(const session::PublicKey& who) { return "introduced/" + IdHex(who); }

}  // namespace

Status Client::Impl::MarkIntroduced(const session::PublicKey& who, const std::string& via) const {
  return store().PutAppValue(std::string(kClientApp), IntroducedKey(who), AsBytes(via));
}

Status Client::Impl::FillIntroducedBy(std::vector<Contact>& contacts) const {
  for (auto& c : contacts) {
    BC_ASSIGN_OR_RETURN(
        auto via, store().GetAppValue(std::string(kClientApp), IntroducedKey(c.identity_key)));
    c.introduced_by = via ? std::string(AsString(*via)) : std::string();
  }
  return Status::Ok();
}

Result<identity::Invitation> Client::MakeIntroductionInvitation(const std::string& introducer) {
  if (introducer.empty()) return InvalidArgument("an introduction names its introducer");
  identity::Invitation inv;
  BC_RETURN_IF_ERROR(store_->Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(inv, MakeInvitation());
    return impl_->IssueTicket(inv.ticket, introducer);  // replaces the plain "unused"
  }));
  return inv;
}

bool Client::InvitationAddressCurrent(const identity::Invitation& invitation) const {
  return invitation.inviter_address.mailbox == impl_->relay.mailbox &&
         ConstantTimeEqual(invitation.inviter_address.delivery_token, impl_->relay.delivery_token);
}

Result<Client::Introduced> Client::AcceptIntroduction(const identity::Invitation& inv,
                                                      ByteView credential,
                                                      const std::string& introducer) {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("accepting an introduction"));
  BC_ASSIGN_OR_RETURN(Bytes own, impl_->OwnCredentialBytes());
  if (inv.inviter_identity == impl_->identity.key_pair.public_key) {
    return InvalidArgument("an introduction to yourself");
  }
  BC_ASSIGN_OR_RETURN(auto existing, store_->FindContactByIdentity(inv.inviter_identity));
  if (existing) return Introduced{existing->name, false};
  // What the introducer cannot vouch for: the credential is checked against
  // our own trust and scopes, for the invitation's identity, from the
  // authority the invitation names (so a host cannot pair one person's
  // credential with another's keys).
  std::string label;
  std::optional<identity::Credential> untrusted_by;
  auto cred = impl_->CheckCredential(credential, inv.inviter_identity, inv.authority_key, &label,
                                     &untrusted_by);
  if (!cred && untrusted_by) {
    return Status(StatusCode::kUntrusted,
                  "its authority (" + untrusted_by->side + ") is not one you trust; if you " +
                      "trust it for this, run `" +
                      TrustAdvice(untrusted_by->authority_key, untrusted_by->side,
                                  std::string(identity::RoleName(untrusted_by->role))) +
                      "`, then sync again");
  }
  if (!cred) return cred.error();
  BC_ASSIGN_OR_RETURN(std::string name, impl_->UniqueName(cred->display_name));
  Contact contact;
  contact.name = name;
  contact.identity_key = inv.inviter_identity;
  contact.address = {inv.relay_address, inv.relay_certificate_sha256, inv.inviter_address.mailbox,
                     inv.inviter_address.delivery_token, inv.relay_next_certificate_sha256};
  contact.authority_key = cred->authority_key;
  contact.authority_label = label;
  contact.credential = ToBytes(credential);  // checked above, by us
  BC_ASSIGN_OR_RETURN(auto session, impl_->NewSession(contact));
  contact.session = session.Serialize();
  StoredMessage line = impl_->Line(
      Direction::kSystem, introducer + " introduced " + name + " (" +
                              impl_->DescribeCredential(*cred, label) +
                              "); you opened a channel. Credential checked, not compared in "
                              "person (`backchannel fingerprint` to compare).");
  line.id = Impl::LocalId();
  line.contact = name;
  Payload hello = Hello{own, impl_->OwnAddress(), "", ToBytes(inv.ticket)};
  std::string hello_id;
  BC_RETURN_IF_ERROR(store_->Transaction([&]() -> Status {
    BC_RETURN_IF_ERROR(store_->PutContact(contact));
    BC_RETURN_IF_ERROR(impl_->MarkIntroduced(contact.identity_key, introducer));
    BC_RETURN_IF_ERROR(store_->AddMessage(line).status());
    BC_ASSIGN_OR_RETURN(hello_id, impl_->Enqueue(contact.name, hello, std::nullopt));
    return Status::Ok();
  }));
  BC_RETURN_IF_ERROR(impl_->DeliverOrRefusal(contact.name, hello_id));
  return Introduced{name, true};
}

}  // namespace backchannel::client
