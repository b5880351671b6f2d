// Feelers between two contacts on the fast in-process layer (the relay's
// real Router and SQLite store): pairing, results on both sides, expiry,
// the budget on both sides, refusals, history (feelers_fixture.h).
#include "feelers_client/feelers_fixture.h"

namespace backchannel::feelers_client {
namespace {

TEST_F(FeelersFastTest, OnlySharedTopicsAppearOnBothSides) {
  RunExchange(kAliceTopics, kBobTopics);
  auto alice = ListOk(*at_alice_);
  auto bob = ListOk(*at_bob_);
  ExpectOnlySharedShown(alice, bob, Shown(alice_reports_, alice), Shown(bob_reports_, bob));
  // Bob's own store holds no trace of Alice's unshared topic (his topics,
  // yes: they are his).
  auto keys = bob_->store().ListAppKeys("feelers", "");
  ASSERT_TRUE(keys.has_value());
  for (const auto& k : *keys) {
    auto v = bob_->store().GetAppValue("feelers", k);
    ASSERT_TRUE(v.has_value() && v->has_value());
    const std::string value(AsString(**v));
    EXPECT_EQ(value.find("alice-only"), std::string::npos) << k;
    EXPECT_EQ(value.find("hostage"), std::string::npos) << k;
  }
}

TEST_F(FeelersFastTest, CrossingSendsPair) {
  alice_reports_.push_back(SendOk(*at_alice_, "bob", kAliceTopics));
  bob_reports_.push_back(SendOk(*at_bob_, "alice", kBobTopics));
  for (int i = 0; i < 3; ++i) {
    alice_reports_.push_back(SyncOk(*at_alice_));
    bob_reports_.push_back(SyncOk(*at_bob_));
  }
  auto alice = ListOk(*at_alice_);
  auto bob = ListOk(*at_bob_);
  ExpectOnlySharedShown(alice, bob, Shown(alice_reports_, alice), Shown(bob_reports_, bob));
}

TEST_F(FeelersFastTest, LoneSendStaysPendingThenExpires) {
  SendOk(*at_alice_, "bob", {"ceasefire"});
  SyncOk(*at_bob_);
  SyncOk(*at_alice_);
  auto alice = ListOk(*at_alice_);
  auto bob = ListOk(*at_bob_);
  ASSERT_EQ(alice.size(), 1U);
  ASSERT_EQ(bob.size(), 1U);
  EXPECT_EQ(alice[0].phase, "offered");
  EXPECT_EQ(bob[0].phase, "incoming");
  EXPECT_TRUE(bob[0].topics.empty()) << "nothing of Bob's is filled in for him";
  EXPECT_TRUE(alice[0].matched.empty());
  // A second send while the first is pending is refused, changing nothing.
  EXPECT_THAT(at_alice_->Send("bob", {"other"}).status(),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(ListOk(*at_alice_).size(), 1U);

  this->Advance(std::chrono::hours(24 * 8));
  auto ended = at_alice_->Settle();
  ASSERT_TRUE(ended.has_value()) << ended.error();
  EXPECT_TRUE(Contains(ended->events, "expired: nothing was revealed"));
  alice = ListOk(*at_alice_);
  ASSERT_EQ(alice.size(), 1U);
  EXPECT_EQ(alice[0].phase, "expired");
  EXPECT_EQ(ListOk(*at_bob_)[0].phase, "expired");
}

TEST_F(FeelersFastTest, TheAnsweringSideEnforcesItsBudget) {
  // Alice's client would let her probe 10 times a day; Bob's keeps 3.
  MakeServices({10, 86400, 3}, {});
  for (int i = 0; i < 4; ++i) {
    SendOk(*at_alice_, "bob", {"topic " + std::to_string(i)});
    auto listed = ListOk(*at_alice_);
    ASSERT_FALSE(listed.empty());
    ASSERT_OK(at_alice_->Forget(listed.back().id));  // so she may send again
  }
  auto r = at_bob_->Sync();
  ASSERT_TRUE(r.has_value()) << r.error();
  ASSERT_EQ(r->refused.size(), 1U);
  EXPECT_THAT(r->refused[0], StatusIs(StatusCode::kResourceExhausted));
  EXPECT_EQ(ListOk(*at_bob_).size(), 3U) << "the fourth offer left no state";
  auto left = at_bob_->Remaining("alice");
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(*left, 0U);
}

TEST_F(FeelersFastTest, TheAskingSideRefusesOverBudgetWithAClearError) {
  for (int i = 0; i < 3; ++i) {
    SendOk(*at_alice_, "bob", {"topic " + std::to_string(i)});
    ASSERT_OK(at_alice_->Forget(ListOk(*at_alice_).back().id));
  }
  auto r = at_alice_->Send("bob", {"one more"});
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.status(), StatusIs(StatusCode::kResourceExhausted));
  EXPECT_TRUE(ListOk(*at_alice_).empty()) << "the refused send kept nothing";
}

TEST_F(FeelersFastTest, BadInputIsRefusedAndChangesNothing) {
  EXPECT_THAT(at_alice_->Send("bob", {}).status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(at_alice_->Send("bob", {"   "}).status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(at_alice_->Send("nobody", {"x"}).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(at_alice_->Forget("zz"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(at_alice_->Forget("00"), StatusIs(StatusCode::kNotFound));
  EXPECT_TRUE(ListOk(*at_alice_).empty());
  auto left = at_alice_->Remaining("bob");
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(*left, 3U);
}

TEST_F(FeelersFastTest, HistoryIsKeptAndDeletable) {
  RunExchange(kAliceTopics, kBobTopics);
  auto alice = ListOk(*at_alice_);
  ASSERT_EQ(alice.size(), 1U);
  EXPECT_GT(alice[0].created_at, 0);
  ASSERT_OK(at_alice_->Forget(alice[0].id));
  EXPECT_TRUE(ListOk(*at_alice_).empty());
  EXPECT_EQ(ListOk(*at_bob_).size(), 1U) << "Bob's history is his";
}

TEST_F(FeelersFastTest, AMessageForNoExchangeIsRefused) {
  // A finish replayed into a fresh exchange's place: Bob forgot the
  // exchange, so the late messages name nothing of his.
  SendOk(*at_alice_, "bob", kAliceTopics);
  SyncOk(*at_bob_);
  SendOk(*at_bob_, "alice", kBobTopics);
  ASSERT_OK(at_bob_->Forget(ListOk(*at_bob_)[0].id));
  SyncOk(*at_alice_);
  auto r = at_bob_->Sync();
  ASSERT_TRUE(r.has_value()) << r.error();
  ASSERT_EQ(r->refused.size(), 2U);  // Alice's response and finish
  EXPECT_THAT(r->refused[0], StatusIs(StatusCode::kNotFound));
  EXPECT_TRUE(ListOk(*at_bob_).empty());
}

TEST_F(FeelersFastTest, AnExchangeTheContactWithholdsIsAttributedAndCharged) {
  // Bob answers, then drops the exchange before Alice's Finish arrives: he
  // never sends his. Alice's Finish went out, so expiry ends hers withheld.
  SendOk(*at_alice_, "bob", kAliceTopics);
  SyncOk(*at_bob_);
  SendOk(*at_bob_, "alice", kBobTopics);
  SyncOk(*at_alice_);
  EXPECT_EQ(ListOk(*at_alice_)[0].phase, "finished");
  ASSERT_OK(at_bob_->Forget(ListOk(*at_bob_)[0].id));
  auto left_before = at_alice_->Remaining("bob");
  ASSERT_TRUE(left_before.has_value());

  this->Advance(std::chrono::hours(24 * 7 + 1));
  auto ended = at_alice_->Settle();
  ASSERT_TRUE(ended.has_value()) << ended.error();
  EXPECT_TRUE(Contains(ended->events, "bob could learn the result and withheld yours"));
  auto alice = ListOk(*at_alice_);
  ASSERT_EQ(alice.size(), 1U);
  EXPECT_EQ(alice[0].phase, "withheld");
  EXPECT_EQ(alice[0].notice, "bob could learn the result and withheld yours");
  EXPECT_TRUE(alice[0].matched.empty());
  // The penalty (3 units) spends bob's whole window with Alice.
  auto left = at_alice_->Remaining("bob");
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(*left, 0U);
  EXPECT_THAT(at_alice_->Send("bob", {"again"}).status(), StatusIs(StatusCode::kResourceExhausted));
}

}  // namespace
}  // namespace backchannel::feelers_client
