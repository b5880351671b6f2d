// Invitation codes (docs/identity.md, "Invitation codes").
#include "backchannel/identity/invitation.h"

#include <cctype>

#include "backchannel/common/byte_io.h"
#include "backchannel/common/encoding.h"
#include "backchannel/common/utf8.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::identity {
namespace {

constexpr std::size_t kChecksumSize = 4;

Status CheckField(std::string_view what, const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max || !IsCleanUtf8(s)) {
    return InvalidArgument(std::string(what) + " must be 1 to " + std::to_string(max) +
                           " bytes of UTF-8 without control characters");
  }
  return Status::Ok();
}

Status CheckInvitation(const Invitation& inv) {
  BC_RETURN_IF_ERROR(CheckField("relay address", inv.relay_address, kMaxRelayAddressSize));
  const auto colon = inv.relay_address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == inv.relay_address.size()) {
    return InvalidArgument("relay address must be host:port");
  }
  for (char c : std::string_view{inv.relay_address}.substr(colon + 1)) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return InvalidArgument("relay address must be host:port");
    }
  }
  if (inv.relay_next_certificate_sha256 &&
      *inv.relay_next_certificate_sha256 == inv.relay_certificate_sha256) {
    return InvalidArgument("the relay's two certificate pins are the same");
  }
  BC_RETURN_IF_ERROR(CheckField("authority label", inv.authority_label, kMaxLabelSize));
  BC_RETURN_IF_ERROR(CheckField("display name", inv.display_name, kMaxDisplayNameSize));
  return Status::Ok();
}

std::array<std::uint8_t, kChecksumSize> Checksum(ByteView body) {
  const crypto::Sha256Digest digest = crypto::Sha256({body});
  return {digest[0], digest[1], digest[2], digest[3]};
}

Status Damaged() { return InvalidArgument("invitation code is damaged (check for typos)"); }

}  // namespace

Result<Bytes> EncodeInvitation(const Invitation& inv) {
  BC_RETURN_IF_ERROR(CheckInvitation(inv));
  ByteWriter w;
  w.U8(inv.relay_next_certificate_sha256 ? kInvitationVersionTwoPins : kInvitationVersion);
  w.String16(inv.relay_address);
  w.Raw(inv.relay_certificate_sha256);
  if (inv.relay_next_certificate_sha256) w.Raw(*inv.relay_next_certificate_sha256);
  w.Raw(inv.inviter_address.mailbox);
  w.Raw(inv.inviter_address.delivery_token);
  w.Raw(session::SerializePublicKey(inv.inviter_identity));
  w.Raw(inv.authority_key);
  w.String16(inv.authority_label);
  w.String16(inv.display_name);
  w.Raw(inv.ticket);
  return w.Take();
}

Result<Invitation> DecodeInvitation(ByteView bytes) {
  ByteReader r(bytes);
  std::uint8_t version = 0;
  if (!r.U8(version)) return InvalidMessage("invitation is empty");
  if (version == 1) {
    return Status(StatusCode::kUnsupportedVersion,
                  "this invitation was made by an older version of backchannel; ask for a new one");
  }
  if (version != kInvitationVersion && version != kInvitationVersionTwoPins) {
    return Status(StatusCode::kUnsupportedVersion,
                  "invitation version " + std::to_string(version) +
                      " is not supported by this version of backchannel");
  }
  Invitation inv;
  ByteView identity;
  CertificatePin next_pin;
  if (!r.String16(inv.relay_address) || !r.Array(inv.relay_certificate_sha256) ||
      (version == kInvitationVersionTwoPins && !r.Array(next_pin)) ||
      !r.Array(inv.inviter_address.mailbox) || !r.Array(inv.inviter_address.delivery_token) ||
      !r.Raw(session::kSerializedPublicKeySize, identity) || !r.Array(inv.authority_key) ||
      !r.String16(inv.authority_label) || !r.String16(inv.display_name) || !r.Array(inv.ticket) ||
      !r.done()) {
    return InvalidMessage("invitation is malformed");
  }
  auto key = session::ParsePublicKey(identity);
  if (!key) return InvalidMessage("invitation identity key is not a Curve25519 public key");
  inv.inviter_identity = *key;
  if (version == kInvitationVersionTwoPins) inv.relay_next_certificate_sha256 = next_pin;
  if (Status s = CheckInvitation(inv); !s.ok()) {
    return InvalidMessage("invitation is malformed: " + std::string(s.message()));
  }
  return inv;
}

Result<std::string> InvitationToText(const Invitation& invitation) {
  BC_ASSIGN_OR_RETURN(Bytes body, EncodeInvitation(invitation));
  Append(body, Checksum(body));
  return std::string(kInvitationPrefix) + ToBase64(body, Base64Variant::kUrlSafeNoPadding);
}

Result<Invitation> InvitationFromText(std::string_view text) {
  std::string code;
  code.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') code.push_back(c);
  }
  if (!code.starts_with(kInvitationPrefix)) {
    // "bc<digits>-": a code from another version of backchannel.
    std::size_t i = 2;
    while (i < code.size() && std::isdigit(static_cast<unsigned char>(code[i])) != 0) ++i;
    if (code.starts_with("bc") && i > 2 && i < code.size() && code[i] == '-') {
      return Status(StatusCode::kUnsupportedVersion,
                    "invitation code version '" + code.substr(0, i) +
                        "' is not supported by this version of backchannel");
    }
    return InvalidArgument("not an invitation code (it should start with \"bc1-\")");
  }
  auto bytes = FromBase64(std::string_view{code}.substr(kInvitationPrefix.size()),
                          Base64Variant::kUrlSafeNoPadding);
  if (!bytes || bytes->size() <= kChecksumSize) return Damaged();
  const ByteView all(*bytes);
  const ByteView body = all.first(all.size() - kChecksumSize);
  if (!PublicEqual(Checksum(body), all.last(kChecksumSize))) return Damaged();
  return DecodeInvitation(body);
}

}  // namespace backchannel::identity
