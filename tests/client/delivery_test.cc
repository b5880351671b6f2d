// Nothing lost, nothing forged (issue 11), over the fast in-process layer:
//   - a post whose reply was lost is retried byte-identical and shown once;
//   - a refusal that will not pass by itself is loud and can be cancelled;
//   - forged or replayed envelopes naming a contact change nothing (no
//     reset, no session change, at most one notice per interval).
// The outbox across a relay restart and two writers on one home stay on the
// real relay process (delivery_e2e_test.cc).
#include <gtest/gtest.h>

#include "backchannel/client/payload.h"
#include "backchannel/envelope/envelope.h"
#include "client/channel_fixture.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;

using DeliveryTest = ChannelFastTest;

TEST_F(DeliveryTest, ARetryPostsTheSameBytesAndTheRecipientShowsTheMessageOnce) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  inproc_->SetReachable(false);
  auto sent = alice->Send("bob", "only once");
  ASSERT_OK(sent);
  ASSERT_TRUE(sent->queued);
  auto entry = alice->Outbox();
  ASSERT_OK(entry);
  ASSERT_EQ(entry->size(), 1U);
  const Bytes envelope = (*entry)[0].envelope;

  // As if the relay had committed a post whose reply was lost: the same
  // bytes are already in Bob's mailbox when Alice retries.
  inproc_->SetReachable(true);
  auto contact = alice->store().GetContact("bob");
  ASSERT_OK(contact);
  RelayClient to({contact->address.relay, contact->address.pin}, transport());
  ASSERT_OK(to.PostMessage(contact->address.mailbox, contact->address.delivery_token, envelope));
  auto flushed = alice->FlushOutbox();
  ASSERT_OK(flushed);
  EXPECT_EQ(flushed->sent, 1);

  auto rc = bob->store().GetRelayConfig();
  ASSERT_OK(rc);
  RelayClient as_bob({rc->address, rc->pin}, rc->mailbox, rc->auth_key, transport());
  auto queued = as_bob.ListMessages();
  ASSERT_OK(queued);
  ASSERT_EQ(queued->messages.size(), 2U);
  EXPECT_EQ(queued->messages[0].envelope, queued->messages[1].envelope) << "byte-identical retry";
  auto r = Recv(*bob);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice"), std::vector<std::string>{"only once"});
}

TEST_F(DeliveryTest, ARefusalThatWillNotPassIsLoudAndTheMessageCanBeCancelled) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  // Bob's address as Alice holds it now names a token the relay refuses.
  auto contact = alice->store().GetContact("bob");
  ASSERT_OK(contact);
  contact->address.delivery_token = DeliveryToken{};  // all zero: not the relay's token
  ASSERT_OK(alice->store().PutContact(*contact));

  auto sent = alice->Send("bob", "to a closed door");
  ASSERT_OK(sent);
  EXPECT_TRUE(sent->queued);
  EXPECT_TRUE(sent->refused);
  EXPECT_THAT(sent->reason, StatusIs(StatusCode::kPermissionDenied)) << sent->reason;
  auto flushed = alice->FlushOutbox();
  ASSERT_OK(flushed);
  ASSERT_EQ(flushed->errors.size(), 1U);
  EXPECT_EQ(alice->Outbox()->size(), 1U);

  EXPECT_THAT(alice->CancelQueued("no-such-id"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(alice->CancelQueued(""), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK(alice->CancelQueued(sent->message_id.substr(0, 8)));
  EXPECT_TRUE(alice->Outbox()->empty());
  EXPECT_EQ(Deliveries(*alice, "bob"), std::vector<Delivery>{Delivery::kCancelled});
  EXPECT_TRUE(Recv(*bob).stored.empty());
}

// An envelope sealed to Bob that names Alice as its sender, carrying bytes
// that are not Alice's session: what anyone holding Bob's address, token and
// Alice's identity key (an invitation carries them) can make.
Bytes ForgedFromAlice(Client& alice, Client& bob, session::CiphertextMessage::Type type) {
  envelope::InnerEnvelope inner;
  inner.sender_identity = alice.identity_key();
  inner.reply_to.mailbox.mutable_bytes().fill(7);
  inner.reply_to.delivery_token.mutable_bytes().fill(9);
  inner.content_type = type;
  inner.ciphertext = Bytes(120, 0x42);
  inner.message_id = envelope::NewClientMessageId();
  auto sealed = envelope::Seal(inner, bob.identity_key());
  EXPECT_TRUE(sealed.has_value()) << sealed.error();
  return sealed.has_value() ? *sealed : Bytes{};
}

TEST_F(DeliveryTest, ForgedEnvelopesNamingAContactNeitherResetNorChangeTheSession) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  ASSERT_OK(alice->Send("bob", "hello"));
  Recv(*bob);
  const Bytes before = SessionBytes(*bob, "alice");
  const auto lines_before = bob->Messages("alice")->size();

  auto rc = bob->store().GetRelayConfig();
  ASSERT_OK(rc);
  RelayClient attacker({rc->address, rc->pin}, transport());
  for (auto type :
       {session::CiphertextMessage::Type::kSignal, session::CiphertextMessage::Type::kPreKey,
        session::CiphertextMessage::Type::kSignal}) {
    ASSERT_OK(
        attacker.PostMessage(rc->mailbox, rc->delivery_token, ForgedFromAlice(*alice, *bob, type)));
  }
  auto r = Recv(*bob);
  EXPECT_EQ(r.undecryptable, 3);
  ASSERT_EQ(r.stored.size(), 1U) << "one notice per interval, not one per forgery";
  EXPECT_NE(r.stored[0].body.find("could not be decrypted"), std::string::npos);
  EXPECT_EQ(SessionBytes(*bob, "alice"), before) << "the session is untouched";
  EXPECT_EQ(bob->Messages("alice")->size(), lines_before + 1);
  EXPECT_TRUE(Recv(*alice).stored.empty()) << "no reset reached Alice";

  // The channel works on, both ways, in the same session.
  ASSERT_OK(alice->Send("bob", "still here"));
  auto after = Recv(*bob);
  EXPECT_TRUE(after.refused.empty()) << after.refused[0];
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice").back(), "still here");
  ASSERT_OK(bob->Send("alice", "and me"));
  EXPECT_EQ(Recv(*alice).stored.size(), 1U);
}

TEST_F(DeliveryTest, AReplayedFirstMessageAfterItsSessionMovedOnChangesNothing) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  ASSERT_OK(alice->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  ASSERT_TRUE(bob->AcceptInvitation(Invite(*alice), "", /*trust_authority=*/true).has_value());
  // Bob's hello (a PreKeySignalMessage) waits in Alice's mailbox: keep it.
  auto rc = alice->store().GetRelayConfig();
  ASSERT_OK(rc);
  RelayClient as_alice({rc->address, rc->pin}, rc->mailbox, rc->auth_key, transport());
  auto queued = as_alice.ListMessages();
  ASSERT_OK(queued);
  ASSERT_EQ(queued->messages.size(), 1U);
  const Bytes hello = queued->messages[0].envelope;
  Recv(*alice);
  Recv(*bob);
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(bob->Send("alice", "b" + std::to_string(i)));
    Recv(*alice);
    ASSERT_OK(alice->Send("bob", "a" + std::to_string(i)));
    Recv(*bob);
  }
  const Bytes before = SessionBytes(*alice, "bob");
  const auto lines = alice->Messages("bob")->size();

  ASSERT_OK(as_alice.PostMessage(rc->mailbox, rc->delivery_token, hello));
  auto r = Recv(*alice);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_TRUE(r.stored.empty());
  EXPECT_EQ(SessionBytes(*alice, "bob"), before);
  EXPECT_EQ(alice->Messages("bob")->size(), lines);
  ASSERT_OK(bob->Send("alice", "after the replay"));
  EXPECT_EQ(Recv(*alice).stored.size(), 1U);
}

}  // namespace
}  // namespace backchannel::client
