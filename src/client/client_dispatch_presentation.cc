// A hello or a reset payload: the contact presents its credential (checked
// against the trusted authorities and their scopes) and its address.
#include "backchannel/crypto/secret_bytes.h"
#include "client/client_impl.h"

namespace backchannel::client {

Result<bool> Client::Impl::DispatchPresentation(Incoming& in, const Payload& payload,
                                                ReceiveReport& report) {
  Contact& contact = in.contact;
  const Presentation presented = *PresentationOf(payload);
  std::string label;
  std::optional<identity::Credential> untrusted_by;
  auto cred = CheckCredential(*presented.credential, contact.identity_key, contact.authority_key,
                              &label, &untrusted_by);
  if (!cred && untrusted_by && contact.credential.empty()) {
    return KeepBack(contact.identity_key, &*untrusted_by, report);
  }
  if (!cred) return Refuse(contact, cred.error(), report);
  const bool first = contact.credential.empty();
  const bool moved = !(contact.address == *presented.reply);
  // Only their relay's pins changed (its certificate rollover): the same
  // mailbox, so their invitations still work.
  const bool new_certificate =
      moved && contact.address.relay == presented.reply->relay &&
      contact.address.mailbox == presented.reply->mailbox &&
      ConstantTimeEqual(contact.address.delivery_token, presented.reply->delivery_token);
  const bool same_credential = PublicEqual(contact.credential, *presented.credential);
  contact.credential = *presented.credential;
  contact.authority_label = label;
  if (!contact.authority_key) contact.authority_key = cred->authority_key;
  contact.address = *presented.reply;
  std::vector<StoredMessage> lines;
  if (std::holds_alternative<client::Reset>(payload)) {
    lines.push_back(
        LineFrom(in, Direction::kSystem,
                 contact.name + " started a new session" +
                     (presented.words->empty() ? std::string(".") : " (" + *presented.words + ")."),
                 in.msg_id));
    return Commit(in, lines, report);
  }
  std::string line;
  if (first) {
    line = contact.name + " presented a credential: " + DescribeCredential(*cred, label) + ".";
  } else if (same_credential && new_certificate) {
    line = contact.name + "'s relay announced a new certificate; their address follows it.";
  } else if (same_credential && moved) {
    line = contact.name + " gave you a new address (their old invitations no longer work).";
  } else {
    line = contact.name + " presented their credential again.";
  }
  lines.push_back(LineFrom(in, Direction::kSystem, line, in.msg_id));
  if (first) {
    BC_ASSIGN_OR_RETURN(auto earlier, EarlierIdentity(*cred));
    if (earlier) {
      lines.push_back(LineFrom(in, Direction::kSystem, IdentityChangeAlert(*earlier, contact.name),
                               in.msg_id + ":identity-changed"));
    }
  }
  if (!presented.words->empty()) {
    lines.push_back(LineFrom(in, Direction::kIn, *presented.words, in.msg_id + ":text"));
  }
  return Commit(in, lines, report);
}

}  // namespace backchannel::client
