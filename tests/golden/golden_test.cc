// Golden vectors: bytes written by the code before the crypto seam
// (generate_golden.cc, run once) must still open, verify and, where the API
// is deterministic, be reproduced byte for byte. The data files are read as
// committed, never regenerated here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

#include "backchannel/client/local_store.h"
#include "backchannel/client/relay_client.h"
#include "backchannel/common/encoding.h"
#include "backchannel/crypto/ed25519.h"
#include "backchannel/envelope/envelope.h"
#include "backchannel/identity/authority.h"
#include "backchannel/identity/credential.h"
#include "backchannel/identity/invitation.h"
#include "backchannel/relay/auth.h"
#include "client/temp_dir.h"
#include "golden/golden_inputs.h"
#include "testing/mailbox_ids.h"
#include "testing/raw_sqlite.h"
#include "testing/status_matchers.h"

namespace backchannel::golden {
namespace {

using ::backchannel::testing::B64u;
using ::backchannel::testing::RawSchemaVersion;
using ::backchannel::testing::StatusIs;

const std::filesystem::path kData = BC_GOLDEN_DATA_DIR;

Bytes ReadData(const std::string& name) {
  std::ifstream f(kData / name, std::ios::binary);
  EXPECT_TRUE(f.good()) << "missing golden file " << (kData / name);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// A one-line text vector without its final newline.
std::string ReadText(const std::string& name) {
  const Bytes b = ReadData(name);
  std::string s(AsString(b));
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// key=value lines.
std::map<std::string, std::string> ReadFields(const std::string& name) {
  const Bytes b = ReadData(name);
  std::istringstream in{std::string(AsString(b))};
  std::map<std::string, std::string> out;
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

identity::Authority GoldenAuthority() {
  return *identity::Authority::FromSeed(std::string(kSide), Pattern32(kAuthoritySeedTag));
}

SecretBytes Pass() { return SecretBytes(AsBytes(kPassphrase)); }

// A private copy of the fixture: opening a WAL store writes next to it.
std::string CopyStore(const client::testing::TempDir& dir) {
  const std::string path = dir.File("store.db");
  std::filesystem::copy_file(kData / "store_schema3.db", path);
  return path;
}

// Every row the generator wrote, read back through the store's API.
void ExpectGoldenRows(client::LocalStore& store) {
  auto id = store.GetIdentity();
  ASSERT_OK(id);
  EXPECT_TRUE(id->key_pair.private_key.Equals(KeyPair(kIdentityTag).private_key));
  EXPECT_EQ(id->key_pair.public_key, KeyPair(kIdentityTag).public_key);
  EXPECT_EQ(id->registration_id, kRegistrationId);
  EXPECT_EQ(AsString(id->credential), kOwnCredential);

  auto spks = store.ListSignedPreKeys();
  ASSERT_OK(spks);
  ASSERT_EQ(spks->size(), 1u);
  EXPECT_EQ((*spks)[0].id, kSignedPreKeyId);
  EXPECT_EQ((*spks)[0].created_ms, kSignedPreKeyCreatedMs);
  EXPECT_EQ((*spks)[0].retired_ms, 0);
  EXPECT_FALSE((*spks)[0].wiped);

  auto prekeys = store.LoadPreKeys();
  ASSERT_OK(prekeys);
  const session::SignedPreKey* spk = prekeys->FindSignedPreKey(kSignedPreKeyId);
  ASSERT_NE(spk, nullptr);
  EXPECT_TRUE(spk->key_pair.private_key.Equals(KeyPair(kSignedPreKeyTag).private_key));
  EXPECT_EQ(spk->key_pair.public_key, KeyPair(kSignedPreKeyTag).public_key);
  for (std::uint8_t b : spk->signature) EXPECT_EQ(b, kSignedPreKeySignatureByte);
  for (std::uint32_t i = 1; i <= kOneTimeCount; ++i) {
    const session::OneTimePreKey* otk = prekeys->FindOneTimePreKey(i);
    if (i == kUsedOneTimeId) {
      EXPECT_EQ(otk, nullptr) << "one-time prekey " << i << " was used";
      continue;
    }
    ASSERT_NE(otk, nullptr) << i;
    const auto expected = KeyPair(static_cast<std::uint8_t>(kOneTimeTagBase + i));
    EXPECT_TRUE(otk->key_pair.private_key.Equals(expected.private_key)) << i;
    EXPECT_EQ(otk->key_pair.public_key, expected.public_key) << i;
  }

  auto relay = store.GetRelayConfig();
  ASSERT_OK(relay);
  EXPECT_EQ(relay->address, kRelayAddress);
  EXPECT_EQ(ToHex(relay->pin), kRelayPin);
  EXPECT_EQ(B64u(relay->mailbox), kMailbox);
  EXPECT_TRUE(relay->auth_key.Equals(SecretBytes(Pattern(kMailboxAuthKeyTag, 64))));
  EXPECT_EQ(B64u(relay->delivery_token), kDeliveryToken);

  auto authorities = store.ListAuthorities();
  ASSERT_OK(authorities);
  ASSERT_EQ(authorities->size(), 1u);
  EXPECT_EQ((*authorities)[0].key, AuthorityPublicKey(Pattern32(kTrustedAuthorityTag)));
  EXPECT_EQ((*authorities)[0].label, kTrustedAuthorityLabel);
  EXPECT_EQ(AsString((*authorities)[0].revocations), kTrustedRevocations);

  auto contact = store.GetContact(std::string(kContactName));
  ASSERT_OK(contact);
  EXPECT_EQ(contact->identity_key, KeyPair(kContactIdentityTag).public_key);
  EXPECT_EQ(contact->address.relay, kRelayAddress);
  EXPECT_EQ(ToHex(contact->address.pin), kRelayPin);
  EXPECT_EQ(B64u(contact->address.mailbox), kContactMailbox);
  EXPECT_EQ(B64u(contact->address.delivery_token), kContactToken);
  EXPECT_EQ(contact->authority_key, AuthorityPublicKey(Pattern32(kTrustedAuthorityTag)));
  EXPECT_EQ(contact->authority_label, kTrustedAuthorityLabel);
  EXPECT_EQ(AsString(contact->credential), kContactCredential);
  EXPECT_TRUE(contact->session.Equals(SecretBytes(Pattern(kContactSessionTag, 40))));
  EXPECT_EQ(contact->created_ms, kContactCreatedMs);

  auto messages = store.ListMessages(std::string(kContactName));
  ASSERT_OK(messages);
  ASSERT_GE(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].id, kMessageId);
  EXPECT_EQ((*messages)[0].direction, client::Direction::kIn);
  EXPECT_EQ((*messages)[0].time_ms, kMessageTimeMs);
  EXPECT_EQ((*messages)[0].body, kMessageBody);
  auto seen = store.SeenMessage(std::string(kContactName), std::string(kMessageId));
  ASSERT_OK(seen);
  EXPECT_TRUE(*seen);

  auto value = store.GetAppValue(std::string(kApp), std::string(kAppKey));
  ASSERT_OK(value);
  ASSERT_TRUE(value->has_value());
  EXPECT_EQ(AsString(**value), kAppValue);
  auto log = store.ListAppLog(std::string(kApp), std::string(kAppLog));
  ASSERT_OK(log);
  ASSERT_GE(log->size(), 2u);
  EXPECT_EQ((*log)[0].seq, 1);
  EXPECT_EQ(AsString((*log)[0].entry), kAppLogEntry1);
  EXPECT_EQ((*log)[1].seq, 2);
  EXPECT_EQ(AsString((*log)[1].entry), kAppLogEntry2);

  auto setting = store.GetSetting(std::string(kSettingKey));
  ASSERT_OK(setting);
  EXPECT_EQ(setting->value_or(""), kSettingValue);
}

TEST(GoldenStoreTest, Schema3FixtureOpensAndEveryRowReadsBack) {
  client::testing::TempDir dir;
  const std::string path = CopyStore(dir);
  ASSERT_EQ(RawSchemaVersion(path), 3);
  auto store = client::LocalStore::Open(path, Pass());
  ASSERT_OK(store);
  ExpectGoldenRows(**store);
}

TEST(GoldenStoreTest, Schema3FixtureRefusesAWrongPassphraseAndStaysUnchanged) {
  client::testing::TempDir dir;
  const std::string path = CopyStore(dir);
  const Bytes before = ReadData("store_schema3.db");
  EXPECT_THAT(client::LocalStore::Open(path, SecretBytes(AsBytes("not the passphrase"))),
              StatusIs(StatusCode::kPermissionDenied));
  std::ifstream f(path, std::ios::binary);
  const Bytes after{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  EXPECT_EQ(after, before);
}

// The upgrade path: today's code opens the schema-3 file read-write, brings it
// to the current schema (4: the outbox, delivery states, authority scopes,
// kept-back requests; 5: sealed rows and table digests), writes new encrypted rows next to the old
// ones, and both read back after a reopen. The authority trusted at schema 3 has no scope: it stays
// unscoped (accredits anything) until trusted again.
TEST(GoldenStoreTest, Schema3FixtureUpgradesInPlaceAndTakesNewRows) {
  client::testing::TempDir dir;
  const std::string path = CopyStore(dir);
  {
    auto store = client::LocalStore::Open(path, Pass());
    ASSERT_OK(store);
    auto added = (*store)->AddMessage({0, "bXNnLTI", std::string(kContactName),
                                       client::Direction::kOut, kMessageTimeMs + 1, "a reply"});
    ASSERT_OK(added);
    EXPECT_TRUE(*added);
    auto seq = (*store)->AppendAppLog(std::string(kApp), std::string(kAppLog), AsBytes("entry 3"));
    ASSERT_OK(seq);
    EXPECT_EQ(*seq, 3);
    ASSERT_OK((*store)->SaveSession(std::string(kContactName), SecretBytes(Pattern(0x11, 24))));
  }
  EXPECT_EQ(RawSchemaVersion(path), 6);
  auto store = client::LocalStore::Open(path, Pass());
  ASSERT_OK(store);
  auto authorities = (*store)->ListAuthorities();
  ASSERT_OK(authorities);
  ASSERT_FALSE(authorities->empty());
  for (const auto& a : *authorities) EXPECT_FALSE(a.scoped) << a.label;
  auto outbox = (*store)->ListOutbox();
  ASSERT_OK(outbox);
  EXPECT_TRUE(outbox->empty());
  ASSERT_OK(
      (*store)->AddOutbox({0, std::string(kContactName), "bXNnLTM", ToBytes("sealed"), 1, 0, ""}));
  auto messages = (*store)->ListMessages(std::string(kContactName));
  ASSERT_OK(messages);
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[1].body, "a reply");
  EXPECT_EQ((*messages)[0].delivery, client::Delivery::kNone) << "from before schema 4";
  auto log = (*store)->ListAppLog(std::string(kApp), std::string(kAppLog));
  ASSERT_OK(log);
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ(AsString((*log)[2].entry), "entry 3");
  auto contact = (*store)->GetContact(std::string(kContactName));
  ASSERT_OK(contact);
  EXPECT_TRUE(contact->session.Equals(SecretBytes(Pattern(0x11, 24))));
  auto id = (*store)->GetIdentity();
  ASSERT_OK(id);
  EXPECT_TRUE(id->key_pair.private_key.Equals(KeyPair(kIdentityTag).private_key));
}

TEST(GoldenIdentityTest, AuthorityKeyFileOpensWithItsPassphrase) {
  const Bytes file = ReadData("authority_key.bcak");
  const identity::Authority expected = GoldenAuthority();
  auto opened = identity::DecryptAuthorityKey(file, AsBytes(kPassphrase));
  ASSERT_OK(opened);
  EXPECT_EQ(opened->side(), kSide);
  EXPECT_EQ(opened->public_key(), expected.public_key());
  EXPECT_TRUE(opened->seed().Equals(expected.seed()));
  auto info = identity::ReadAuthorityKeyInfo(file);
  ASSERT_OK(info);
  EXPECT_EQ(info->side, kSide);
  EXPECT_EQ(info->public_key, expected.public_key());
  EXPECT_THAT(identity::DecryptAuthorityKey(file, AsBytes("wrong")),
              StatusIs(StatusCode::kPermissionDenied));
}

identity::Credential ExpectedCredential() {
  identity::CredentialRequest req;
  req.identity_key = KeyPair(kCredentialIdentityTag).public_key;
  req.role = identity::Role::kEnvoy;
  req.display_name = kCredentialName;
  req.not_before = kNotBefore;
  req.expiry = kExpiry;
  req.serial = kSerial;
  return *GoldenAuthority().Issue(req);
}

TEST(GoldenIdentityTest, CredentialVerifiesAndIsReissuedByteForByte) {
  const std::string text = ReadText("credential.txt");
  auto credential = identity::CredentialFromText(text);
  ASSERT_OK(credential);
  EXPECT_OK(identity::VerifyCredentialSignature(*credential));
  EXPECT_EQ(credential->side, kSide);
  EXPECT_EQ(credential->display_name, kCredentialName);
  EXPECT_EQ(credential->serial, kSerial);
  EXPECT_EQ(credential->identity_key, KeyPair(kCredentialIdentityTag).public_key);
  EXPECT_EQ(credential->authority_key, GoldenAuthority().public_key());
  // Ed25519 (RFC 8032) is deterministic: the same authority signs the same bytes.
  auto again = identity::CredentialToText(ExpectedCredential());
  ASSERT_OK(again);
  EXPECT_EQ(*again, text);
  // One flipped signature bit no longer verifies.
  identity::Credential tampered = *credential;
  tampered.signature[5] ^= 1;
  EXPECT_THAT(identity::VerifyCredentialSignature(tampered), StatusIs(StatusCode::kBadSignature));
}

TEST(GoldenIdentityTest, RevocationListVerifiesAndIsReissuedByteForByte) {
  const std::string text = ReadText("revocation_list.txt");
  auto list = identity::RevocationListFromText(text);
  ASSERT_OK(list);
  EXPECT_OK(identity::VerifyRevocationListSignature(*list));
  EXPECT_EQ(list->sequence, kRevocationSequence);
  EXPECT_EQ(list->revoked_serials,
            std::vector<std::uint64_t>(kRevokedSerials.begin(), kRevokedSerials.end()));
  auto again = GoldenAuthority().Revoke(kRevocationIssuedAt, kRevocationSequence,
                                        {kRevokedSerials.begin(), kRevokedSerials.end()});
  ASSERT_OK(again);
  auto again_text = identity::RevocationListToText(*again);
  ASSERT_OK(again_text);
  EXPECT_EQ(*again_text, text);
}

identity::Invitation GoldenInvitation() {
  identity::Invitation expected;
  expected.relay_address = kInvitationRelay;
  expected.relay_certificate_sha256 = CertificatePin(Pattern32(kInvitationPinTag));
  const Bytes mailbox = Pattern(kInvitationMailboxTag, 16);
  std::copy(mailbox.begin(), mailbox.end(),
            expected.inviter_address.mailbox.mutable_bytes().begin());
  expected.inviter_address.delivery_token = DeliveryToken(Pattern32(kInvitationTokenTag));
  expected.inviter_identity = KeyPair(kInvitationIdentityTag).public_key;
  expected.authority_key = GoldenAuthority().public_key();
  expected.authority_label = kInvitationLabel;
  expected.display_name = kInvitationName;
  const Bytes ticket = Pattern(kInvitationTicketTag, identity::kInvitationTicketSize);
  std::copy(ticket.begin(), ticket.end(), expected.ticket.begin());
  return expected;
}

TEST(GoldenIdentityTest, InvitationDecodesAndIsReencodedByteForByte) {
  const std::string text = ReadText("invitation_v2.txt");
  const identity::Invitation expected = GoldenInvitation();
  auto decoded = identity::InvitationFromText(text);
  ASSERT_OK(decoded);
  EXPECT_EQ(*decoded, expected);
  auto encoded = identity::InvitationToText(expected);
  ASSERT_OK(encoded);
  EXPECT_EQ(*encoded, text);
}

// invitation.txt is a version-1 code (before single-use tickets): refused,
// saying to ask for a new one, rather than misread.
TEST(GoldenIdentityTest, VersionOneInvitationIsRefusedAsFromAnOlderBackchannel) {
  auto decoded = identity::InvitationFromText(ReadText("invitation.txt"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code(), StatusCode::kUnsupportedVersion);
  EXPECT_THAT(std::string(decoded.error().message()), ::testing::HasSubstr("ask for a new one"));
}

TEST(GoldenEnvelopeTest, SealedSenderEnvelopeOpensWithTheRecipientKey) {
  const Bytes sealed = ReadData("envelope.bin");
  ASSERT_EQ(sealed.size(), 1024u);
  auto inner = envelope::Open(sealed, KeyPair(kRecipientTag));
  ASSERT_OK(inner);
  EXPECT_EQ(inner->sender_identity, KeyPair(kSenderTag).public_key);
  EXPECT_EQ(ToBytes(inner->reply_to.mailbox), Pattern(kReplyMailboxTag, 16));
  EXPECT_EQ(inner->reply_to.delivery_token.bytes(), Pattern32(kReplyTokenTag));
  EXPECT_EQ(inner->content_type, session::CiphertextMessage::Type::kPreKey);
  EXPECT_EQ(inner->ciphertext, Pattern(kEnvelopeCiphertextTag, kEnvelopeCiphertextSize));
  EXPECT_EQ(ToBytes(inner->message_id), Pattern(kMessageIdTag, 16));
  // Another recipient, or one altered byte, does not open it.
  EXPECT_THAT(envelope::Open(sealed, KeyPair(kSenderTag)), StatusIs(StatusCode::kBadMac));
  Bytes altered = sealed;
  altered[500] ^= 0x01;
  EXPECT_THAT(envelope::Open(altered, KeyPair(kRecipientTag)), StatusIs(StatusCode::kBadMac));
}

TEST(GoldenRequestTest, SignedRelayRequestVerifies) {
  auto fields = ReadFields("relay_request.txt");
  auto public_key = FromHex(fields["public_key"]);
  auto canonical = FromHex(fields["canonical"]);
  auto signature = FromBase64(fields["signature"], Base64Variant::kUrlSafeNoPadding);
  ASSERT_OK(public_key);
  ASSERT_OK(canonical);
  ASSERT_OK(signature);
  const std::string relay_side = relay::CanonicalRequest(
      kRequestMethod, kRequestTarget, kRequestTimestamp, kRequestNonce, AsBytes(kRequestBody));
  const std::string client_side = client::CanonicalRequest(
      kRequestMethod, kRequestTarget, kRequestTimestamp, kRequestNonce, AsBytes(kRequestBody));
  EXPECT_EQ(relay_side, AsString(*canonical));
  EXPECT_EQ(client_side, AsString(*canonical));
  EXPECT_TRUE(relay::VerifyRequestSignature(*public_key, *signature, relay_side));
  EXPECT_FALSE(relay::VerifyRequestSignature(*public_key, *signature, relay_side + " "));
}

// The shared signer (backchannel::request_auth, used by the client) makes the
// same signature the client made before the seam (Ed25519 is deterministic).
TEST(GoldenRequestTest, SharedSignerReproducesTheSignature) {
  auto fields = ReadFields("relay_request.txt");
  auto key = crypto::Ed25519KeyPairFromSeed(Pattern32(kRequestKeySeedTag));
  ASSERT_OK(key);
  EXPECT_EQ(ToHex(key->public_key), fields["public_key"]);
  auto signed_request = relay::SignRequest(key->secret_key.view(), kRequestMethod, kRequestTarget,
                                           AsBytes(kRequestBody), std::string(kRequestTimestamp),
                                           std::string(kRequestNonce));
  ASSERT_OK(signed_request);
  EXPECT_EQ(signed_request->signature, fields["signature"]);
}

}  // namespace
}  // namespace backchannel::golden
