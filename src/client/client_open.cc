// An arriving envelope: opened (sealed sender), then, for a known contact,
// decrypted (client_decrypt.cc) and dispatched by payload kind
// (client_dispatch_*.cc), all in one store write transaction.
#include <exception>
#include <string>

#include "client/client_impl.h"

namespace backchannel::client {

Result<bool> Client::Impl::Undecryptable(const Contact& contact, const Status& why,
                                         ReceiveReport& report) {
  ++report.undecryptable;
  report.refused.push_back(
      why.WithContext("a message from " + contact.name + " could not be decrypted"));
  const std::int64_t now = NowMs();
  const std::string key = UndecryptableNoticeKey(contact.name);
  BC_ASSIGN_OR_RETURN(auto stored, store().GetAppValue(std::string(kClientApp), key));
  std::optional<std::string> last;
  if (stored) last = std::string(AsString(*stored));
  const std::int64_t interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(kUndecryptableNoticeInterval).count();
  if (last) {
    std::int64_t last_ms = 0;
    try {
      last_ms = std::stoll(*last);
    } catch (const std::exception&) {
      last_ms = 0;
    }
    if (now >= last_ms && now - last_ms < interval) return true;
  }
  StoredMessage line =
      Line(Direction::kSystem,
           "A message from " + contact.name + " could not be decrypted (" +
               std::string(StatusCodeName(why.code())) + ") and was dropped. If " + contact.name +
               " lost or restored their store, either of you can start a new session "
               "(`backchannel reset " +
               contact.name + "`).");
  line.id = LocalId();
  line.contact = contact.name;
  BC_RETURN_IF_ERROR(store().AddMessage(line).status());
  BC_RETURN_IF_ERROR(
      store().PutAppValue(std::string(kClientApp), key, AsBytes(std::to_string(now))));
  report.stored.push_back(line);
  return true;
}

Result<bool> Client::Impl::ProcessOne(const RelayMessage& rm, ReceiveReport& report) {
  return ProcessSealed(rm.envelope, "envelope refused", report);
}

Result<bool> Client::Impl::ProcessSealed(const Bytes& sealed, const char* refused_as,
                                         ReceiveReport& report,
                                         const std::function<Status()>& first) {
  bool ack = true;
  ReceiveReport one;
  arriving = &sealed;
  Status done = store().Transaction([&]() -> Status {
    one = ReceiveReport{};
    ack = true;
    if (first) BC_RETURN_IF_ERROR(first());
    auto inner = envelope::Open(sealed, identity.key_pair);
    if (!inner) {
      one.refused.push_back(inner.error().WithContext(refused_as));
      return Status::Ok();
    }
    BC_ASSIGN_OR_RETURN(ack, ProcessOpened(*inner, one));
    return Status::Ok();
  });
  arriving = nullptr;
  BC_RETURN_IF_ERROR(done);
  Merge(report, std::move(one));
  return ack;
}

Result<bool> Client::Impl::ProcessOpened(const envelope::InnerEnvelope& inner,
                                         ReceiveReport& report) {
  const std::string msg_id = ToBase64(inner.message_id, kB64u);
  BC_ASSIGN_OR_RETURN(auto found, store().FindContactByIdentity(inner.sender_identity));
  if (!found) return AcceptNewContact(inner, msg_id, report);
  Contact contact = std::move(*found);
  BC_ASSIGN_OR_RETURN(bool seen, store().SeenMessage(contact.name, msg_id));
  if (seen) {
    ++report.duplicates;
    return true;
  }
  BC_ASSIGN_OR_RETURN(Decrypted d, Decrypt(contact, inner));
  if (!d.plain) return Undecryptable(contact, d.plain.error(), report);
  if (d.session->remote_identity() != inner.sender_identity) {
    return Refuse(contact,
                  Status(StatusCode::kUntrusted, "envelope sender does not match the session"),
                  report);
  }
  auto payload = DecodePayload(*d.plain);
  if (!payload) return Refuse(contact, payload.error(), report);
  if (!PresentationOf(*payload) && contact.credential.empty()) {
    BC_ASSIGN_OR_RETURN(bool waiting, HasPendingFrom(contact.identity_key));
    if (waiting) return KeepBack(contact.identity_key, nullptr, report);
  }
  contact.session = d.session->Serialize();
  Incoming in{std::move(contact), d.consumed, msg_id};
  if (auto* app = std::get_if<App>(&*payload)) return DispatchApp(in, *app, report);
  if (const auto* text = std::get_if<Text>(&*payload)) return DispatchText(in, *text, report);
  return DispatchPresentation(in, *payload, report);
}

Result<bool> Client::Impl::Refuse(const Contact& contact, const Status& s, ReceiveReport& report) {
  report.refused.push_back(s.WithContext("message from " + contact.name + " refused"));
  return true;
}

Result<bool> Client::Impl::Commit(const Incoming& in, std::vector<StoredMessage>& lines,
                                  ReceiveReport& report) {
  BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
    BC_RETURN_IF_ERROR(store().PutContact(in.contact));
    if (in.consumed) BC_RETURN_IF_ERROR(store().MarkOneTimePreKeyUsed(*in.consumed));
    for (const auto& l : lines) BC_RETURN_IF_ERROR(store().AddMessage(l).status());
    return Status::Ok();
  }));
  for (auto& l : lines) report.stored.push_back(std::move(l));
  return true;
}

}  // namespace backchannel::client
