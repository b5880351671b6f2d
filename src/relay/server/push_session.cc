#include "backchannel/relay/push_session.h"

#include "backchannel/relay/router.h"

namespace backchannel::relay {

std::vector<std::string> PushSession::ListPage(const std::vector<StoredMessage>& page) {
  more_queued_ = page.size() >= kPage;
  std::vector<std::string> out;
  for (const StoredMessage& m : page) {
    if (auto frame = Offer(m)) out.push_back(std::move(*frame));
  }
  return out;
}

std::optional<std::string> PushSession::Offer(const StoredMessage& message) {
  if (acked_.count(message.id) != 0) return std::nullopt;
  if (!pushed_.insert(message.id).second) return std::nullopt;
  return EncodeWsMessage(message);
}

std::optional<std::string> PushSession::PreKeysLow(std::size_t remaining) const {
  if (remaining >= prekeys_low_below_) return std::nullopt;
  return EncodeWsPreKeysLow(remaining);
}

PushSession::ClientFrame PushSession::Read(std::string_view text) {
  ClientFrame out;
  auto msg = DecodeWsClientMessage(text);
  if (!msg.ok()) {
    out.reply =
        R"({"type":"error","error":"bad_request","message":"expected {\"type\":\"ack\",\"id\":...}"})";
    return out;
  }
  out.ack = msg->id;
  return out;
}

bool PushSession::Acked(const MessageId& id, const Status& result) {
  // kNotFound: acked already (on another connection, or by DELETE).
  if (result.ok() || result.code() == StatusCode::kNotFound) {
    pushed_.erase(id);
    RememberAcked(id);
  }
  return pushed_.empty() && more_queued_;
}

void PushSession::RememberAcked(const MessageId& id) {
  if (!acked_.insert(id).second) return;
  acked_order_.push_back(id);
  if (acked_order_.size() > kRecentAcks) {
    acked_.erase(acked_order_.front());
    acked_order_.pop_front();
  }
}

}  // namespace backchannel::relay
