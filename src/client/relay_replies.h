// Decoders of what a relay says to the client: HTTP reply bodies and the
// frames pushed over the WebSocket (docs/relay-api.md). The relay is not
// trusted: every decoder returns an error value for anything malformed
// (never throws), bounds what it accepts, and checks ids before the client
// puts them in a request path (an id with '/' or CR LF would change the
// request it is sent in).
#ifndef BACKCHANNEL_SRC_CLIENT_RELAY_REPLIES_H_
#define BACKCHANNEL_SRC_CLIENT_RELAY_REPLIES_H_

#include <optional>
#include <string>
#include <string_view>

#include "backchannel/client/relay_client.h"
#include "backchannel/common/result.h"
#include "backchannel/session/prekeys.h"

namespace backchannel::client::internal {

// Ids the relay hands out (messages, mailboxes, tokens) are base64url: at
// most this many characters of [A-Za-z0-9_-].
inline constexpr std::size_t kMaxRelayIdSize = 64;
bool IsRelayId(std::string_view id);

// The Status for a non-2xx reply: the code follows the HTTP status (see
// RelayClient), the message quotes the relay's `error` and `message` fields
// (each cut to 200 bytes).
Status RelayReplyError(unsigned http_status, std::string_view body);

Result<CreatedMailbox> DecodeCreatedMailbox(std::string_view body);
Result<std::string> DecodePostedId(std::string_view body);
Result<MessageBatch> DecodeMessageBatch(std::string_view body);
Result<session::PreKeyBundle> DecodeBundleReply(std::string_view body);
Result<MailboxStatus> DecodeMailboxStatus(std::string_view body);
// Mailbox ids and delivery tokens are typed here: the base64url of exactly
// 16 and 32 bytes, anything else kInvalidMessage.
Result<DeliveryToken> DecodeRotatedToken(std::string_view body);
// {"current": hex, "next": hex (optional)}; the two must differ.
Result<RelayPins> DecodeRelayPins(std::string_view body);
// A pushed frame: an event, nullopt for a frame type this client does not
// know (ignored, for forward compatibility), an error for a malformed one.
Result<std::optional<PushEvent>> DecodePushFrame(std::string_view frame);

}  // namespace backchannel::client::internal

#endif  // BACKCHANNEL_SRC_CLIENT_RELAY_REPLIES_H_
