// The application core's channel operations (app/channel.h) over two real
// clients and the real relay process: the view models say what a face shows
// (roles from credentials, whether a safety number still counts, delivery
// state), requests decoded from JSON run the same operations, and a refused
// request changes nothing.
#include <gtest/gtest.h>
#include <signal.h>

#include "backchannel/app/talks_desk.h"
#include "backchannel/negotiation/domain.h"
#include "client/channel_fixture.h"

namespace backchannel::app {
namespace {

using ::backchannel::testing::StatusIs;
using client::ChannelE2eTest;

class AppChannelTest : public ChannelE2eTest {
 protected:
  void SetUp() override {
    ChannelE2eTest::SetUp();
    alice_ = Valid("alice", *us_, 1);
    bob_ = Valid("bob", *iran_, 2);
    ASSERT_TRUE(alice_ && bob_);
    Connect(*alice_, *bob_);
    alice_talks_ = std::make_unique<talks_client::TalksService>(*alice_);
    bob_talks_ = std::make_unique<talks_client::TalksService>(*bob_);
  }

  Channel AliceChannel() { return {*alice_, *alice_talks_}; }
  Channel BobChannel() { return {*bob_, *bob_talks_}; }

  std::unique_ptr<client::Client> alice_, bob_;
  std::unique_ptr<talks_client::TalksService> alice_talks_, bob_talks_;
};

TEST_F(AppChannelTest, ContactsSayRoleAndWhetherTheSafetyNumberStillCounts) {
  Channel alice = AliceChannel();
  auto contacts = alice.Contacts();
  ASSERT_OK(contacts);
  ASSERT_EQ(contacts->size(), 1U);
  const ContactView& bob = contacts->front();
  EXPECT_EQ(bob.name, "bob");
  EXPECT_EQ(bob.role, "envoy of Iran");
  EXPECT_TRUE(bob.credential_checked);
  EXPECT_FALSE(bob.safety_number_compared);
  EXPECT_EQ(bob.identity_key.size(), 66U);
  EXPECT_EQ(bob.identity_key.substr(0, 2), "05");

  ASSERT_OK(alice_->MarkSafetyNumberCompared("bob"));
  contacts = alice.Contacts();
  ASSERT_OK(contacts);
  EXPECT_TRUE(contacts->front().safety_number_compared);
  EXPECT_EQ(ToJson(contacts->front())["safety_number_compared"], true);
}

TEST_F(AppChannelTest, SendAndInboxCarryTheWordsAndTheirState) {
  auto sent = AliceChannel().Send({"bob", "Nothing is agreed until everything is agreed."});
  ASSERT_OK(sent);
  EXPECT_EQ(sent->state, "sent");
  EXPECT_FALSE(sent->id.empty());
  EXPECT_EQ(ToJson(*sent)["sent"], true);
  EXPECT_FALSE(ToJson(*sent).contains("reason"));

  auto inbox = BobChannel().Inbox({"alice", false});
  ASSERT_OK(inbox);
  ASSERT_EQ(inbox->receipt.received.size(), 1U);
  EXPECT_EQ(inbox->receipt.received[0].direction, "in");
  EXPECT_EQ(inbox->receipt.received[0].body, "Nothing is agreed until everything is agreed.");
  ASSERT_FALSE(inbox->messages.empty());
  EXPECT_EQ(inbox->messages.back().body, "Nothing is agreed until everything is agreed.");

  auto mine = AliceChannel().Inbox({"bob", /*offline=*/true});
  ASSERT_OK(mine);
  EXPECT_TRUE(mine->receipt.received.empty()) << "offline: nothing fetched";
  ASSERT_FALSE(mine->messages.empty());
  EXPECT_EQ(mine->messages.back().direction, "out");
  EXPECT_EQ(mine->messages.back().delivery, "sent");
}

TEST_F(AppChannelTest, AMessageToAStoppedRelayIsQueuedAndTheStatusCountsIt) {
  relay_->Signal(SIGKILL);
  auto sent = AliceChannel().Send({"bob", "Are you there?"});
  ASSERT_OK(sent);
  EXPECT_EQ(sent->state, "queued");
  EXPECT_FALSE(sent->reason.empty());
  EXPECT_EQ(ToJson(*sent)["state"], "queued");
  auto status = AliceChannel().HomeStatus();
  ASSERT_OK(status);
  EXPECT_EQ(status->outbox, 1U);
  EXPECT_FALSE(status->relay_reachable);
  EXPECT_FALSE(status->relay_error.empty());
  EXPECT_FALSE(ToJson(*status).contains("queued")) << "no relay figures without a relay";
  auto outbox = AliceChannel().Outbox("", false, "");
  ASSERT_OK(outbox);
  ASSERT_EQ(outbox->queued.size(), 1U);
  EXPECT_EQ(outbox->queued[0].contact, "bob");
}

TEST_F(AppChannelTest, RequestsFromJsonRunTheSameOperations) {
  Channel alice = AliceChannel();
  auto request = DecodeRequest(R"({"op": "send", "contact": "bob", "text": "From JSON."})");
  ASSERT_OK(request);
  auto body = Execute(alice, *request);
  ASSERT_OK(body);
  EXPECT_EQ((*body)["state"], "sent");

  request = DecodeRequest(R"({"op": "inbox", "contact": "alice"})");
  ASSERT_OK(request);
  Channel bob = BobChannel();
  body = Execute(bob, *request);
  ASSERT_OK(body);
  ASSERT_EQ((*body)["received"].size(), 1U);
  EXPECT_EQ((*body)["received"][0]["body"], "From JSON.");

  request = DecodeRequest(R"({"op": "contacts"})");
  ASSERT_OK(request);
  body = Execute(alice, *request);
  ASSERT_OK(body);
  EXPECT_EQ((*body)["contacts"][0]["name"], "bob");
}

TEST_F(AppChannelTest, ARefusedRequestChangesNothing) {
  Channel alice = AliceChannel();
  auto before = alice_->Messages("");
  ASSERT_OK(before);
  // Built by hand, so only ValidateRequest stands between it and the client.
  EXPECT_THAT(Execute(alice, Request(SendRequest{"bob", ""})).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Execute(alice, Request(SendRequest{"bo\nb", "x"})).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(alice.Send({"nobody", "hello"}).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Execute(alice, Request(TalksSayRequest{"geneva", "plenary", "x"})).status(),
              StatusIs(StatusCode::kNotFound))
      << "no such talks";
  auto after = alice_->Messages("");
  ASSERT_OK(after);
  EXPECT_EQ(after->size(), before->size());
  auto status = alice.HomeStatus();
  ASSERT_OK(status);
  EXPECT_EQ(status->outbox, 0U);
}

TEST_F(AppChannelTest, InviteAcceptAndFingerprintGoThroughTheCore) {
  auto carol = Valid("carol", *us_, 3);
  ASSERT_TRUE(carol);
  talks_client::TalksService carol_talks(*carol);
  Channel carol_channel(*carol, carol_talks);

  auto invite = BobChannel().Invite(/*rotate=*/false);
  ASSERT_OK(invite);
  EXPECT_EQ(invite->code.substr(0, 4), "bc1-");
  EXPECT_FALSE(ToJson(*invite).contains("contacts_told"));

  // Bob's authority (Iran) is not trusted by Carol: refused, nothing kept.
  EXPECT_THAT(carol_channel.Accept(invite->code, "", false).status(),
              StatusIs(StatusCode::kUntrusted));
  EXPECT_THAT(carol_channel.Accept("bc1-garbage", "", true).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_TRUE(carol_channel.Contacts()->empty());
  auto accepted = carol_channel.Accept(invite->code, "Amb. Bob", /*trust_authority=*/true);
  ASSERT_OK(accepted);
  EXPECT_EQ(accepted->contact, "Amb. Bob");

  auto number = carol_channel.Fingerprint("Amb. Bob", /*mark_compared=*/false);
  ASSERT_OK(number);
  EXPECT_FALSE(number->safety_number.empty());
  EXPECT_FALSE(carol_channel.Contacts()->front().safety_number_compared);
  ASSERT_OK(carol_channel.Fingerprint("Amb. Bob", /*mark_compared=*/true));
  EXPECT_TRUE(carol_channel.Contacts()->front().safety_number_compared);
  EXPECT_THAT(carol_channel.Fingerprint("nobody", true).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(carol_channel.Reset("nobody", ""), StatusIs(StatusCode::kNotFound));
}

// The agenda of the talks tests: two issues of three options.
negotiation::Domain Agenda() {
  negotiation::Domain d;
  d.name = "geneva";
  d.issues.push_back({"sanctions", negotiation::IssueKind::kDiscrete, {"kept", "eased", "lifted"}});
  d.issues.push_back(
      {"detainees", negotiation::IssueKind::kDiscrete, {"held", "transferred", "released"}});
  return d;
}

TEST_F(AppChannelTest, TalksRequestsRunThroughTheDeskAndResolveNames) {
  ASSERT_OK(alice_talks_->Create("geneva", "Geneva", Agenda(), {"United States", "Iran"}, ""));
  ASSERT_OK(alice_talks_->Invite("geneva", "bob", talks::Role::kEnvoy));
  Channel alice = AliceChannel();

  auto request = DecodeRequest(R"({"op": "talks.status", "talks": "geneva"})");
  ASSERT_OK(request);
  auto body = Execute(alice, *request);
  ASSERT_OK(body);
  ASSERT_EQ((*body)["result"]["talks"].size(), 1U);
  EXPECT_EQ((*body)["result"]["talks"][0]["talks"], "geneva");

  // Names as people write them are resolved against the table.
  request = DecodeRequest(
      R"({"op": "talks.say", "talks": "geneva", "scope": "direct:bob", "text": "Off the record."})");
  ASSERT_OK(request);
  body = Execute(alice, *request);
  ASSERT_OK(body);
  request = DecodeRequest(
      R"({"op": "talks.say", "talks": "geneva", "scope": "direct:nobody", "text": "x"})");
  ASSERT_OK(request);
  EXPECT_THAT(Execute(alice, *request).status(), StatusIs(StatusCode::kNotFound));

  // A move naming a guarantor who is not at the table: refused, nothing moved.
  TalksDesk desk(*alice_talks_);
  auto before = desk.Status({"geneva"});
  ASSERT_OK(before);
  ASSERT_TRUE(before->talks.has_value());
  ASSERT_EQ(before->talks->size(), 1U);
  TalksMoveRequest propose;
  propose.talks = "geneva";
  propose.move = "propose";
  propose.package = {{"sanctions", "eased"}, {"detainees", "released"}};
  propose.conditions = {"ICRC supervision@Ms. Nobody"};
  auto refused = desk.Move(propose);
  ASSERT_OK(refused) << "the sync ran";
  EXPECT_THAT(refused->status, StatusIs(StatusCode::kNotFound));
  auto after = desk.Status({"geneva"});
  ASSERT_OK(after);
  ASSERT_TRUE(after->talks.has_value());
  EXPECT_EQ(TalksViewJson(after->talks->at(0)), TalksViewJson(before->talks->at(0)));
  EXPECT_EQ(ToJson(*refused)["result"].size(), 0U);
}

}  // namespace
}  // namespace backchannel::app
