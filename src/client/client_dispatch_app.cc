// An app payload: handed to the app's handler inside the receive
// transaction, in a nested one of its own (client.h, "App messages").
#include "client/client_impl.h"

namespace backchannel::client {

Status Client::Impl::RunHandler(const AppMessage& m) {
  auto it = handlers.find(m.app);
  if (it == handlers.end()) {
    return Status(StatusCode::kNotFound, "no handler for app messages '" + m.app + "'");
  }
  const AppHandler handler = it->second;  // the handler may replace itself
  in_handler = true;
  Status s = store().Transaction([&]() -> Status {
    try {
      return handler(m);
    } catch (const std::exception& e) {
      return Internal(std::string("the app handler threw: ") + e.what());
    } catch (...) {
      return Internal("the app handler threw");
    }
  });
  in_handler = false;
  return s;
}

Result<bool> Client::Impl::DispatchApp(const Incoming& in, App& payload, ReceiveReport& report) {
  const Contact& contact = in.contact;
  const std::optional<std::uint32_t>& consumed = in.consumed;
  const std::string& msg_id = in.msg_id;
  if (contact.credential.empty()) {
    return Refuse(
        contact,
        Status(StatusCode::kUntrusted, contact.name + " has not presented a credential yet"),
        report);
  }
  AppMessage m;
  m.contact = contact.name;
  m.sender_identity = contact.identity_key;
  m.app = payload.app;
  m.body = std::move(payload.body);
  m.message_id = msg_id;
  m.time_ms = NowMs();
  Status verdict;
  std::optional<StoredMessage> line;
  BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
    line.reset();
    BC_RETURN_IF_ERROR(store().PutContact(contact));
    if (consumed) BC_RETURN_IF_ERROR(store().MarkOneTimePreKeyUsed(*consumed));
    verdict = RunHandler(m);
    // A store failure inside the handler is a store failure: nothing
    // commits and the message stays queued at the relay.
    if (verdict.code() == StatusCode::kIoError) return verdict;
    if (verdict.ok()) return store().MarkSeen(contact.name, msg_id).status();
    line = Line(Direction::kSystem, "refused " + m.app + " message from " + contact.name + ": " +
                                        std::string(verdict.message()));
    line->id = msg_id;
    line->contact = contact.name;
    return store().AddMessage(*line).status();
  }));
  if (verdict.ok()) {
    ++report.app_messages;
  } else {
    report.stored.push_back(*line);
    report.refused.push_back(
        verdict.WithContext(m.app + " message from " + contact.name + " refused"));
  }
  return true;
}

}  // namespace backchannel::client
