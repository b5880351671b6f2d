// Invitation codes: what two people hand over in person to open a channel.
//
// An invitation carries the relay (address and TLS certificate pin), the
// inviter's mailbox and delivery token (enough to fetch a prekey bundle and
// post the first message), the inviter's identity key, and the inviter's
// authority key with a label, so the accepting side can pin that authority,
// and a single-use ticket: 16 random bytes the accepting side returns in its
// hello. The inviter keeps the tickets it handed out and opens a channel for
// each one once (client.h, MakeInvitation), so a code copied from a screen or
// a chat log after it was used opens nothing.
//
// Text form: "bc1-" + base64url (no padding) of the versioned binary encoding
// followed by the first 4 bytes of its SHA-256 (FIPS 180-4), which catches
// typos. The encoding is in docs/identity.md. RenderQr draws any text as a QR
// code (libqrencode) with Unicode half blocks for a terminal.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_IDENTITY_INVITATION_H_
#define BACKCHANNEL_IDENTITY_INVITATION_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/certificate_pin.h"
#include "backchannel/envelope/envelope.h"
#include "backchannel/identity/credential.h"
#include "backchannel/session/keys.h"

namespace backchannel::identity {

// 2 added the ticket; codes of version 1 are refused as from an older
// backchannel (ask for a new one). 3 carries a second certificate pin (a
// relay's pin rollover, docs/relay.md) and is written only when there is
// one, so codes from a relay without a rollover stay version 2, byte for
// byte, and older clients read them.
inline constexpr std::uint8_t kInvitationVersion = 2;
inline constexpr std::uint8_t kInvitationVersionTwoPins = 3;
inline constexpr std::size_t kInvitationTicketSize = 16;
inline constexpr std::string_view kInvitationPrefix = "bc1-";
inline constexpr std::size_t kMaxRelayAddressSize = 255;
inline constexpr std::size_t kMaxLabelSize = 128;

using backchannel::CertificatePin;  // SHA-256 of the DER cert (crypto/certificate_pin.h)
using InvitationTicket = std::array<std::uint8_t, kInvitationTicketSize>;

struct Invitation {
  std::string relay_address;  // "host:port", 1..255 bytes
  CertificatePin relay_certificate_sha256{};
  // The relay's announced next certificate, during a pin rollover: the
  // accepting side accepts either. Never equal to the first.
  std::optional<CertificatePin> relay_next_certificate_sha256;
  envelope::ReplyAddress inviter_address;  // mailbox id + delivery token
  session::PublicKey inviter_identity{};   // travels as 33 bytes
  AuthorityPublicKey authority_key{};
  std::string authority_label;  // 1..128 bytes UTF-8
  std::string display_name;     // 1..128 bytes UTF-8
  InvitationTicket ticket{};    // random, single-use (see above)

  bool operator==(const Invitation&) const = default;
};

// The binary encoding (without checksum); kInvalidArgument for bad fields.
Result<Bytes> EncodeInvitation(const Invitation& invitation);
// Strict decoder: kInvalidMessage when malformed, kUnsupportedVersion for
// another version.
Result<Invitation> DecodeInvitation(ByteView bytes);

// "bc1-..." text.
Result<std::string> InvitationToText(const Invitation& invitation);
// Parses a code; spaces and line breaks are ignored.
//   kInvalidArgument    "not an invitation code" (no bc<N>- prefix) or
//                       "invitation code is damaged" (bad base64 or checksum)
//   kUnsupportedVersion a bc<N>- prefix other than bc1-, or an encoding
//                       version other than 2 and 3
//   kInvalidMessage     a checksum-valid code whose content is malformed
Result<Invitation> InvitationFromText(std::string_view text);

// `text` as a QR code (error correction M, 8-bit mode) for a terminal: light
// modules are drawn (so it reads on a dark background), two module rows per
// line with "▀", "▄", "█" and " ", with a 2-module quiet zone. Every line has
// the same width, W = modules + 4 characters, and there are ceil(W / 2) lines,
// each ending in "\n". kInvalidArgument when the text does not fit a QR code.
Result<std::string> RenderQr(std::string_view text);

}  // namespace backchannel::identity

#endif  // BACKCHANNEL_IDENTITY_INVITATION_H_
