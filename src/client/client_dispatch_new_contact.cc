// A PreKey message from an identity we do not know: a contact request,
// accepted only with a valid credential from a trusted authority.
#include "client/client_impl.h"

namespace backchannel::client {

Result<std::string> Client::Impl::UniqueName(const std::string& wanted) const {
  std::string base = wanted.empty() ? "contact" : wanted;
  std::string name = base;
  for (int i = 2;; ++i) {
    auto existing = store().GetContact(name);
    if (!existing && existing.error().code() == StatusCode::kNotFound) return name;
    if (!existing) return existing.error();
    name = base + " (" + std::to_string(i) + ")";
  }
}

Result<bool> Client::Impl::AcceptNewContact(const envelope::InnerEnvelope& inner,
                                            const std::string& msg_id, ReceiveReport& report) {
  auto refuse = [&](const Status& s) -> Result<bool> {
    report.refused.push_back(s.WithContext("contact request refused"));
    return true;  // acknowledged: it can never be accepted as it is
  };
  if (inner.content_type != session::CiphertextMessage::Type::kPreKey) {
    return refuse(Status(StatusCode::kUntrusted, "a message from an unknown sender"));
  }
  BC_ASSIGN_OR_RETURN(auto prekeys, store().LoadPreKeys());
  auto accepted = session::Session::Accept(identity.key_pair, identity.registration_id, prekeys,
                                           inner.ciphertext);
  if (!accepted) return refuse(accepted.error());
  const auto remote = accepted->session.remote_identity();
  if (remote != inner.sender_identity) {
    return refuse(Status(StatusCode::kUntrusted, "envelope sender does not match the session"));
  }
  auto payload = DecodePayload(accepted->plaintext);
  if (!payload) return refuse(payload.error());
  const std::optional<Presentation> presented = PresentationOf(*payload);
  if (!presented) {
    BC_ASSIGN_OR_RETURN(bool waiting, HasPendingFrom(remote));
    if (waiting) return KeepBack(remote, nullptr, report);  // after their kept-back hello
    return refuse(Status(StatusCode::kUntrusted, "a new contact must first present a credential"));
  }
  std::string label;
  std::optional<identity::Credential> untrusted_by;
  auto cred = CheckCredential(*presented->credential, remote, {}, &label, &untrusted_by);
  if (!cred && untrusted_by) return KeepBack(remote, &*untrusted_by, report);
  if (!cred) return refuse(cred.error());
  BC_ASSIGN_OR_RETURN(auto earlier, EarlierIdentity(*cred));
  BC_ASSIGN_OR_RETURN(std::string name, UniqueName(cred->display_name));
  Contact contact;
  contact.name = name;
  contact.identity_key = remote;
  contact.address = *presented->reply;
  contact.authority_key = cred->authority_key;
  contact.authority_label = label;
  contact.credential = *presented->credential;
  contact.session = accepted->session.Serialize();
  StoredMessage hello = Line(Direction::kSystem, name + " (" + DescribeCredential(*cred, label) +
                                                     ") opened a channel with you.");
  hello.id = msg_id;
  hello.contact = name;
  std::vector<StoredMessage> lines{hello};
  if (earlier) {
    StoredMessage alert = Line(Direction::kSystem, IdentityChangeAlert(*earlier, name));
    alert.id = msg_id + ":identity-changed";
    alert.contact = name;
    lines.push_back(alert);
  }
  if (!presented->words->empty()) {
    StoredMessage text = Line(Direction::kIn, *presented->words);
    text.id = msg_id + ":text";
    text.contact = name;
    lines.push_back(text);
  }
  // Only the holder of an unused invitation of ours opens a channel; the
  // ticket is marked used in the transaction that adds the contact.
  const auto* hello_payload = std::get_if<Hello>(&*payload);
  const ByteView ticket = hello_payload != nullptr ? ByteView(hello_payload->ticket) : ByteView();
  Status refused_ticket = Status::Ok();
  BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
    refused_ticket = RedeemTicket(ticket, name, remote);
    if (!refused_ticket.ok()) return Status::Ok();
    BC_RETURN_IF_ERROR(store().PutContact(contact));
    if (accepted->consumed_one_time_pre_key) {
      BC_RETURN_IF_ERROR(store().MarkOneTimePreKeyUsed(*accepted->consumed_one_time_pre_key));
    }
    for (const auto& l : lines) BC_RETURN_IF_ERROR(store().AddMessage(l).status());
    return Status::Ok();
  }));
  if (!refused_ticket.ok()) return refuse(refused_ticket);
  for (auto& l : lines) report.stored.push_back(l);
  // Answer with our own credential so they can verify us in turn (queued
  // in this transaction; posted by the flush after it).
  auto own = OwnCredentialBytes();
  if (!own) {
    report.refused.push_back(own.error().WithContext("cannot answer " + name));
    return true;
  }
  Payload answer = Hello{*own, OwnAddress(), "", {}};
  BC_RETURN_IF_ERROR(Enqueue(name, answer, std::nullopt).status());
  return true;
}

}  // namespace backchannel::client
