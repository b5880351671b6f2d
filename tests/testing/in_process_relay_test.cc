// The push-session logic the relay's WebSocket and the in-process layer
// share (relay/push_session.h), and the in-process layer itself: a
// RelayClient reaches the real Router through it as over TLS, a wrong pin is
// refused, an unreachable relay is kUnavailable, and a listener gets what is
// queued and pushed, each once, and its acks delete them.
#include "testing/in_process_relay.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backchannel/client/relay_client.h"
#include "backchannel/relay/push_session.h"
#include "backchannel/relay/router.h"
#include "testing/status_matchers.h"

namespace backchannel::testing {
namespace {

relay::StoredMessage Message(std::uint8_t n) {
  relay::StoredMessage m;
  m.id.mutable_bytes().fill(n);
  m.received_ms = 1000 + n;
  m.envelope = Bytes{n, n};
  return m;
}

std::string Ack(const relay::MessageId& id) {
  return R"({"type":"ack","id":")" + relay::IdToString(id) + R"("})";
}

TEST(PushSessionTest, PushesEachMessageOnceAndNeverOneAlreadyAcked) {
  relay::PushSession s(10);
  auto first = s.ListPage({Message(1), Message(2)});
  ASSERT_EQ(first.size(), 2U);
  EXPECT_EQ(first[0], relay::EncodeWsMessage(Message(1)));
  // A post racing the listing arrives both ways: pushed once.
  EXPECT_FALSE(s.Offer(Message(2)).has_value());
  EXPECT_TRUE(s.Offer(Message(3)).has_value());
  EXPECT_EQ(s.unacked(), 3U);
  auto in = relay::PushSession::Read(Ack(Message(1).id));
  ASSERT_TRUE(in.ack.has_value());
  EXPECT_EQ(*in.ack, Message(1).id);
  EXPECT_FALSE(s.Acked(*in.ack, Status::Ok())) << "the page was not full";
  // A listing made before the ack still holds message 1: not pushed again.
  EXPECT_TRUE(s.ListPage({Message(1), Message(2), Message(3)}).empty());
  // Acked elsewhere already (kNotFound) counts as acked; another error
  // does not.
  EXPECT_FALSE(s.Acked(Message(2).id, Status(StatusCode::kNotFound, "gone")));
  EXPECT_FALSE(s.Acked(Message(3).id, IoError("disk")));
  EXPECT_EQ(s.unacked(), 1U);
}

TEST(PushSessionTest, AFullPageIsFollowedByTheNextOnceEverythingIsAcked) {
  relay::PushSession s(10);
  std::vector<relay::StoredMessage> page;
  for (std::size_t i = 0; i < relay::PushSession::kPage; ++i) {
    relay::StoredMessage m;
    m.id.mutable_bytes().fill(0);
    m.id.mutable_bytes()[0] = static_cast<std::uint8_t>(i & 0xff);
    m.id.mutable_bytes()[1] = static_cast<std::uint8_t>(i >> 8);
    page.push_back(m);
  }
  EXPECT_EQ(s.ListPage(page).size(), relay::PushSession::kPage);
  for (std::size_t i = 0; i + 1 < page.size(); ++i) {
    EXPECT_FALSE(s.Acked(page[i].id, Status::Ok())) << i;
  }
  EXPECT_TRUE(s.Acked(page.back().id, Status::Ok())) << "list the next page now";
}

TEST(PushSessionTest, BadClientFramesGetAnErrorFrameAndPrekeysLowHasAThreshold) {
  for (const char* bad : {"", "{", "[]", R"({"type":5})", R"({"type":"ack"})",
                          R"({"type":"ack","id":"!!"})", R"({"type":"nack","id":"AAAA"})"}) {
    auto in = relay::PushSession::Read(bad);
    EXPECT_FALSE(in.ack.has_value()) << bad;
    EXPECT_NE(in.reply.find("bad_request"), std::string::npos) << bad;
  }
  relay::PushSession s(10);
  EXPECT_FALSE(s.PreKeysLow(10).has_value());
  ASSERT_TRUE(s.PreKeysLow(9).has_value());
  EXPECT_EQ(*s.PreKeysLow(9), relay::EncodeWsPreKeysLow(9));
}

class InProcessRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = InProcessRelay::Start();
    ASSERT_TRUE(started.has_value()) << started.status();
    relay_ = std::move(*started);
    endpoint_ = {relay_->address(), relay_->certificate_pin()};
    auth_ = client::GenerateMailboxAuthKey();
    auto created = client::RelayClient(endpoint_, relay_.get()).CreateMailbox(auth_.public_key);
    ASSERT_TRUE(created.has_value()) << created.error();
    mailbox_ = *created;
  }
  client::RelayClient Owner() const {
    return {endpoint_, mailbox_.mailbox, auth_.secret_key, relay_.get()};
  }
  Result<std::string> Post(std::string_view text) const {
    return client::RelayClient(endpoint_, relay_.get())
        .PostMessage(mailbox_.mailbox, mailbox_.delivery_token, AsBytes(text));
  }

  std::shared_ptr<InProcessRelay> relay_;
  client::RelayEndpoint endpoint_;
  client::MailboxAuthKey auth_;
  client::CreatedMailbox mailbox_;
};

TEST_F(InProcessRelayTest, RequestsReachTheRealRouterSignedAsOverTls) {
  ASSERT_OK(Post("one"));
  auto listed = Owner().ListMessages();
  ASSERT_OK(listed);
  ASSERT_EQ(listed->messages.size(), 1U);
  EXPECT_EQ(listed->messages[0].envelope, ToBytes(AsBytes("one")));
  ASSERT_OK(Owner().AckMessage(listed->messages[0].id));
  EXPECT_TRUE(Owner().ListMessages()->messages.empty());
  // Refusals are the Router's: a wrong token is 403 bad_token.
  auto refused = client::RelayClient(endpoint_, relay_.get())
                     .PostMessage(mailbox_.mailbox, DeliveryToken{}, AsBytes("x"));
  EXPECT_THAT(refused, StatusIs(StatusCode::kPermissionDenied));
  // An unsigned request for the owner's calls: the client refuses to send it.
  EXPECT_THAT(client::RelayClient(endpoint_, relay_.get()).ListMessages(),
              StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(InProcessRelayTest, AnotherPinAnotherAddressOrAnUnreachableRelayAreRefused) {
  const int before = static_cast<int>(relay_->requests());
  client::RelayEndpoint pinned = endpoint_;
  pinned.pin = CertificatePin();  // all zero
  auto r = client::RelayClient(pinned, relay_.get()).CreateMailbox(auth_.public_key);
  EXPECT_THAT(r, StatusIs(StatusCode::kUntrusted));
  EXPECT_EQ(r.error().message(), "relay certificate does not match the pin");
  client::RelayEndpoint elsewhere = endpoint_;
  elsewhere.address = "elsewhere:443";
  EXPECT_THAT(client::RelayClient(elsewhere, relay_.get()).CreateMailbox(auth_.public_key),
              StatusIs(StatusCode::kUnavailable));
  relay_->SetReachable(false);
  EXPECT_THAT(Post("down"), StatusIs(StatusCode::kUnavailable));
  EXPECT_EQ(relay_->requests(), before) << "none of them reached the Router";
  relay_->SetReachable(true);
  EXPECT_OK(Post("up"));
}

TEST_F(InProcessRelayTest, ListenGetsQueuedAndPushedMessagesOnceAndItsAcksDeleteThem) {
  ASSERT_OK(Post("queued"));
  std::vector<std::string> seen;
  Status s = Owner().Listen(
      [&](const client::PushEvent& e, bool& stop) -> Result<bool> {
        if (e.kind != client::PushEvent::Kind::kMessage) return false;
        seen.emplace_back(AsString(e.message.envelope));
        // A post while listening is pushed through the Router's listener.
        if (seen.size() == 1) {
          EXPECT_OK(Post("pushed"));
        }
        stop = seen.size() == 2;
        return true;
      },
      std::chrono::milliseconds(0));
  EXPECT_OK(s);
  EXPECT_EQ(seen, (std::vector<std::string>{"queued", "pushed"}));
  auto left = Owner().ListMessages();
  ASSERT_OK(left);
  EXPECT_TRUE(left->messages.empty()) << "both acked over the push connection";
}

TEST_F(InProcessRelayTest, ADroppedPushConnectionIsReconnectedAndPushesWhatWasNotAcked) {
  ASSERT_OK(Post("first"));
  std::vector<std::string> seen;
  int reconnections = 0;
  client::ListenOptions options;
  options.reconnect.initial_backoff = std::chrono::milliseconds(1);
  options.reconnect.max_backoff = std::chrono::milliseconds(1);
  options.on_connection = [&](const client::ConnectionEvent& e) {
    if (e.kind == client::ConnectionEvent::Kind::kReconnected) ++reconnections;
  };
  Status s = Owner().Listen(
      [&](const client::PushEvent& e, bool& stop) -> Result<bool> {
        seen.emplace_back(AsString(e.message.envelope));
        if (seen.size() == 1) {
          relay_->DropConnections();  // before the ack: pushed again
          return true;
        }
        stop = true;
        return true;
      },
      options);
  EXPECT_OK(s);
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "first"}));
  EXPECT_EQ(reconnections, 1);
}

}  // namespace
}  // namespace backchannel::testing
