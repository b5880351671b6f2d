// Writes the golden vectors of tests/golden/data/ from the fixed inputs in
// golden_inputs.h. Run ONCE, on the code the vectors pin down (commit
// 372df10, before the crypto seam): later code must open and verify these
// bytes, so regenerating them with the code under test would prove nothing.
//
//   cmake --build build-dev --target golden_generate
//   build-dev/tests/golden/golden_generate tests/golden/data
//
// Some outputs are random (the store's salt and nonces, the key file's salt
// and nonce, the envelope's ephemeral key): those vectors are checked by
// opening them. Ed25519 signatures, credentials, revocation lists and
// invitations are deterministic, and the test also re-encodes them.
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "backchannel/client/local_store.h"
#include "backchannel/client/relay_client.h"
#include "backchannel/common/encoding.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/envelope/envelope.h"
#include "backchannel/identity/authority.h"
#include "backchannel/identity/credential.h"
#include "backchannel/identity/invitation.h"
#include "golden/golden_inputs.h"

namespace backchannel::golden {
namespace {

void Die(const std::string& what, const Status& s) {
  std::cerr << "golden_generate: " << what << ": " << s << "\n";
  std::exit(1);
}

void Write(const std::filesystem::path& path, ByteView bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) {
    std::cerr << "golden_generate: cannot write " << path << "\n";
    std::exit(1);
  }
}

// A mailbox id or token input (base64url text, as the store keeps it).
template <typename Fixed>
Fixed Typed(std::string_view b64u) {
  auto value = FromBase64Fixed<Fixed>(b64u, Base64Variant::kUrlSafeNoPadding);
  if (!value.ok()) Die("input " + std::string(b64u), value.error());
  return *value;
}

// Today's LocalStore writes the current schema, not 3: store_schema3.db was
// last made by this function as it was at commit 1a8181e (README.md,
// "Regenerated"), and running it now would make a current-schema store.
void MakeStore(const std::filesystem::path& dir) {
  const std::string path = (dir / "store_schema3.db").string();
  std::filesystem::remove(path);
  SecretBytes pass(AsBytes(kPassphrase));
  auto store = client::LocalStore::Create(path, pass, {client::KdfCost::kInteractive});
  if (!store) Die("create store", store.error());
  client::LocalStore& s = **store;
  auto check = [](const Status& st, const char* what) {
    if (!st.ok()) Die(what, st);
  };
  check(s.PutIdentity({KeyPair(kIdentityTag), kRegistrationId, ToBytes(kOwnCredential)}),
        "identity");
  session::SignedPreKey spk;
  spk.id = kSignedPreKeyId;
  spk.key_pair = KeyPair(kSignedPreKeyTag);
  spk.signature.fill(kSignedPreKeySignatureByte);
  check(s.PutSignedPreKey(spk, kSignedPreKeyCreatedMs), "signed prekey");
  std::vector<session::OneTimePreKey> otks;
  for (std::uint32_t i = 1; i <= kOneTimeCount; ++i) {
    otks.push_back({i, KeyPair(static_cast<std::uint8_t>(kOneTimeTagBase + i))});
  }
  check(s.PutOneTimePreKeys(otks), "one-time prekeys");
  check(s.MarkOneTimePreKeyUsed(kUsedOneTimeId), "mark used");
  const auto pin = FromHexFixed<CertificatePin>(kRelayPin).value();
  client::RelayConfig rc{std::string(kRelayAddress), pin, Typed<MailboxId>(kMailbox),
                         SecretBytes(Pattern(kMailboxAuthKeyTag, 64)),
                         Typed<DeliveryToken>(kDeliveryToken)};
  check(s.PutRelayConfig(rc), "relay config");
  client::TrustedAuthority authority;
  authority.key = AuthorityPublicKey(Pattern32(kTrustedAuthorityTag));
  authority.label = std::string(kTrustedAuthorityLabel);
  authority.revocations = ToBytes(kTrustedRevocations);
  check(s.PutAuthority(authority), "authority");
  client::Contact c;
  c.name = kContactName;
  c.identity_key = KeyPair(kContactIdentityTag).public_key;
  c.address = {std::string(kRelayAddress), pin, Typed<MailboxId>(kContactMailbox),
               Typed<DeliveryToken>(kContactToken)};
  c.authority_key = AuthorityPublicKey(Pattern32(kTrustedAuthorityTag));
  c.authority_label = kTrustedAuthorityLabel;
  c.credential = ToBytes(kContactCredential);
  c.session = SecretBytes(Pattern(kContactSessionTag, 40));
  c.created_ms = kContactCreatedMs;
  check(s.PutContact(c), "contact");
  auto added = s.AddMessage({0, std::string(kMessageId), std::string(kContactName),
                             client::Direction::kIn, kMessageTimeMs, std::string(kMessageBody)});
  if (!added || !*added) Die("message", added ? Status::Ok() : added.error());
  check(s.PutAppValue(std::string(kApp), std::string(kAppKey), AsBytes(kAppValue)), "app value");
  for (std::string_view e : {kAppLogEntry1, kAppLogEntry2}) {
    auto seq = s.AppendAppLog(std::string(kApp), std::string(kAppLog), AsBytes(e));
    if (!seq) Die("app log", seq.error());
  }
  check(s.PutSetting(std::string(kSettingKey), std::string(kSettingValue)), "setting");
  store->reset();  // closes the database: the WAL is checkpointed into the file
}

identity::Authority GoldenAuthority() {
  auto a = identity::Authority::FromSeed(std::string(kSide), Pattern32(kAuthoritySeedTag));
  if (!a) Die("authority", a.error());
  return std::move(*a);
}

void MakeIdentity(const std::filesystem::path& dir) {
  const identity::Authority authority = GoldenAuthority();
  auto file = identity::EncryptAuthorityKey(authority, AsBytes(kPassphrase),
                                            identity::KdfStrength::kInteractive);
  if (!file) Die("authority key file", file.error());
  Write(dir / "authority_key.bcak", *file);

  identity::CredentialRequest req;
  req.identity_key = KeyPair(kCredentialIdentityTag).public_key;
  req.role = identity::Role::kEnvoy;
  req.display_name = kCredentialName;
  req.not_before = kNotBefore;
  req.expiry = kExpiry;
  req.serial = kSerial;
  auto credential = authority.Issue(req);
  if (!credential) Die("credential", credential.error());
  auto text = identity::CredentialToText(*credential);
  if (!text) Die("credential text", text.error());
  Write(dir / "credential.txt", AsBytes(*text + "\n"));

  auto list = authority.Revoke(kRevocationIssuedAt, kRevocationSequence,
                               {kRevokedSerials.begin(), kRevokedSerials.end()});
  if (!list) Die("revocation list", list.error());
  auto list_text = identity::RevocationListToText(*list);
  if (!list_text) Die("revocation list text", list_text.error());
  Write(dir / "revocation_list.txt", AsBytes(*list_text + "\n"));

  identity::Invitation inv;
  inv.relay_address = kInvitationRelay;
  inv.relay_certificate_sha256 = CertificatePin(Pattern32(kInvitationPinTag));
  const Bytes mailbox = Pattern(kInvitationMailboxTag, 16);
  std::copy(mailbox.begin(), mailbox.end(), inv.inviter_address.mailbox.mutable_bytes().begin());
  inv.inviter_address.delivery_token = DeliveryToken(Pattern32(kInvitationTokenTag));
  inv.inviter_identity = KeyPair(kInvitationIdentityTag).public_key;
  inv.authority_key = authority.public_key();
  inv.authority_label = kInvitationLabel;
  inv.display_name = kInvitationName;
  // invitation.txt was written here by version 1 (no ticket), which is now
  // refused; version 2 adds the single-use ticket (docs/identity.md).
  const Bytes ticket = Pattern(kInvitationTicketTag, identity::kInvitationTicketSize);
  std::copy(ticket.begin(), ticket.end(), inv.ticket.begin());
  auto inv_text = identity::InvitationToText(inv);
  if (!inv_text) Die("invitation", inv_text.error());
  Write(dir / "invitation_v2.txt", AsBytes(*inv_text + "\n"));
}

void MakeEnvelope(const std::filesystem::path& dir) {
  envelope::InnerEnvelope inner;
  inner.sender_identity = KeyPair(kSenderTag).public_key;
  const Bytes mailbox = Pattern(kReplyMailboxTag, 16);
  std::copy(mailbox.begin(), mailbox.end(), inner.reply_to.mailbox.mutable_bytes().begin());
  inner.reply_to.delivery_token = DeliveryToken(Pattern32(kReplyTokenTag));
  inner.content_type = session::CiphertextMessage::Type::kPreKey;
  inner.ciphertext = Pattern(kEnvelopeCiphertextTag, kEnvelopeCiphertextSize);
  const Bytes id = Pattern(kMessageIdTag, 16);
  std::copy(id.begin(), id.end(), inner.message_id.begin());
  auto sealed = envelope::Seal(inner, KeyPair(kRecipientTag).public_key);
  if (!sealed) Die("envelope", sealed.error());
  Write(dir / "envelope.bin", *sealed);
}

// The client's signing (relay_client.cc before the seam: client::
// CanonicalRequest, then Ed25519 over it with the 64-byte libsodium secret
// key), with a fixed seed, timestamp and nonce in place of the clock and
// randomness.
void MakeRequest(const std::filesystem::path& dir) {
  if (sodium_init() < 0) std::exit(1);
  std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  const auto seed = Pattern32(kRequestKeySeedTag);
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  const std::string canonical = client::CanonicalRequest(
      kRequestMethod, kRequestTarget, kRequestTimestamp, kRequestNonce, AsBytes(kRequestBody));
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(),
                       sk.data());
  const std::string text = "public_key=" + ToHex(pk) + "\ncanonical=" + ToHex(AsBytes(canonical)) +
                           "\nsignature=" + ToBase64(sig, Base64Variant::kUrlSafeNoPadding) + "\n";
  Write(dir / "relay_request.txt", AsBytes(text));
}

}  // namespace
}  // namespace backchannel::golden

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: golden_generate OUTPUT_DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  backchannel::golden::MakeStore(dir);
  backchannel::golden::MakeIdentity(dir);
  backchannel::golden::MakeEnvelope(dir);
  backchannel::golden::MakeRequest(dir);
  std::cout << "golden vectors written to " << dir << "\n";
  return 0;
}
