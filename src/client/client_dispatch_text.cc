// A text payload from a contact: one incoming line.
#include "client/client_impl.h"

namespace backchannel::client {

Result<bool> Client::Impl::DispatchText(Incoming& in, const Text& text, ReceiveReport& report) {
  if (in.contact.credential.empty()) {
    return Refuse(
        in.contact,
        Status(StatusCode::kUntrusted, in.contact.name + " has not presented a credential yet"),
        report);
  }
  std::vector<StoredMessage> lines{LineFrom(in, Direction::kIn, text.text, in.msg_id)};
  return Commit(in, lines, report);
}

}  // namespace backchannel::client
