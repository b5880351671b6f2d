// Sending: encrypt with the stored session and, in one store write
// transaction, save the advanced session, record the line and put the sealed
// envelope in the outbox; then flush the outbox in order per contact
// (client.h, "Sending"). Resets start a new session the same way.
#include "client/client_impl.h"

namespace backchannel::client {

Result<std::string> Client::Impl::Enqueue(const std::string& contact_name, const Payload& payload,
                                          std::optional<StoredMessage> line,
                                          std::optional<session::Session> fresh) {
  std::string id;
  BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(auto contact, store().GetContact(contact_name));
    std::optional<session::Session> session = std::move(fresh);
    if (!session) {
      if (contact.session.empty()) return FailedPrecondition("no session with " + contact_name);
      BC_ASSIGN_OR_RETURN(auto loaded, session::Session::Deserialize(contact.session.view()));
      session.emplace(std::move(loaded));
    }
    BC_ASSIGN_OR_RETURN(auto ct, session->Encrypt(EncodePayload(payload)));
    envelope::InnerEnvelope inner;
    inner.sender_identity = identity.key_pair.public_key;
    inner.reply_to.mailbox = relay.mailbox;
    inner.reply_to.delivery_token = relay.delivery_token;
    inner.content_type = ct.type;
    inner.ciphertext = std::move(ct.bytes);
    inner.message_id = envelope::NewClientMessageId();
    BC_ASSIGN_OR_RETURN(Bytes sealed, envelope::Seal(inner, contact.identity_key));
    id = ToBase64(inner.message_id, kB64u);
    BC_RETURN_IF_ERROR(store().SaveSession(contact.name, session->Serialize()));
    if (line) {
      line->id = id;
      line->contact = contact.name;
      line->delivery = Delivery::kQueued;
      BC_RETURN_IF_ERROR(store().AddMessage(*line).status());
    }
    OutboxEntry entry;
    entry.contact = contact.name;
    entry.message_id = id;
    entry.envelope = std::move(sealed);
    entry.created_ms = NowMs();
    return store().AddOutbox(entry).status();
  }));
  return id;
}

Result<FlushReport> Client::Impl::Flush(std::map<std::string, Status>* why) {
  FlushReport report;
  BC_ASSIGN_OR_RETURN(auto entries, store().ListOutbox());
  std::map<std::string, Status> blocked;  // by contact
  std::map<std::string, Status> down;     // by relay address
  for (const auto& e : entries) {
    if (blocked.contains(e.contact)) {
      ++report.queued;
      continue;
    }
    BC_ASSIGN_OR_RETURN(auto contact, store().GetContact(e.contact));
    Result<std::string> posted = Status(StatusCode::kUnavailable, "");
    if (auto d = down.find(contact.address.relay); d != down.end()) {
      posted = d->second;
    } else {
      posted =
          To(contact.address)
              .PostMessage(contact.address.mailbox, contact.address.delivery_token, e.envelope);
    }
    if (posted) {
      BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
        // Another process on this home may have posted (and removed) it
        // meanwhile: the recipient drops the second copy by its id.
        Status removed = store().RemoveOutbox(e.seq);
        if (!removed.ok() && removed.code() != StatusCode::kNotFound) return removed;
        Status d = store().SetDelivery(e.contact, e.message_id, Delivery::kSent);
        return d.code() == StatusCode::kNotFound ? Status::Ok() : d;  // app payloads: no line
      }));
      ++report.sent;
      continue;
    }
    const Status failed = posted.error().WithContext("sending to " + e.contact);
    if (failed.code() == StatusCode::kUnavailable) down[contact.address.relay] = posted.error();
    blocked[e.contact] = failed;
    ++report.queued;
    BC_RETURN_IF_ERROR(store().NoteOutboxFailure(e.seq, std::string(failed.message())));
    if (!Passing(failed.code())) report.errors.push_back(failed);
  }
  if (why) *why = std::move(blocked);
  return report;
}

Status Client::Impl::DeliverOrRefusal(const std::string& contact, const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto outcome, Deliver(contact, id));
  return outcome.refused ? outcome.reason : Status::Ok();
}

Result<SendOutcome> Client::Impl::Deliver(const std::string& contact, const std::string& id) {
  std::map<std::string, Status> why;
  BC_ASSIGN_OR_RETURN(auto flushed, Flush(&why));
  (void)flushed;
  BC_ASSIGN_OR_RETURN(auto waiting, store().ListOutbox(contact));
  SendOutcome out;
  out.message_id = id;
  for (const auto& e : waiting) {
    if (e.message_id == id) out.queued = true;
  }
  if (!out.queued) return out;
  auto it = why.find(contact);
  out.reason = it != why.end() ? it->second
                               : Status(StatusCode::kUnavailable,
                                        "waiting behind earlier messages to " + contact);
  out.refused = !Passing(out.reason.code());
  return out;
}

Result<session::Session> Client::Impl::NewSession(const Contact& contact) const {
  BC_ASSIGN_OR_RETURN(
      auto bundle,
      To(contact.address).FetchBundle(contact.address.mailbox, contact.address.delivery_token));
  if (bundle.identity_key != contact.identity_key) {
    return Status(StatusCode::kUntrusted,
                  "the relay's prekey bundle for " + contact.name +
                      " carries another identity key; refusing to start a session");
  }
  return session::Session::Initiate(identity.key_pair, identity.registration_id, bundle);
}

Status Client::Impl::Reset(Contact& contact, const std::string& reason) {
  BC_ASSIGN_OR_RETURN(Bytes cred, OwnCredentialBytes());
  BC_ASSIGN_OR_RETURN(auto session, NewSession(contact));
  Payload p = client::Reset{cred, OwnAddress(), reason};
  StoredMessage line = Line(
      Direction::kSystem, "You started a new session with " + contact.name + " (" + reason + ").");
  BC_ASSIGN_OR_RETURN(std::string id, Enqueue(contact.name, p, std::nullopt, std::move(session)));
  line.id = LocalId();
  line.contact = contact.name;
  BC_RETURN_IF_ERROR(store().AddMessage(line).status());
  return DeliverOrRefusal(contact.name, id);
}

}  // namespace backchannel::client
