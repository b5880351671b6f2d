// Every decryption failure returns its specific error and leaves the session
// byte-identical (compared through Serialize), after which the conversation
// continues normally.
#include <gtest/gtest.h>

#include "backchannel/common/encoding.h"
#include "session/session_pair.h"
#include "testing/status_matchers.h"

namespace backchannel::session {
namespace {

using ::backchannel::testing::StatusIs;

using testing::SessionPair;
using testing::Text;

class FailureAtomicityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Establish both directions so Alice's messages are SignalMessages.
    auto r = p_.bob->Encrypt(Text("ready"));
    ASSERT_TRUE(p_.alice->Decrypt(*r).has_value());
  }

  // Bob tries `bad`; it must fail with `code` and leave Bob unchanged; then a
  // fresh message from Alice still decrypts.
  void ExpectRejected(const CiphertextMessage& bad, StatusCode code) {
    const SecretBytes before = p_.bob->Serialize();
    auto r = p_.bob->Decrypt(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), code) << r.error();
    EXPECT_TRUE(p_.bob->Serialize().Equals(before)) << "state changed on " << r.error();
    ExpectConversationContinues();
  }

  void ExpectConversationContinues() {
    auto c = p_.alice->Encrypt(Text("still here"));
    auto d = p_.bob->Decrypt(*c);
    ASSERT_TRUE(d.has_value()) << d.status();
    EXPECT_EQ(*d, Text("still here"));
    auto back = p_.bob->Encrypt(Text("me too"));
    auto e = p_.alice->Decrypt(*back);
    ASSERT_TRUE(e.has_value()) << e.status();
  }

  CiphertextMessage Next(std::string_view text = "payload") {
    return *p_.alice->Encrypt(Text(text));
  }

  SessionPair p_;
};

TEST_F(FailureAtomicityTest, BadMac) {
  auto c = Next();
  c.bytes.back() ^= 0x01;
  ExpectRejected(c, StatusCode::kBadMac);
}

TEST_F(FailureAtomicityTest, CorruptCiphertextFailsMac) {
  auto c = Next();
  c.bytes[c.bytes.size() - 12] ^= 0x80;  // inside the ciphertext field
  ExpectRejected(c, StatusCode::kBadMac);
}

TEST_F(FailureAtomicityTest, Truncated) {
  auto c = Next();
  for (std::size_t keep : {0UL, 1UL, 5UL, 9UL, c.bytes.size() / 2, c.bytes.size() - 1}) {
    CiphertextMessage t{c.type, Bytes(c.bytes.begin(), c.bytes.begin() + static_cast<long>(keep))};
    const SecretBytes before = p_.bob->Serialize();
    auto r = p_.bob->Decrypt(t);
    ASSERT_FALSE(r.has_value()) << keep;
    EXPECT_TRUE(r.error().code() == StatusCode::kInvalidMessage ||
                r.error().code() == StatusCode::kBadMac)
        << keep << ": " << r.error();
    EXPECT_TRUE(p_.bob->Serialize().Equals(before));
  }
  ExpectConversationContinues();
}

TEST_F(FailureAtomicityTest, WrongVersion) {
  auto c = Next();
  c.bytes[0] = 0x22;  // version 2
  ExpectRejected(c, StatusCode::kUnsupportedVersion);
  c.bytes[0] = 0x43;  // version 4
  ExpectRejected(c, StatusCode::kUnsupportedVersion);
}

TEST_F(FailureAtomicityTest, Replay) {
  auto c = Next("once");
  auto d = p_.bob->Decrypt(c);
  ASSERT_TRUE(d.has_value());
  ExpectRejected(c, StatusCode::kDuplicateMessage);
}

TEST_F(FailureAtomicityTest, ReplayOfSkippedThenDelivered) {
  auto first = Next("first");
  auto second = Next("second");
  ASSERT_TRUE(p_.bob->Decrypt(second).has_value());
  ASSERT_TRUE(p_.bob->Decrypt(first).has_value());  // from the skipped keys
  ExpectRejected(first, StatusCode::kDuplicateMessage);
}

TEST_F(FailureAtomicityTest, TooManySkipped) {
  SessionOptions small;
  small.max_skip = 5;
  SessionPair q(small);
  auto r = q.bob->Encrypt(Text("r"));
  ASSERT_TRUE(q.alice->Decrypt(*r).has_value());
  for (int i = 0; i < 6; ++i) (void)q.alice->Encrypt(Text("dropped"));
  auto far = *q.alice->Encrypt(Text("far"));
  const SecretBytes before = q.bob->Serialize();
  auto d = q.bob->Decrypt(far);
  ASSERT_FALSE(d.has_value());
  EXPECT_THAT(d, StatusIs(StatusCode::kTooManySkipped));
  EXPECT_TRUE(q.bob->Serialize().Equals(before));
  // Within the bound it works.
  auto near = *q.alice->Encrypt(Text("near"));
  EXPECT_THAT(q.bob->Decrypt(near), StatusIs(StatusCode::kTooManySkipped));
}

TEST_F(FailureAtomicityTest, ForgedRatchetKeyFailsMac) {
  // A message claiming a new ratchet key triggers the DH ratchet on the side;
  // the MAC fails and nothing is committed.
  SessionPair other;
  auto r = other.bob->Encrypt(Text("x"));
  ASSERT_TRUE(other.alice->Decrypt(*r).has_value());
  auto foreign = *other.alice->Encrypt(Text("foreign"));
  ExpectRejected(foreign, StatusCode::kBadMac);
}

TEST_F(FailureAtomicityTest, UnknownPreKeyIdLeavesSessionUnchanged) {
  auto fresh_identity = p_.alice_identity.Clone();
  InMemoryPreKeyStore other_store;
  other_store.AddSigned(GenerateSignedPreKey(p_.bob_identity, 99));
  other_store.AddOneTime(GenerateOneTimePreKey(77));
  auto bundle = other_store.MakeBundle(p_.bob_identity, p_.bob_reg, 99, 77);
  auto s = Session::Initiate(fresh_identity, p_.alice_reg, bundle);
  auto c = *s->Encrypt(Text("unknown ids"));
  const SecretBytes before = p_.bob->Serialize();
  auto d = p_.bob->DecryptPreKey(p_.bob_identity, p_.bob_prekeys, c.bytes);
  ASSERT_FALSE(d.has_value());
  EXPECT_THAT(d, StatusIs(StatusCode::kInvalidKeyId));
  EXPECT_TRUE(p_.bob->Serialize().Equals(before));
  ExpectConversationContinues();
  // Without any session, Accept fails the same way.
  auto a = Session::Accept(p_.bob_identity, p_.bob_reg, p_.bob_prekeys, c.bytes);
  EXPECT_THAT(a, StatusIs(StatusCode::kInvalidKeyId));
}

TEST_F(FailureAtomicityTest, BadMacOnPreKeyMessageCreatesNothing) {
  SessionPair q;
  q.bob_prekeys.AddOneTime(GenerateOneTimePreKey(50));
  auto bundle = q.bob_prekeys.MakeBundle(q.bob_identity, q.bob_reg, 7, 50);
  auto s = Session::Initiate(q.alice_identity, q.alice_reg, bundle);
  auto c = *s->Encrypt(Text("x"));
  // Fields are serialized in field-number order, so the message ends with
  // registration_id (tag 0x28, 1111 = d7 08) and signed_pre_key_id (0x30 07);
  // the inner SignalMessage's MAC ends just before them.
  ASSERT_EQ(ToHex(ByteView(c.bytes).last(5)), "28d7083007");
  c.bytes[c.bytes.size() - 6] ^= 1;
  auto a = Session::Accept(q.bob_identity, q.bob_reg, q.bob_prekeys, c.bytes);
  ASSERT_FALSE(a.has_value());
  EXPECT_THAT(a, StatusIs(StatusCode::kBadMac));
}

}  // namespace
}  // namespace backchannel::session
