// backchannel's session layer against libsignal-protocol-c 2.3.3, both ways:
// every byte one side writes, the other reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/xeddsa.h"
#include "backchannel/session/fingerprint.h"
#include "backchannel/session/memory_prekey_store.h"
#include "backchannel/session/session.h"
#include "interop/reference/libsignal_peer.h"
#include "testing/status_matchers.h"

namespace backchannel {
namespace {

using ::backchannel::testing::StatusIs;

using interop::Ciphertext;
using interop::LibsignalPeer;
using interop::PreKeyBundleBytes;
using interop::RemoteAddress;
using session::CiphertextMessage;
using session::Session;

const RemoteAddress kOurs{"backchannel", 1};

Bytes Key33(const session::PublicKey& k) { return ToBytes(session::SerializePublicKey(k)); }

session::PreKeyBundle FromReference(const PreKeyBundleBytes& b) {
  session::PreKeyBundle out;
  out.registration_id = b.registration_id;
  out.device_id = b.device_id;
  if (b.pre_key_id) {
    out.one_time_pre_key_id = b.pre_key_id;
    out.one_time_pre_key = session::ParsePublicKey(b.pre_key_public).value();
  }
  out.signed_pre_key_id = b.signed_pre_key_id;
  out.signed_pre_key = session::ParsePublicKey(b.signed_pre_key_public).value();
  EXPECT_EQ(b.signed_pre_key_signature.size(), 64U);
  std::copy(b.signed_pre_key_signature.begin(), b.signed_pre_key_signature.end(),
            out.signed_pre_key_signature.begin());
  out.identity_key = session::ParsePublicKey(b.identity_key).value();
  return out;
}

PreKeyBundleBytes ToReference(const session::PreKeyBundle& b) {
  PreKeyBundleBytes out;
  out.registration_id = b.registration_id;
  out.device_id = b.device_id;
  if (b.one_time_pre_key_id) {
    out.pre_key_id = b.one_time_pre_key_id;
    out.pre_key_public = Key33(b.one_time_pre_key);
  }
  out.signed_pre_key_id = b.signed_pre_key_id;
  out.signed_pre_key_public = Key33(b.signed_pre_key);
  out.signed_pre_key_signature = ToBytes(b.signed_pre_key_signature);
  out.identity_key = Key33(b.identity_key);
  return out;
}

CiphertextMessage Ours(const Ciphertext& c) {
  return {c.type == Ciphertext::kPreKeyType ? CiphertextMessage::Type::kPreKey
                                            : CiphertextMessage::Type::kSignal,
          c.serialized};
}
int TheirType(const CiphertextMessage& c) { return static_cast<int>(c.type); }

Bytes Text(const std::string& s) { return ToBytes(std::string_view(s)); }

// One of ours and one reference peer with an established session, built with
// either side initiating.
struct MixedPair {
  session::IdentityKeyPair our_identity = session::GenerateIdentityKeyPair();
  std::uint32_t our_reg = 4321;
  session::InMemoryPreKeyStore our_prekeys;
  std::unique_ptr<LibsignalPeer> theirs = LibsignalPeer::Create(1234);
  std::optional<Session> ours;

  void WeInitiate(bool one_time) {
    auto bundle = theirs->MakeBundle(5, one_time ? std::optional<std::uint32_t>(31) : std::nullopt);
    ASSERT_TRUE(bundle.has_value()) << bundle.status();
    auto s = Session::Initiate(our_identity, our_reg, FromReference(*bundle));
    ASSERT_TRUE(s.has_value()) << s.status();
    ours.emplace(std::move(*s));
    auto first = ours->Encrypt(Text("hello from backchannel"));
    ASSERT_TRUE(first.has_value());
    ASSERT_EQ(first->type, CiphertextMessage::Type::kPreKey);
    auto got = theirs->Decrypt(kOurs, TheirType(*first), first->bytes);
    ASSERT_TRUE(got.has_value()) << got.status();
    EXPECT_EQ(*got, Text("hello from backchannel"));
  }

  void TheyInitiate(bool one_time) {
    our_prekeys.AddSigned(session::GenerateSignedPreKey(our_identity, 9));
    our_prekeys.AddOneTime(session::GenerateOneTimePreKey(77));
    auto bundle = our_prekeys.MakeBundle(
        our_identity, our_reg, 9, one_time ? std::optional<std::uint32_t>(77) : std::nullopt);
    ASSERT_OK(theirs->ProcessBundle(kOurs, ToReference(bundle)));
    auto first = theirs->Encrypt(kOurs, Text("hello from libsignal"));
    ASSERT_TRUE(first.has_value()) << first.status();
    ASSERT_EQ(first->type, Ciphertext::kPreKeyType);
    auto accepted = Session::Accept(our_identity, our_reg, our_prekeys, first->serialized);
    ASSERT_TRUE(accepted.has_value()) << accepted.status();
    EXPECT_EQ(accepted->plaintext, Text("hello from libsignal"));
    EXPECT_EQ(accepted->consumed_one_time_pre_key,
              one_time ? std::optional<std::uint32_t>(77) : std::nullopt);
    EXPECT_EQ(accepted->session.remote_identity(),
              session::ParsePublicKey(theirs->IdentityPublicKey()).value());
    ours.emplace(std::move(accepted->session));
  }

  void OursToTheirs(const std::string& text) {
    auto c = ours->Encrypt(Text(text));
    ASSERT_TRUE(c.has_value());
    auto d = theirs->Decrypt(kOurs, TheirType(*c), c->bytes);
    ASSERT_TRUE(d.has_value()) << text << ": " << d.status();
    EXPECT_EQ(*d, Text(text));
  }
  void TheirsToOurs(const std::string& text) {
    auto c = theirs->Encrypt(kOurs, Text(text));
    ASSERT_TRUE(c.has_value()) << c.status();
    auto d = ours->Decrypt(Ours(*c));
    ASSERT_TRUE(d.has_value()) << text << ": " << d.status();
    EXPECT_EQ(*d, Text(text));
  }
};

class SessionInteropTest : public ::testing::TestWithParam<bool> {};  // param: we initiate

TEST_P(SessionInteropTest, HundredsOfMessagesWithRandomDirection) {
  for (bool one_time : {true, false}) {
    MixedPair p;
    GetParam() ? p.WeInitiate(one_time) : p.TheyInitiate(one_time);
    const unsigned seed = static_cast<unsigned>(::testing::UnitTest::GetInstance()->random_seed());
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    for (int i = 0; i < 300; ++i) {
      const std::string text = "m" + std::to_string(i) + std::string(rng() % 300, 'x');
      if (rng() % 2 == 0) {
        p.OursToTheirs(text);
      } else {
        p.TheirsToOurs(text);
      }
      if (HasFatalFailure()) return;
    }
  }
}

TEST_P(SessionInteropTest, OutOfOrderAndDroppedBothWays) {
  MixedPair p;
  GetParam() ? p.WeInitiate(true) : p.TheyInitiate(true);
  p.TheirsToOurs("ack");
  p.OursToTheirs("ack");
  const unsigned seed = static_cast<unsigned>(::testing::UnitTest::GetInstance()->random_seed());
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (int turn = 0; turn < 8; ++turn) {
    const int n = 2 + static_cast<int>(rng() % 15);
    if (turn % 2 == 0) {
      std::vector<std::pair<CiphertextMessage, std::string>> sent;
      for (int i = 0; i < n; ++i) {
        std::string t = "ours" + std::to_string(turn) + "/" + std::to_string(i);
        sent.emplace_back(*p.ours->Encrypt(Text(t)), t);
      }
      std::shuffle(sent.begin(), sent.end(), rng);
      for (std::size_t i = 0; i < sent.size(); ++i) {
        if (i % 4 == 3) continue;  // dropped
        auto d = p.theirs->Decrypt(kOurs, TheirType(sent[i].first), sent[i].first.bytes);
        ASSERT_TRUE(d.has_value()) << sent[i].second << ": " << d.status();
        EXPECT_EQ(*d, Text(sent[i].second));
      }
    } else {
      std::vector<std::pair<Ciphertext, std::string>> sent;
      for (int i = 0; i < n; ++i) {
        std::string t = "theirs" + std::to_string(turn) + "/" + std::to_string(i);
        sent.emplace_back(*p.theirs->Encrypt(kOurs, Text(t)), t);
      }
      std::shuffle(sent.begin(), sent.end(), rng);
      for (std::size_t i = 0; i < sent.size(); ++i) {
        if (i % 4 == 3) continue;  // dropped
        auto d = p.ours->Decrypt(Ours(sent[i].first));
        ASSERT_TRUE(d.has_value()) << sent[i].second << ": " << d.status();
        EXPECT_EQ(*d, Text(sent[i].second));
        // A replay is refused by us.
        EXPECT_THAT(p.ours->Decrypt(Ours(sent[i].first)), StatusIs(StatusCode::kDuplicateMessage));
      }
    }
  }
}

TEST_P(SessionInteropTest, SerializedAndRestoredInTheMiddle) {
  MixedPair p;
  GetParam() ? p.WeInitiate(true) : p.TheyInitiate(true);
  for (int i = 0; i < 5; ++i) {
    p.TheirsToOurs("before " + std::to_string(i));
    p.OursToTheirs("before " + std::to_string(i));
  }
  auto ours_saved = p.ours->Serialize();
  auto theirs_saved = p.theirs->SerializeSession(kOurs);
  ASSERT_TRUE(theirs_saved.has_value());
  p.ours.reset();
  p.theirs->DeleteSession(kOurs);
  auto restored = Session::Deserialize(ours_saved.view());
  ASSERT_TRUE(restored.has_value()) << restored.status();
  p.ours.emplace(std::move(*restored));
  ASSERT_OK(p.theirs->RestoreSession(kOurs, *theirs_saved));
  for (int i = 0; i < 5; ++i) {
    p.OursToTheirs("after " + std::to_string(i));
    p.TheirsToOurs("after " + std::to_string(i));
  }
}

TEST_P(SessionInteropTest, TamperedMessageRejectedByUsWithoutStateChange) {
  MixedPair p;
  GetParam() ? p.WeInitiate(true) : p.TheyInitiate(true);
  p.TheirsToOurs("ack");
  p.OursToTheirs("ack");  // now both sides send plain SignalMessages
  auto c = p.theirs->Encrypt(kOurs, Text("tamper me"));
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->type, Ciphertext::kSignalType);
  auto bad = Ours(*c);
  bad.bytes[bad.bytes.size() - 3] ^= 0x10;
  const auto before = p.ours->Serialize();
  EXPECT_THAT(p.ours->Decrypt(bad), StatusIs(StatusCode::kBadMac));
  EXPECT_TRUE(p.ours->Serialize().Equals(before));
  auto good = p.ours->Decrypt(Ours(*c));
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, Text("tamper me"));
}

INSTANTIATE_TEST_SUITE_P(BothInitiators, SessionInteropTest, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "WeInitiate" : "TheyInitiate";
                         });

TEST(XEdDSAInterop, SignaturesVerifyAcrossImplementations) {
  auto theirs = LibsignalPeer::Create(1);
  const auto their_key = session::ParsePublicKey(theirs->IdentityPublicKey()).value();
  for (int i = 0; i < 50; ++i) {
    const Bytes msg = Text("message " + std::to_string(i));
    // Theirs -> ours (libsignal puts the Edwards sign bit in bit 255 of s).
    auto sig = theirs->Sign(msg);
    ASSERT_TRUE(sig.has_value());
    crypto::XEdDSASignature s{};
    std::copy(sig->begin(), sig->end(), s.begin());
    EXPECT_OK(crypto::XEdDSAVerify(their_key, msg, s)) << i;
    s[10] ^= 1;
    EXPECT_FALSE(crypto::XEdDSAVerify(their_key, msg, s).ok());
    // Ours -> theirs, with fresh keys so both Edwards signs occur.
    auto kp = crypto::GenerateX25519KeyPair();
    auto our_sig = crypto::XEdDSASign(kp.private_key, msg);
    EXPECT_TRUE(theirs->Verify(Key33(kp.public_key), msg, our_sig)) << i;
    Bytes other = msg;
    other.push_back('!');
    EXPECT_FALSE(theirs->Verify(Key33(kp.public_key), other, our_sig));
  }
}

TEST(X25519Interop, AgreementsMatch) {
  auto theirs = LibsignalPeer::Create(1);
  for (int i = 0; i < 20; ++i) {
    auto a = crypto::GenerateX25519KeyPair();
    auto b = crypto::GenerateX25519KeyPair();
    auto ours = crypto::X25519(a.private_key, b.public_key);
    auto ref = theirs->Agreement(Key33(b.public_key), a.private_key.view());
    ASSERT_TRUE(ours.has_value() && ref.has_value());
    EXPECT_EQ(ToHex(ours->view()), ToHex(*ref));
  }
}

TEST(FingerprintInterop, SafetyNumbersEqual) {
  auto theirs = LibsignalPeer::Create(1);
  const auto their_key = session::ParsePublicKey(theirs->IdentityPublicKey()).value();
  auto ours = session::GenerateIdentityKeyPair();
  for (int iterations : {1, 1024, 5200}) {
    auto our_number =
        session::ComputeSafetyNumber("envoy-a", ours.public_key, "envoy-b", their_key, iterations);
    auto their_display = theirs->DisplayableFingerprint("envoy-b", Key33(their_key), "envoy-a",
                                                        Key33(ours.public_key), iterations);
    ASSERT_TRUE(their_display.has_value()) << their_display.status();
    EXPECT_EQ(our_number.displayable, *their_display) << iterations;
    auto their_scan = theirs->ScannableFingerprint("envoy-b", Key33(their_key), "envoy-a",
                                                   Key33(ours.public_key), iterations);
    ASSERT_TRUE(their_scan.has_value());
    // Each side accepts the other's scannable form.
    EXPECT_OK(session::CompareScannable(our_number.scannable, *their_scan));
    auto cmp = theirs->CompareScannableFingerprints(*their_scan, our_number.scannable);
    ASSERT_TRUE(cmp.has_value()) << cmp.status();
    EXPECT_TRUE(*cmp);
    // Our view of the pair as libsignal would compute it from our side.
    auto mirrored = theirs->ScannableFingerprint("envoy-a", Key33(ours.public_key), "envoy-b",
                                                 Key33(their_key), iterations);
    ASSERT_TRUE(mirrored.has_value());
    EXPECT_EQ(ToHex(our_number.scannable), ToHex(*mirrored));
  }
}

}  // namespace
}  // namespace backchannel
