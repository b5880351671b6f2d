// The fixed inputs behind the golden vectors in tests/golden/data/: the
// generator (generate_golden.cc) fed them to the code of commit 372df10 once,
// and golden_test.cc checks that today's code still opens, verifies and (where
// the API is deterministic) reproduces those committed bytes. Changing a value
// here breaks the test: the data files were made from these exact values.
#ifndef BACKCHANNEL_TESTS_GOLDEN_GOLDEN_INPUTS_H_
#define BACKCHANNEL_TESTS_GOLDEN_GOLDEN_INPUTS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::golden {

// Store and authority key file passphrase (the files use libsodium's
// INTERACTIVE Argon2id cost, the cheapest the public API offers).
inline constexpr std::string_view kPassphrase = "golden passphrase v1";

// 32 bytes tag, tag+1, ..., tag+31: distinct fixed seeds and keys per use.
inline std::array<std::uint8_t, 32> Pattern32(std::uint8_t tag) {
  std::array<std::uint8_t, 32> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(tag + i);
  return out;
}
inline Bytes Pattern(std::uint8_t tag, std::size_t n) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(tag + i);
  return out;
}
inline crypto::X25519KeyPair KeyPair(std::uint8_t tag) {
  return crypto::X25519KeyPairFromPrivate(Pattern32(tag));
}

// ---- the schema-3 client store ----
// The mailbox ids and tokens are stored as base64url text. The first fixture
// held 12- and 14-byte ids and 12- and 13-byte tokens, sizes no relay assigns and which the
// typed client (MailboxId, 16 bytes; DeliveryToken, 32) refuses as corrupt;
// the fixture was regenerated with these real-sized values by the schema-3
// code of commit 1a8181e (README.md, "Regenerated").
inline constexpr std::uint8_t kIdentityTag = 1;
inline constexpr std::uint32_t kRegistrationId = 4242;
inline constexpr std::string_view kOwnCredential = "golden own credential";
inline constexpr std::uint32_t kSignedPreKeyId = 7;
inline constexpr std::uint8_t kSignedPreKeyTag = 2;
inline constexpr std::uint8_t kSignedPreKeySignatureByte = 0x5a;
inline constexpr std::int64_t kSignedPreKeyCreatedMs = 1'700'000'000'000;
inline constexpr std::uint8_t kOneTimeTagBase = 10;  // one-time prekey i: tag 10 + i
inline constexpr std::uint32_t kOneTimeCount = 3;
inline constexpr std::uint32_t kUsedOneTimeId = 2;
inline constexpr std::string_view kRelayAddress = "relay.example:8443";
inline constexpr std::string_view kRelayPin =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
inline constexpr std::string_view kMailbox = "bWFpbGJveC1nb2xkZW4tMQ";
inline constexpr std::uint8_t kMailboxAuthKeyTag = 3;  // 64 bytes
inline constexpr std::string_view kDeliveryToken = "dG9rZW4tZ29sZGVuLWRlbGl2ZXJ5LXRva2VuLTAwMzI";
inline constexpr std::uint8_t kTrustedAuthorityTag = 4;
inline constexpr std::string_view kTrustedAuthorityLabel = "Ministry";
inline constexpr std::string_view kTrustedRevocations = "golden revocations";
inline constexpr std::string_view kContactName = "iran";
inline constexpr std::uint8_t kContactIdentityTag = 5;
inline constexpr std::string_view kContactMailbox = "Y29udGFjdC1tYm94LTAxNg";
inline constexpr std::string_view kContactToken = "Y29udGFjdC10b2tlbi1nb2xkZW4tMzItYnl0ZXMtMDA";
inline constexpr std::string_view kContactCredential = "golden contact credential";
inline constexpr std::uint8_t kContactSessionTag = 6;  // 40 bytes
inline constexpr std::int64_t kContactCreatedMs = 1'700'000'000'500;
inline constexpr std::string_view kMessageId = "bXNnLTE";
inline constexpr std::int64_t kMessageTimeMs = 1'700'000'001'000;
inline constexpr std::string_view kMessageBody = "the first golden message";
inline constexpr std::string_view kApp = "talks";
inline constexpr std::string_view kAppKey = "state/1";
inline constexpr std::string_view kAppValue = "golden app value";
inline constexpr std::string_view kAppLog = "record";
inline constexpr std::string_view kAppLogEntry1 = "golden log entry 1";
inline constexpr std::string_view kAppLogEntry2 = "golden log entry 2";
inline constexpr std::string_view kSettingKey = "default_contact";
inline constexpr std::string_view kSettingValue = "iran";

// ---- the authority, its key file, a credential and a revocation list ----
inline constexpr std::string_view kSide = "Iran";
inline constexpr std::uint8_t kAuthoritySeedTag = 0x20;
inline constexpr std::uint8_t kCredentialIdentityTag = 0x30;
inline constexpr std::string_view kCredentialName = "Golden Envoy";
inline constexpr std::int64_t kNotBefore = 1'700'000'000;
inline constexpr std::int64_t kExpiry = 1'800'000'000;
inline constexpr std::uint64_t kSerial = 17;
inline constexpr std::int64_t kRevocationIssuedAt = 1'750'000'000;
inline constexpr std::uint64_t kRevocationSequence = 3;
inline constexpr std::array<std::uint64_t, 3> kRevokedSerials = {4, 9, 17};

// ---- an invitation ----
inline constexpr std::string_view kInvitationRelay = "relay.example:8443";
inline constexpr std::uint8_t kInvitationPinTag = 0x40;
inline constexpr std::uint8_t kInvitationMailboxTag = 0x50;  // 16 bytes
inline constexpr std::uint8_t kInvitationTokenTag = 0x60;
inline constexpr std::uint8_t kInvitationIdentityTag = 0x70;
inline constexpr std::uint8_t kInvitationTicketTag = 0x71;  // 16 bytes (version 2)
inline constexpr std::string_view kInvitationLabel = "Foreign Ministry";
inline constexpr std::string_view kInvitationName = "Golden Inviter";

// ---- a sealed-sender envelope ----
inline constexpr std::uint8_t kRecipientTag = 0x80;
inline constexpr std::uint8_t kSenderTag = 0x90;
inline constexpr std::uint8_t kReplyMailboxTag = 0xa0;  // 16 bytes
inline constexpr std::uint8_t kReplyTokenTag = 0xb0;
inline constexpr std::uint8_t kMessageIdTag = 0xc0;           // 16 bytes
inline constexpr std::uint8_t kEnvelopeCiphertextTag = 0xd0;  // 300 bytes
inline constexpr std::size_t kEnvelopeCiphertextSize = 300;

// ---- a signed relay request ----
inline constexpr std::uint8_t kRequestKeySeedTag = 0xe0;
inline constexpr std::string_view kRequestMethod = "POST";
inline constexpr std::string_view kRequestTarget = "/v1/mailboxes/bWFpbGJveC1nb2xkZW4/prekeys?x=1";
inline constexpr std::string_view kRequestTimestamp = "1700000002000";
inline constexpr std::string_view kRequestNonce = "bm9uY2UtZ29sZGVuLTE";
inline constexpr std::string_view kRequestBody = R"({"one_time":[]})";

}  // namespace backchannel::golden

#endif  // BACKCHANNEL_TESTS_GOLDEN_GOLDEN_INPUTS_H_
