// Every decoder of relay replies (src/client/relay_replies.h) on the same
// bytes: none throws or crashes; any id that decodes is a relay id (it is
// put in request paths); mailbox ids and tokens decode only as typed values
// of their exact size, so the type itself is the check.
#include <cstdlib>
#include <string_view>

#include "client/relay_replies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel::client::internal;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto check = [](const std::string& id) {
    if (!IsRelayId(id)) std::abort();
  };
  if (auto f = DecodePushFrame(text);
      f && f->has_value() && (*f)->kind == backchannel::client::PushEvent::Kind::kMessage) {
    check((*f)->message.id);
  }
  if (auto b = DecodeMessageBatch(text)) {
    for (const auto& m : b->messages) check(m.id);
  }
  (void)DecodeCreatedMailbox(text);
  if (auto id = DecodePostedId(text)) check(*id);
  (void)DecodeRotatedToken(text);
  (void)DecodeBundleReply(text);
  (void)DecodeMailboxStatus(text);
  if (auto p = DecodeRelayPins(text); p && p->next && *p->next == p->current) std::abort();
  (void)RelayReplyError(400, text);
  return 0;
}
