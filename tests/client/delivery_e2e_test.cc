// Nothing lost, nothing forged (issue 11), over the real relay process:
//   - the outbox: a message the relay cannot take is queued, not lost, and
//     goes out byte-identical and in order once the relay is back; a
//     refusal that will not pass by itself is loud and can be cancelled;
//   - forged or replayed envelopes naming a contact change nothing (no
//     reset, no session change, at most one notice per interval);
//   - two Client objects on one home (two connections, as two processes
//     have) sending and receiving at once lose no session update.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "backchannel/client/payload.h"
#include "backchannel/envelope/envelope.h"
#include "client/channel_fixture.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;

class DeliveryE2eTest : public ChannelE2eTest {
 protected:
  // Kills the relay (SIGKILL) and returns its port, for a restart.
  std::string KillRelay() {
    const std::string port = std::to_string(relay_->port());
    EXPECT_EQ(relay_->Signal(SIGKILL), 128 + SIGKILL);
    relay_.reset();
    return port;
  }
  void RestartRelay(const std::string& port) {
    auto restarted = RelayProcess::Start(
        BC_BACKCHANNELD_BINARY, {"--listen", "127.0.0.1:" + port, "--data", relay_dir_.path()});
    ASSERT_TRUE(restarted.has_value()) << restarted.status();
    relay_ = std::move(*restarted);
  }

  static std::vector<Delivery> Deliveries(Client& c, const std::string& contact) {
    std::vector<Delivery> out;
    auto messages = c.Messages(contact);
    EXPECT_TRUE(messages.has_value()) << messages.error();
    if (!messages) return out;
    for (const auto& m : *messages) {
      if (m.direction == Direction::kOut) out.push_back(m.delivery);
    }
    return out;
  }

  static Bytes SessionBytes(Client& c, const std::string& contact) {
    auto got = c.store().GetContact(contact);
    EXPECT_TRUE(got.has_value()) << got.error();
    return got.has_value() ? ToBytes(got->session.view()) : Bytes{};
  }
};

TEST_F(DeliveryE2eTest, MessagesSentWhileTheRelayIsDownAreQueuedAndArriveInOrder) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  Recorder at_bob;
  bob->SetAppHandler("talks", at_bob.For(*bob));

  const std::string port = KillRelay();
  auto first = alice->Send("bob", "one");
  ASSERT_OK(first);
  EXPECT_TRUE(first->queued);
  EXPECT_FALSE(first->refused);
  EXPECT_THAT(first->reason, StatusIs(StatusCode::kUnavailable)) << first->reason;
  auto app = alice->SendApp("bob", "talks", AsBytes("agenda item"));
  ASSERT_OK(app);
  EXPECT_TRUE(app->queued);
  auto third = alice->Send("bob", "three");
  ASSERT_OK(third);
  EXPECT_TRUE(third->queued);

  EXPECT_EQ(Deliveries(*alice, "bob"),
            (std::vector<Delivery>{Delivery::kQueued, Delivery::kQueued}));
  auto status = alice->GetStatus();
  ASSERT_OK(status);
  EXPECT_EQ(status->outbox, 3U);
  auto waiting = alice->Outbox();
  ASSERT_OK(waiting);
  ASSERT_EQ(waiting->size(), 3U);
  EXPECT_EQ((*waiting)[0].message_id, first->message_id);
  EXPECT_EQ((*waiting)[0].attempts, 3) << "each of the three sends tried the first";
  EXPECT_NE((*waiting)[0].last_error.find("sending to bob"), std::string::npos);

  RestartRelay(port);
  auto flushed = alice->FlushOutbox();
  ASSERT_OK(flushed);
  EXPECT_EQ(flushed->sent, 3);
  EXPECT_EQ(flushed->queued, 0);
  EXPECT_TRUE(alice->Outbox()->empty());
  EXPECT_EQ(Deliveries(*alice, "bob"), (std::vector<Delivery>{Delivery::kSent, Delivery::kSent}));

  // Bob's relay held them in posting order: text, app, text.
  auto rc = bob->store().GetRelayConfig();
  ASSERT_OK(rc);
  RelayClient as_bob({rc->address, rc->pin}, rc->mailbox, rc->auth_key);
  auto queued = as_bob.ListMessages();
  ASSERT_OK(queued);
  ASSERT_EQ(queued->messages.size(), 3U);
  auto r = Recv(*bob);
  EXPECT_TRUE(r.refused.empty()) << r.refused[0];
  EXPECT_EQ(r.app_messages, 1);
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice"), (std::vector<std::string>{"one", "three"}));
  ASSERT_EQ(at_bob.seen.size(), 1U);
  EXPECT_EQ(at_bob.seen[0].message_id, app->message_id);
}

TEST_F(DeliveryE2eTest, ARetryPostsTheSameBytesAndTheRecipientShowsTheMessageOnce) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  const std::string port = KillRelay();
  auto sent = alice->Send("bob", "only once");
  ASSERT_OK(sent);
  ASSERT_TRUE(sent->queued);
  auto entry = alice->Outbox();
  ASSERT_OK(entry);
  ASSERT_EQ(entry->size(), 1U);
  const Bytes envelope = (*entry)[0].envelope;

  // As if the relay had committed a post whose reply was lost: the same
  // bytes are already in Bob's mailbox when Alice retries.
  RestartRelay(port);
  auto contact = alice->store().GetContact("bob");
  ASSERT_OK(contact);
  RelayClient to({contact->address.relay, contact->address.pin});
  ASSERT_OK(to.PostMessage(contact->address.mailbox, contact->address.delivery_token, envelope));
  auto flushed = alice->FlushOutbox();
  ASSERT_OK(flushed);
  EXPECT_EQ(flushed->sent, 1);

  auto rc = bob->store().GetRelayConfig();
  ASSERT_OK(rc);
  RelayClient as_bob({rc->address, rc->pin}, rc->mailbox, rc->auth_key);
  auto queued = as_bob.ListMessages();
  ASSERT_OK(queued);
  ASSERT_EQ(queued->messages.size(), 2U);
  EXPECT_EQ(queued->messages[0].envelope, queued->messages[1].envelope) << "byte-identical retry";
  auto r = Recv(*bob);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice"), std::vector<std::string>{"only once"});
}

TEST_F(DeliveryE2eTest, ARefusalThatWillNotPassIsLoudAndTheMessageCanBeCancelled) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  // Bob's address as Alice holds it now names a token the relay refuses.
  auto contact = alice->store().GetContact("bob");
  ASSERT_OK(contact);
  contact->address.delivery_token = std::string(43, 'A');
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
  inner.reply_to.mailbox.fill(7);
  inner.reply_to.delivery_token.fill(9);
  inner.content_type = type;
  inner.ciphertext = Bytes(120, 0x42);
  inner.message_id = envelope::NewClientMessageId();
  auto sealed = envelope::Seal(inner, bob.identity_key());
  EXPECT_TRUE(sealed.has_value()) << sealed.error();
  return sealed.has_value() ? *sealed : Bytes{};
}

TEST_F(DeliveryE2eTest, ForgedEnvelopesNamingAContactNeitherResetNorChangeTheSession) {
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
  RelayClient attacker({rc->address, rc->pin});
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

TEST_F(DeliveryE2eTest, AReplayedFirstMessageAfterItsSessionMovedOnChangesNothing) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  ASSERT_OK(alice->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  ASSERT_TRUE(bob->AcceptInvitation(Invite(*alice), "", /*trust_authority=*/true).has_value());
  // Bob's hello (a PreKeySignalMessage) waits in Alice's mailbox: keep it.
  auto rc = alice->store().GetRelayConfig();
  ASSERT_OK(rc);
  RelayClient as_alice({rc->address, rc->pin}, rc->mailbox, rc->auth_key);
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

TEST_F(DeliveryE2eTest, TwoWritersOnOneHomeLoseNoSessionUpdate) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  // A second Client on Alice's home: its own SQLite connection, as a second
  // process (`listen` in one terminal, `send` in another) has.
  auto alice2 = Client::Open(Options("alice"), Pass("pw-alice"));
  ASSERT_OK(alice2);

  constexpr int kEach = 12;
  std::atomic<int> heard{0};
  Status listened = Internal("not run");
  std::thread listener([&] {
    listened = alice->Listen(std::chrono::seconds(30), [&](const StoredMessage& m) {
      if (m.direction == Direction::kIn) ++heard;
      return heard < kEach;
    });
  });
  std::thread alice_sends([&] {
    for (int i = 0; i < kEach; ++i)
      EXPECT_OK((*alice2)->Send("bob", "from alice " + std::to_string(i)));
  });
  for (int i = 0; i < kEach; ++i) ASSERT_OK(bob->Send("alice", "from bob " + std::to_string(i)));
  alice_sends.join();
  listener.join();
  ASSERT_OK(listened);
  EXPECT_EQ(heard.load(), kEach);

  auto r = Recv(*bob);
  EXPECT_EQ(r.undecryptable, 0) << "no message key was used twice";
  EXPECT_TRUE(r.refused.empty()) << r.refused[0];
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice").size(), static_cast<std::size_t>(kEach));
  EXPECT_EQ(Bodies(**alice2, Direction::kIn, "bob").size(), static_cast<std::size_t>(kEach));
  // And the session both wrote still works both ways.
  ASSERT_OK(bob->Send("alice", "last"));
  EXPECT_EQ(Recv(**alice2).stored.size(), 1U);
  ASSERT_OK((*alice2)->Send("bob", "last"));
  EXPECT_EQ(Recv(*bob).stored.size(), 1U);
}

}  // namespace
}  // namespace backchannel::client
