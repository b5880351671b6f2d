#include "backchannel/session/session.h"

#include <gtest/gtest.h>

#include "session/session_pair.h"
#include "testing/status_matchers.h"

namespace backchannel::session {
namespace {

using ::backchannel::testing::StatusIs;

using testing::SessionPair;
using testing::Text;

TEST(SessionTest, ConversationBothWays) {
  SessionPair p;
  EXPECT_TRUE(p.alice->has_unacknowledged_pre_key());
  auto reply = p.bob->Encrypt(Text("hello alice"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->type, CiphertextMessage::Type::kSignal);
  auto got = p.alice->Decrypt(*reply);
  ASSERT_TRUE(got.has_value()) << got.status();
  EXPECT_EQ(*got, Text("hello alice"));
  EXPECT_FALSE(p.alice->has_unacknowledged_pre_key());
  for (int i = 0; i < 20; ++i) {
    auto& from = (i % 3 == 0) ? *p.bob : *p.alice;
    auto& to = (i % 3 == 0) ? *p.alice : *p.bob;
    const Bytes text = Text("message " + std::to_string(i));
    auto c = from.Encrypt(text);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->type, CiphertextMessage::Type::kSignal);
    auto d = to.Decrypt(*c);
    ASSERT_TRUE(d.has_value()) << i << ": " << d.status();
    EXPECT_EQ(*d, text);
  }
  EXPECT_EQ(p.alice->remote_identity(), p.bob_identity.public_key);
  EXPECT_EQ(p.bob->remote_identity(), p.alice_identity.public_key);
  EXPECT_EQ(p.bob->remote_registration_id(), p.alice_reg);
}

TEST(SessionTest, WithoutOneTimePreKey) {
  SessionPair p({}, /*one_time=*/false);
  auto c = p.bob->Encrypt(Text("x"));
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(p.alice->Decrypt(*c).has_value());
}

TEST(SessionTest, InitiatorKeepsSendingPreKeyMessagesUntilReply) {
  SessionPair p;
  auto second = p.alice->Encrypt(Text("second"));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->type, CiphertextMessage::Type::kPreKey);
  auto d = p.bob->Decrypt(*second);  // same session: decrypts without prekeys
  ASSERT_TRUE(d.has_value()) << d.status();
  EXPECT_EQ(*d, Text("second"));
}

TEST(SessionTest, RejectsBundleWithBadSignature) {
  SessionPair p;
  auto bundle = p.bob_prekeys.MakeBundle(p.bob_identity, p.bob_reg, 7, 42);
  bundle.signed_pre_key_signature[5] ^= 1;
  auto s = Session::Initiate(p.alice_identity, p.alice_reg, bundle);
  ASSERT_FALSE(s.has_value());
  EXPECT_THAT(s, StatusIs(StatusCode::kBadSignature));
  bundle = p.bob_prekeys.MakeBundle(p.bob_identity, p.bob_reg, 7, 42);
  bundle.identity_key = p.alice_identity.public_key;  // someone else's identity
  EXPECT_THAT(Session::Initiate(p.alice_identity, p.alice_reg, bundle),
              StatusIs(StatusCode::kBadSignature));
}

TEST(SessionTest, SerializeRestoreMidConversation) {
  SessionPair p;
  auto r = p.bob->Encrypt(Text("a"));
  ASSERT_TRUE(p.alice->Decrypt(*r).has_value());
  auto saved_alice = p.alice->Serialize();
  auto saved_bob = p.bob->Serialize();
  auto alice2 = Session::Deserialize(saved_alice.view());
  auto bob2 = Session::Deserialize(saved_bob.view());
  ASSERT_TRUE(alice2.has_value()) << alice2.status();
  ASSERT_TRUE(bob2.has_value()) << bob2.status();
  EXPECT_TRUE(alice2->Serialize().Equals(saved_alice));
  auto c = alice2->Encrypt(Text("after restore"));
  auto d = bob2->Decrypt(*c);
  ASSERT_TRUE(d.has_value()) << d.status();
  EXPECT_EQ(*d, Text("after restore"));
}

TEST(SessionTest, DeserializeRejectsGarbage) {
  EXPECT_THAT(Session::Deserialize(Text("not a session")), StatusIs(StatusCode::kCorrupt));
  EXPECT_FALSE(Session::Deserialize({}).has_value());
  SessionPair p;
  auto saved = p.alice->Serialize().ExposeCopy();
  saved.resize(saved.size() / 2);
  EXPECT_FALSE(Session::Deserialize(saved).has_value());
}

TEST(SessionTest, NewSessionFromSameContactReplacesOldOne) {
  SessionPair p;
  // Alice loses her state and starts again from a fresh bundle.
  p.bob_prekeys.AddOneTime(GenerateOneTimePreKey(43));
  auto bundle = p.bob_prekeys.MakeBundle(p.bob_identity, p.bob_reg, 7, 43);
  auto fresh = Session::Initiate(p.alice_identity, p.alice_reg, bundle);
  ASSERT_TRUE(fresh.has_value());
  auto c = fresh->Encrypt(Text("I reset"));
  EXPECT_THAT(p.bob->Decrypt(*c), StatusIs(StatusCode::kInvalidMessage));
  std::optional<std::uint32_t> consumed;
  auto d = p.bob->DecryptPreKey(p.bob_identity, p.bob_prekeys, c->bytes, &consumed);
  ASSERT_TRUE(d.has_value()) << d.status();
  EXPECT_EQ(*d, Text("I reset"));
  EXPECT_EQ(consumed, 43U);
  auto back = p.bob->Encrypt(Text("welcome back"));
  EXPECT_EQ(*fresh->Decrypt(*back), Text("welcome back"));
}

TEST(SessionTest, NewSessionFromDifferentIdentityIsUntrusted) {
  SessionPair p;
  auto mallory = GenerateIdentityKeyPair();
  p.bob_prekeys.AddOneTime(GenerateOneTimePreKey(44));
  auto bundle = p.bob_prekeys.MakeBundle(p.bob_identity, p.bob_reg, 7, 44);
  auto m = Session::Initiate(mallory, 9, bundle);
  auto c = m->Encrypt(Text("trust me"));
  auto before = p.bob->Serialize();
  EXPECT_THAT(p.bob->DecryptPreKey(p.bob_identity, p.bob_prekeys, c->bytes),
              StatusIs(StatusCode::kUntrusted));
  EXPECT_TRUE(p.bob->Serialize().Equals(before));
}

}  // namespace
}  // namespace backchannel::session
