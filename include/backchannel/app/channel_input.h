// What a face checks in the text it was given before it opens the home (so
// that bad text asks for no passphrase and changes nothing), and the
// channel values it shows in words: the CLI's `credential import`, `trust
// add|revocations`, `accept` and `invite`.
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_APP_CHANNEL_INPUT_H_
#define BACKCHANNEL_APP_CHANNEL_INPUT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/app/channel.h"
#include "backchannel/common/result.h"

namespace backchannel::app {

// The identity layer's parse errors of each text form.
Status CheckCredentialText(std::string_view text);
Status CheckRevocationListText(std::string_view text);
Status CheckInvitationCode(std::string_view code);
// kInvalidArgument unless one of envoy, principal, mediator, track2.
Status CheckRoleName(std::string_view role);

// A time as credentials show it, e.g. "2027-03-01 12:00 UTC".
std::string FormatUtcTime(std::int64_t unix_seconds);
// `text` as a QR code of half-block characters for a terminal.
Result<std::string> TerminalQr(std::string_view text);

// Trusts `key` for `sides` and `roles` (each checked by CheckRoleName) under
// `label`, then receives what waited for it (Channel::Trust).
Result<ReceiveView> TrustAuthority(Channel& channel, const identity::AuthorityPublicKey& key,
                                   const std::string& label, const std::vector<std::string>& sides,
                                   const std::vector<std::string>& roles);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_CHANNEL_INPUT_H_
