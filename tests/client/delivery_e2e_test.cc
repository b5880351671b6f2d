// Nothing lost (issue 11), over the real relay process, for what only it
// shows:
//   - the outbox across a relay killed and restarted: a message the relay
//     cannot take is queued, not lost, and goes out in order once it is
//     back;
//   - two Client objects on one home (two connections, as two processes
//     have) sending and receiving at once lose no session update.
// The rest of delivery runs on the in-process layer (delivery_test.cc).
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