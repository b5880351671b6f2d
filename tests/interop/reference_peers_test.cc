// Self-tests of the reference peers (tests/interop/reference/): two
// libsignal-protocol-c parties talk to each other, and two libolm accounts do.
// These prove the harness works before it is paired with backchannel.
#include <gtest/gtest.h>

#include <string>

#include "backchannel/common/encoding.h"
#include "interop/reference/libsignal_peer.h"
#include "interop/reference/olm_peer.h"
#include "interop/reference/signal_crypto_provider.h"
#include "testing/status_matchers.h"

namespace backchannel::interop {
namespace {

using ::backchannel::testing::StatusIs;

const RemoteAddress kAliceAddress{"alice", 1};
const RemoteAddress kBobAddress{"bob", 1};

Bytes Text(std::string_view s) { return ToBytes(s); }

// Alice processes Bob's bundle; returns both peers.
struct Conversation {
  std::unique_ptr<LibsignalPeer> alice = LibsignalPeer::Create(1111);
  std::unique_ptr<LibsignalPeer> bob = LibsignalPeer::Create(2222);

  void Start(std::optional<uint32_t> pre_key_id) {
    ASSERT_NE(alice, nullptr);
    ASSERT_NE(bob, nullptr);
    auto bundle = bob->MakeBundle(7, pre_key_id);
    ASSERT_OK(bundle);
    ASSERT_OK(alice->ProcessBundle(kBobAddress, *bundle));
  }

  // Sends `text` one way and checks the decryption; returns the message type.
  int Send(bool from_alice, const std::string& text) {
    LibsignalPeer& sender = from_alice ? *alice : *bob;
    LibsignalPeer& receiver = from_alice ? *bob : *alice;
    auto ct = sender.Encrypt(from_alice ? kBobAddress : kAliceAddress, AsBytes(text));
    EXPECT_OK(ct);
    if (!ct.ok()) return -1;
    auto pt = receiver.Decrypt(from_alice ? kAliceAddress : kBobAddress, *ct);
    EXPECT_OK(pt);
    if (!pt.ok()) return -1;
    EXPECT_EQ(AsString(*pt), text);
    return ct->type;
  }
};

// --- The crypto provider against published vectors -------------------------

Bytes Hex(std::string_view hex) {
  auto b = FromHex(hex);
  EXPECT_OK(b) << hex;
  return b.ok() ? *b : Bytes();
}

Bytes TakeBuffer(signal_buffer* b) {
  Bytes out(signal_buffer_data(b), signal_buffer_data(b) + signal_buffer_len(b));
  signal_buffer_free(b);
  return out;
}

TEST(SignalCryptoProviderTest, HmacSha256Rfc4231Case2) {
  signal_crypto_provider p = OpenSslCryptoProvider();
  void* ctx = nullptr;
  ASSERT_EQ(p.hmac_sha256_init_func(&ctx, AsBytes("Jefe").data(), 4, nullptr), 0);
  ByteView data = AsBytes("what do ya want for nothing?");
  ASSERT_EQ(p.hmac_sha256_update_func(ctx, data.data(), 10, nullptr), 0);
  ASSERT_EQ(p.hmac_sha256_update_func(ctx, data.data() + 10, data.size() - 10, nullptr), 0);
  signal_buffer* out = nullptr;
  ASSERT_EQ(p.hmac_sha256_final_func(ctx, &out, nullptr), 0);
  p.hmac_sha256_cleanup_func(ctx, nullptr);
  EXPECT_EQ(ToHex(TakeBuffer(out)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SignalCryptoProviderTest, Sha512AbcAndReuse) {
  signal_crypto_provider p = OpenSslCryptoProvider();
  void* ctx = nullptr;
  ASSERT_EQ(p.sha512_digest_init_func(&ctx, nullptr), 0);
  for (int round = 0; round < 2; ++round) {  // final leaves the context ready for reuse
    ASSERT_EQ(p.sha512_digest_update_func(ctx, AsBytes("abc").data(), 3, nullptr), 0);
    signal_buffer* out = nullptr;
    ASSERT_EQ(p.sha512_digest_final_func(ctx, &out, nullptr), 0);
    EXPECT_EQ(ToHex(TakeBuffer(out)),
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  }
  p.sha512_digest_cleanup_func(ctx, nullptr);
}

TEST(SignalCryptoProviderTest, AesCbcAndCtrSp80038a) {
  signal_crypto_provider p = OpenSslCryptoProvider();
  const Bytes block = Hex("6bc1bee22e409f96e93d7e117393172a");
  // F.2.5 CBC-AES256.Encrypt, first block; PKCS#5 padding adds a second block.
  const Bytes key256 = Hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const Bytes iv = Hex("000102030405060708090a0b0c0d0e0f");
  signal_buffer* out = nullptr;
  ASSERT_EQ(p.encrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key256.data(), key256.size(), iv.data(),
                           iv.size(), block.data(), block.size(), nullptr),
            0);
  Bytes ct = TakeBuffer(out);
  ASSERT_EQ(ct.size(), 32u);
  EXPECT_EQ(ToHex(ByteView(ct).first(16)), "f58c4c04d6e5f1ba779eabfb5f7bfbd6");
  ASSERT_EQ(p.decrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key256.data(), key256.size(), iv.data(),
                           iv.size(), ct.data(), ct.size(), nullptr),
            0);
  EXPECT_EQ(TakeBuffer(out), block);
  // Bad padding is an error, not garbage.
  ct.back() ^= 0x01;
  out = nullptr;
  EXPECT_LT(p.decrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key256.data(), key256.size(), iv.data(),
                           iv.size(), ct.data(), ct.size(), nullptr),
            0);
  EXPECT_EQ(out, nullptr);

  // F.5.1 CTR-AES128.Encrypt, first block.
  const Bytes key128 = Hex("2b7e151628aed2a6abf7158809cf4f3c");
  const Bytes counter = Hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  ASSERT_EQ(p.encrypt_func(&out, SG_CIPHER_AES_CTR_NOPADDING, key128.data(), key128.size(),
                           counter.data(), counter.size(), block.data(), block.size(), nullptr),
            0);
  EXPECT_EQ(ToHex(TakeBuffer(out)), "874d6191b620e3261bef6864990db6ce");
  // F.5.3 CTR-AES192.Encrypt, first block.
  const Bytes key192 = Hex("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b");
  ASSERT_EQ(p.encrypt_func(&out, SG_CIPHER_AES_CTR_NOPADDING, key192.data(), key192.size(),
                           counter.data(), counter.size(), block.data(), block.size(), nullptr),
            0);
  EXPECT_EQ(ToHex(TakeBuffer(out)), "1abc932417521ca24f2b0459fe7e6e0b");

  // Unsupported key size, IV size or mode.
  out = nullptr;
  EXPECT_EQ(p.encrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key256.data(), 31, iv.data(), iv.size(),
                           block.data(), block.size(), nullptr),
            SG_ERR_INVAL);
  EXPECT_EQ(p.encrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key256.data(), 32, iv.data(), 12,
                           block.data(), block.size(), nullptr),
            SG_ERR_INVAL);
  EXPECT_EQ(p.encrypt_func(&out, 9, key256.data(), 32, iv.data(), iv.size(), block.data(),
                           block.size(), nullptr),
            SG_ERR_INVAL);
  EXPECT_EQ(out, nullptr);
}

TEST(SignalCryptoProviderTest, ErrorNames) {
  EXPECT_EQ(SignalErrorName(SG_ERR_INVALID_MAC), "SG_ERR_INVALID_MAC");
  EXPECT_EQ(SignalErrorName(-4242), "SG_ERR_-4242");
  EXPECT_EQ(SignalErrorToStatusCode(SG_ERR_DUPLICATE_MESSAGE), StatusCode::kDuplicateMessage);
  EXPECT_THAT(SignalError("x", SG_ERR_INVALID_KEY_ID), StatusIs(StatusCode::kInvalidKeyId));
}

// --- LibsignalPeer ------------------------------------------------------------

TEST(LibsignalPeerTest, IdentityKeyIsSerializedWithTypeByte) {
  auto peer = LibsignalPeer::Create(1);
  ASSERT_NE(peer, nullptr);
  Bytes pub = peer->IdentityPublicKey();
  ASSERT_EQ(pub.size(), 33u);
  EXPECT_EQ(pub[0], 0x05);
  EXPECT_EQ(peer->IdentityPrivateKey().size(), 32u);
  EXPECT_EQ(peer->registration_id(), 1u);
}

TEST(LibsignalPeerTest, CreateWithIdentityReusesTheKeys) {
  auto original = LibsignalPeer::Create(1);
  ASSERT_NE(original, nullptr);
  Bytes priv = original->IdentityPrivateKey();
  Bytes pub = original->IdentityPublicKey();

  auto derived = LibsignalPeer::CreateWithIdentity(5, priv);
  ASSERT_OK(derived);
  EXPECT_EQ((*derived)->IdentityPublicKey(), pub);

  auto with33 = LibsignalPeer::CreateWithIdentity(5, priv, pub);
  ASSERT_OK(with33);
  auto with32 = LibsignalPeer::CreateWithIdentity(5, priv, ByteView(pub).subspan(1));
  ASSERT_OK(with32);

  Bytes wrong = pub;
  wrong[5] ^= 1;
  EXPECT_FALSE(LibsignalPeer::CreateWithIdentity(5, priv, wrong).ok());
  EXPECT_FALSE(LibsignalPeer::CreateWithIdentity(5, ByteView(priv).first(31)).ok());
}

TEST(LibsignalPeerTest, BundleHasSerializedKeysAndValidSignature) {
  auto bob = LibsignalPeer::Create(2);
  ASSERT_NE(bob, nullptr);
  auto bundle = bob->MakeBundle(9, 17);
  ASSERT_OK(bundle);
  EXPECT_EQ(bundle->registration_id, 2u);
  EXPECT_EQ(bundle->device_id, 1u);
  EXPECT_EQ(bundle->pre_key_id, std::optional<uint32_t>(17));
  EXPECT_EQ(bundle->pre_key_public.size(), 33u);
  EXPECT_EQ(bundle->signed_pre_key_id, 9u);
  EXPECT_EQ(bundle->signed_pre_key_public.size(), 33u);
  EXPECT_EQ(bundle->signed_pre_key_signature.size(), 64u);
  EXPECT_EQ(bundle->identity_key, bob->IdentityPublicKey());
  EXPECT_TRUE(bob->Verify(bundle->identity_key, bundle->signed_pre_key_public,
                          bundle->signed_pre_key_signature));

  auto no_one_time = bob->MakeBundle(10, std::nullopt);
  ASSERT_OK(no_one_time);
  EXPECT_FALSE(no_one_time->pre_key_id.has_value());
  EXPECT_TRUE(no_one_time->pre_key_public.empty());
}

TEST(LibsignalPeerTest, BundleWithBadSignatureIsRejected) {
  auto alice = LibsignalPeer::Create(1);
  auto bob = LibsignalPeer::Create(2);
  auto bundle = bob->MakeBundle(1, 1);
  ASSERT_OK(bundle);
  bundle->signed_pre_key_signature[3] ^= 0x10;
  Status s = alice->ProcessBundle(kBobAddress, *bundle);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("SG_ERR_INVALID_KEY"), std::string_view::npos) << s;
  EXPECT_FALSE(alice->HasSession(kBobAddress));
}

TEST(LibsignalPeerTest, MakeBundleFromKeysUsesTheGivenKeys) {
  auto bob = LibsignalPeer::Create(2);
  auto donor = LibsignalPeer::Create(3);  // its identity key pair serves as a key source
  Bytes spk_priv = donor->IdentityPrivateKey();
  Bytes spk_pub = donor->IdentityPublicKey();
  auto other = LibsignalPeer::Create(4);
  Bytes pk_priv = other->IdentityPrivateKey();
  Bytes pk_pub = other->IdentityPublicKey();
  auto bundle = bob->MakeBundleFromKeys(5, spk_priv, 6, pk_priv);
  ASSERT_OK(bundle);
  EXPECT_EQ(bundle->signed_pre_key_public, spk_pub);
  EXPECT_EQ(bundle->pre_key_public, pk_pub);

  auto alice = LibsignalPeer::Create(1);
  ASSERT_OK(alice->ProcessBundle(kBobAddress, *bundle));
  auto ct = alice->Encrypt(kBobAddress, AsBytes("x"));
  ASSERT_OK(ct);
  auto pt = bob->Decrypt(kAliceAddress, *ct);
  ASSERT_OK(pt);
  EXPECT_EQ(AsString(*pt), "x");
}

TEST(LibsignalPeerTest, PreKeyMessageThenNormalMessagesBothWays) {
  Conversation c;
  ASSERT_NO_FATAL_FAILURE(c.Start(31));
  // Until Alice hears back, every message of hers is a PreKeySignalMessage.
  EXPECT_EQ(c.Send(true, "hello bob"), Ciphertext::kPreKeyType);
  EXPECT_EQ(c.Send(true, "are you there"), Ciphertext::kPreKeyType);
  EXPECT_EQ(c.Send(false, "hello alice"), Ciphertext::kSignalType);
  EXPECT_EQ(c.Send(true, "good"), Ciphertext::kSignalType);
  for (int i = 0; i < 60; ++i) {
    bool from_alice = (i / 3) % 2 == 0;  // change direction every 3 messages
    EXPECT_EQ(c.Send(from_alice, "message " + std::to_string(i)), Ciphertext::kSignalType);
  }
}

TEST(LibsignalPeerTest, WorksWithoutOneTimePreKey) {
  Conversation c;
  ASSERT_NO_FATAL_FAILURE(c.Start(std::nullopt));
  EXPECT_EQ(c.Send(true, "no one-time key"), Ciphertext::kPreKeyType);
  EXPECT_EQ(c.Send(false, "fine"), Ciphertext::kSignalType);
}

TEST(LibsignalPeerTest, EncryptWithoutSessionFails) {
  auto alice = LibsignalPeer::Create(1);
  auto ct = alice->Encrypt(kBobAddress, AsBytes("x"));
  EXPECT_FALSE(ct.ok());
  EXPECT_THAT(ct, StatusIs(StatusCode::kFailedPrecondition));
}

TEST(LibsignalPeerTest, OutOfOrderDeliveryAndDuplicates) {
  Conversation c;
  ASSERT_NO_FATAL_FAILURE(c.Start(1));
  c.Send(true, "first");
  c.Send(false, "reply");
  std::vector<Ciphertext> batch;
  for (int i = 0; i < 5; ++i) {
    auto ct = c.alice->Encrypt(kBobAddress, Text("m" + std::to_string(i)));
    ASSERT_OK(ct);
    batch.push_back(*ct);
  }
  for (int i : {4, 0, 2, 1, 3}) {
    auto pt = c.bob->Decrypt(kAliceAddress, batch[i]);
    ASSERT_OK(pt);
    EXPECT_EQ(AsString(*pt), "m" + std::to_string(i));
  }
  auto replay = c.bob->Decrypt(kAliceAddress, batch[2]);
  ASSERT_FALSE(replay.ok());
  EXPECT_THAT(replay, StatusIs(StatusCode::kDuplicateMessage)) << replay.error();
  EXPECT_NE(replay.error().message().find("SG_ERR_DUPLICATE_MESSAGE"), std::string_view::npos);
}

TEST(LibsignalPeerTest, TamperedMessageReportsErrorName) {
  Conversation c;
  ASSERT_NO_FATAL_FAILURE(c.Start(1));
  c.Send(true, "first");
  c.Send(false, "reply");
  auto ct = c.alice->Encrypt(kBobAddress, AsBytes("secret"));
  ASSERT_OK(ct);
  Ciphertext bad = *ct;
  bad.serialized.back() ^= 0x01;  // inside the truncated MAC
  auto pt = c.bob->Decrypt(kAliceAddress, bad);
  ASSERT_FALSE(pt.ok());
  // libsignal tries every stored state and then reports the generic
  // SG_ERR_INVALID_MESSAGE; the MAC failure shows in its log, which the
  // Status message carries.
  EXPECT_THAT(pt, StatusIs(StatusCode::kInvalidMessage)) << pt.error();
  EXPECT_NE(pt.error().message().find("SG_ERR_INVALID_MESSAGE"), std::string_view::npos);
  EXPECT_NE(pt.error().message().find("mac not verified"), std::string_view::npos) << pt.error();
  // The genuine message still decrypts.
  auto good = c.bob->Decrypt(kAliceAddress, *ct);
  ASSERT_OK(good);

  auto garbage = c.bob->Decrypt(kAliceAddress, Ciphertext::kSignalType, AsBytes("nonsense"));
  EXPECT_FALSE(garbage.ok());
  auto wrong_type = c.bob->Decrypt(kAliceAddress, 7, ct->serialized);
  EXPECT_THAT(wrong_type, StatusIs(StatusCode::kInvalidArgument));
}

TEST(LibsignalPeerTest, SessionSerializeRestoreMidConversation) {
  Conversation c;
  ASSERT_NO_FATAL_FAILURE(c.Start(1));
  c.Send(true, "one");
  c.Send(false, "two");
  c.Send(true, "three");

  auto alice_state = c.alice->SerializeSession(kBobAddress);
  auto bob_state = c.bob->SerializeSession(kAliceAddress);
  ASSERT_OK(alice_state);
  ASSERT_OK(bob_state);
  EXPECT_FALSE(alice_state->empty());

  // "Restart" both parties: fresh processes with the same identity and the
  // stored session records.
  auto alice2 = LibsignalPeer::CreateWithIdentity(1111, c.alice->IdentityPrivateKey());
  auto bob2 = LibsignalPeer::CreateWithIdentity(2222, c.bob->IdentityPrivateKey());
  ASSERT_OK(alice2);
  ASSERT_OK(bob2);
  ASSERT_OK((*alice2)->RestoreSession(kBobAddress, *alice_state));
  ASSERT_OK((*bob2)->RestoreSession(kAliceAddress, *bob_state));
  EXPECT_EQ(*(*alice2)->SerializeSession(kBobAddress), *alice_state);
  c.alice = std::move(*alice2);
  c.bob = std::move(*bob2);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(c.Send(i % 4 < 2, "after restore " + std::to_string(i)), Ciphertext::kSignalType);
  }

  // Restoring garbage is rejected and leaves the stored session unchanged.
  auto before = c.bob->SerializeSession(kAliceAddress);
  EXPECT_FALSE(c.bob->RestoreSession(kAliceAddress, AsBytes("not a record")).ok());
  EXPECT_EQ(*c.bob->SerializeSession(kAliceAddress), *before);
  EXPECT_THAT(c.bob->SerializeSession({"nobody", 1}), StatusIs(StatusCode::kNotFound));
}

TEST(LibsignalPeerTest, SignVerifyRoundTripAndBitFlipFails) {
  auto peer = LibsignalPeer::Create(1);
  auto verifier = LibsignalPeer::Create(2);
  Bytes message = Text("clear this position");
  auto sig = peer->Sign(message);
  ASSERT_OK(sig);
  ASSERT_EQ(sig->size(), 64u);
  Bytes pub = peer->IdentityPublicKey();
  EXPECT_TRUE(verifier->Verify(pub, message, *sig));

  for (std::size_t bit : {0u, 100u, 511u}) {
    Bytes bad_sig = *sig;
    bad_sig[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(verifier->Verify(pub, message, bad_sig)) << "signature bit " << bit;
  }
  Bytes bad_message = message;
  bad_message[0] ^= 0x01;
  EXPECT_FALSE(verifier->Verify(pub, bad_message, *sig));
  Bytes other_key = verifier->IdentityPublicKey();
  EXPECT_FALSE(verifier->Verify(other_key, message, *sig));
  EXPECT_FALSE(verifier->Verify(ByteView(pub).first(32), message, *sig));  // no type byte

  // XEdDSA is randomized: two signatures differ, both verify.
  auto sig2 = peer->Sign(message);
  ASSERT_OK(sig2);
  EXPECT_NE(*sig, *sig2);
  EXPECT_TRUE(verifier->Verify(pub, message, *sig2));
}

TEST(LibsignalPeerTest, AgreementIsSymmetric) {
  auto a = LibsignalPeer::Create(1);
  auto b = LibsignalPeer::Create(2);
  auto ab = a->Agreement(b->IdentityPublicKey(), a->IdentityPrivateKey());
  auto ba = a->Agreement(a->IdentityPublicKey(), b->IdentityPrivateKey());
  ASSERT_OK(ab);
  ASSERT_OK(ba);
  EXPECT_EQ(ab->size(), 32u);
  EXPECT_EQ(*ab, *ba);
  EXPECT_FALSE(
      a->Agreement(ByteView(b->IdentityPublicKey()).first(32), a->IdentityPrivateKey()).ok());
}

TEST(LibsignalPeerTest, AgreementMatchesRfc7748Vector) {
  // RFC 7748 §6.1: Alice's private key, Bob's public key, shared secret. The
  // private key is not clamped as given; the peer clamps it (libsignal would not).
  auto alice_priv = FromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  auto bob_pub = FromHex("05de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  auto shared = FromHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  ASSERT_OK(alice_priv);
  ASSERT_OK(bob_pub);
  ASSERT_OK(shared);
  auto peer = LibsignalPeer::Create(1);
  auto got = peer->Agreement(*bob_pub, *alice_priv);
  ASSERT_OK(got);
  EXPECT_EQ(ToHex(*got), ToHex(*shared));
}

TEST(LibsignalPeerTest, FingerprintsAgreeOnBothSides) {
  auto alice = LibsignalPeer::Create(1);
  auto bob = LibsignalPeer::Create(2);
  Bytes a = alice->IdentityPublicKey();
  Bytes b = bob->IdentityPublicKey();
  auto alice_view = alice->DisplayableFingerprint("+14152222222", a, "+14153333333", b);
  auto bob_view = bob->DisplayableFingerprint("+14153333333", b, "+14152222222", a);
  ASSERT_OK(alice_view);
  ASSERT_OK(bob_view);
  EXPECT_EQ(alice_view->size(), 60u);
  EXPECT_EQ(alice_view->find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(*alice_view, *bob_view);

  auto alice_scan = alice->ScannableFingerprint("+14152222222", a, "+14153333333", b);
  auto bob_scan = bob->ScannableFingerprint("+14153333333", b, "+14152222222", a);
  ASSERT_OK(alice_scan);
  ASSERT_OK(bob_scan);
  auto alice_sees = alice->CompareScannableFingerprints(*alice_scan, *bob_scan);
  auto bob_sees = bob->CompareScannableFingerprints(*bob_scan, *alice_scan);
  ASSERT_OK(alice_sees);
  ASSERT_OK(bob_sees);
  EXPECT_TRUE(*alice_sees);
  EXPECT_TRUE(*bob_sees);

  // A third identity gives different numbers, and its scan does not match.
  auto mallory = LibsignalPeer::Create(3);
  Bytes m = mallory->IdentityPublicKey();
  auto fake_view = alice->DisplayableFingerprint("+14152222222", a, "+14153333333", m);
  ASSERT_OK(fake_view);
  EXPECT_NE(*fake_view, *alice_view);
  auto fake_scan = mallory->ScannableFingerprint("+14153333333", m, "+14152222222", a);
  ASSERT_OK(fake_scan);
  auto alice_sees_fake = alice->CompareScannableFingerprints(*alice_scan, *fake_scan);
  EXPECT_TRUE(!alice_sees_fake.ok() || !*alice_sees_fake);

  // Deterministic: the same inputs give the same digits with fewer iterations too.
  auto quick1 = alice->DisplayableFingerprint("a", a, "b", b, 1024);
  auto quick2 = bob->DisplayableFingerprint("b", b, "a", a, 1024);
  ASSERT_OK(quick1);
  ASSERT_OK(quick2);
  EXPECT_EQ(*quick1, *quick2);
}

TEST(OlmPeerTest, PairRoundTripsBothWays) {
  auto pair = OlmPair::Establish();
  ASSERT_OK(pair);
  Bytes kib(1024);
  for (std::size_t i = 0; i < kib.size(); ++i) kib[i] = static_cast<uint8_t>(i * 7);
  for (int i = 0; i < 40; ++i) {
    Status s = pair->Roundtrip(/*alice_sends=*/(i / 10) % 2 == 0, kib);
    ASSERT_OK(s);
  }
}

TEST(OlmPeerTest, FirstMessageIsPreKeyAndOneTimeKeyIsConsumed) {
  auto alice = OlmPeer::Create();
  auto bob = OlmPeer::Create();
  ASSERT_OK(alice);
  ASSERT_OK(bob);
  auto otk = (*bob)->NewOneTimeKey();
  ASSERT_OK(otk);
  auto out = (*alice)->CreateOutbound((*bob)->identity_key(), *otk);
  ASSERT_OK(out);
  auto first = (*out)->Encrypt(AsBytes("hi"));
  ASSERT_OK(first);
  EXPECT_EQ(first->type, OlmMessage::kPreKeyType);
  auto in = (*bob)->CreateInbound(*first);
  ASSERT_OK(in);
  auto pt = (*in)->Decrypt(*first);
  ASSERT_OK(pt);
  EXPECT_EQ(AsString(*pt), "hi");
  // The one-time key was removed: a second inbound session from it fails.
  EXPECT_FALSE((*bob)->CreateInbound(*first).ok());
  // Tampering is detected.
  auto second = (*out)->Encrypt(AsBytes("again"));
  ASSERT_OK(second);
  // Flip a character near the end, inside the authenticated inner message
  // (olm ignores the outer pre-key fields once the session exists).
  OlmMessage bad = *second;
  char& c = bad.body[bad.body.size() - 3];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE((*in)->Decrypt(bad).ok());
}

}  // namespace
}  // namespace backchannel::interop
