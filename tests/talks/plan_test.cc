// The talks plans (talks/plan.h) on their own: what a member must send, read
// off a state and never changing it. The simulator (talks_fixture.h) builds
// the states; each test asks a plan function and checks the messages and
// recipients it names, then executes the plan and checks the outcome.
#include "backchannel/talks/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "talks/talks_fixture.h"
#include "testing/status_matchers.h"

namespace backchannel::talks {
namespace {

using ::backchannel::testing::StatusIs;
using sim::Body;
using sim::kIran;
using sim::kUs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Names(const std::vector<Member>& members) {
  std::vector<std::string> out;
  for (const Member& m : members) out.push_back(m.name);
  std::sort(out.begin(), out.end());
  return out;
}

// What a plan function may not do: change the state it reads. Members,
// sequence, drafts and what is left to do say whether it did.
std::string Snapshot(const TalksState& s) {
  std::string out = "seq " + std::to_string(s.last_seq()) + " rule " + s.rule().ToString() + "\n";
  for (const auto& [id, m] : s.members()) out += "member " + m.name + "\n";
  for (const Draft& d : s.drafts()) out += "draft " + d.id + (d.tabled ? " tabled\n" : "\n");
  for (const auto& x : s.SubmissionsToDecide()) out += "to decide " + x.mid + "\n";
  for (const auto& e : s.EventsToForward()) out += "to forward " + e.mid + "\n";
  return out;
}

class TalksPlanTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(t.Open()); }

  // Every client's reaction plan is empty: the talks are quiet.
  void ExpectQuiet() {
    for (const auto& [id, s] : t.clients) {
      auto plan = PlanReaction(s, 1);
      ASSERT_OK(plan.status());
      EXPECT_TRUE(plan->empty()) << s.me().name << " still has " << plan->sends.size()
                                 << " message(s) to send";
    }
  }

  sim::Talks t;
};

TEST_F(TalksPlanTest, AfterOpeningEveryoneIsQuiet) {
  ExpectQuiet();
  // The simulator seated everyone through plans: each principal knows its
  // side and rule, the table never learns a side's principals.
  EXPECT_EQ(t.at(t.state).rule().ToString(), t.us_rule);
  EXPECT_EQ(t.at(t.leader).rule().ToString(), t.iran_rule);
  EXPECT_NE(t.at(t.pentagon).FindMember(t.state.id), nullptr);
  EXPECT_EQ(t.at(t.zarif).FindMember(t.state.id), nullptr);
  EXPECT_EQ(t.host().FindMember(t.leader.id), nullptr);
  EXPECT_NE(t.at(t.icrc).FindMember(t.zarif.id), nullptr);
}

TEST_F(TalksPlanTest, TheHostDecidesOneSubmissionAtATime) {
  ASSERT_OK(t.Submit(t.crocker, sim::Propose(sim::PackageA())));
  ASSERT_OK(t.Submit(t.zarif, sim::Counter(1, sim::PackageB())));
  const std::string before = Snapshot(t.host());
  auto plan = PlanReaction(t.host(), 77);
  ASSERT_OK(plan.status());
  EXPECT_EQ(Snapshot(t.host()), before);  // planning changes nothing
  ASSERT_EQ(plan->sends.size(), 1u);
  const PlannedSend& step = plan->sends[0];
  EXPECT_TRUE(std::holds_alternative<Message::Event>(step.message.body));
  EXPECT_EQ(Body<Message::Event>(step.message).seq, 1u);
  EXPECT_EQ(Body<Message::Event>(step.message).actor, t.crocker.id);
  EXPECT_EQ(Body<Message::Event>(step.message).side, kUs);
  EXPECT_EQ(step.message.from, t.brahimi.id);
  EXPECT_EQ(step.message.time_ms, 77);
  EXPECT_FALSE(step.to.has_value());  // the table, as the scope says
  EXPECT_EQ(step.message.scope.kind, ScopeKind::kPlenary);

  ASSERT_OK(t.ExecutePlan(t.brahimi, *plan));
  auto next = PlanReaction(t.host(), 78);
  ASSERT_OK(next.status());
  ASSERT_EQ(next->sends.size(), 1u);
  EXPECT_EQ(Body<Message::Event>(next->sends[0].message).seq, 2u);
}

TEST_F(TalksPlanTest, ARefusalGoesBackToTheSubmitterOnly) {
  ASSERT_OK(t.Submit(t.zarif, sim::Accept(9)));  // no move #9
  auto plan = PlanReaction(t.host(), 1);
  ASSERT_OK(plan.status());
  ASSERT_EQ(plan->sends.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Message::Refusal>(plan->sends[0].message.body));
  EXPECT_EQ(plan->sends[0].message.scope.to, t.zarif.id);
  EXPECT_FALSE(plan->sends[0].to.has_value());
  ASSERT_OK(t.ExecutePlan(t.brahimi, *plan));
  EXPECT_EQ(t.at(t.zarif).refusals().size(), 1u);

  // The host's own refused submission is only recorded: it goes to no one.
  ASSERT_OK(t.Submit(t.brahimi, sim::Ratify()));
  auto own = PlanReaction(t.host(), 2);
  ASSERT_OK(own.status());
  ASSERT_EQ(own->sends.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Message::Refusal>(own->sends[0].message.body));
  ASSERT_TRUE(own->sends[0].to.has_value());
  EXPECT_THAT(*own->sends[0].to, IsEmpty());
}

// The case the old simulator missed: a draft cleared at home is tabled by its
// envoy's plan, with no test calling anything by hand.
TEST_F(TalksPlanTest, AClearedDraftIsTabled) {
  ASSERT_OK(t.SendDraft(t.crocker, "d1", sim::Propose(sim::PackageA())));
  auto pending = PlanReaction(t.at(t.crocker), 1);
  ASSERT_OK(pending.status());
  EXPECT_TRUE(pending->empty());  // not cleared yet
  ASSERT_OK(t.SendVerdict(t.state, "d1", true));
  ASSERT_OK(t.SendVerdict(t.nsc, "d1", true));

  auto plan = PlanReaction(t.at(t.crocker), 2);
  ASSERT_OK(plan.status());
  ASSERT_EQ(plan->sends.size(), 1u);
  const Message& submit = plan->sends[0].message;
  ASSERT_TRUE(std::holds_alternative<Message::Submit>(submit.body));
  EXPECT_EQ(Body<Message::Submit>(submit).draft, "d1");
  EXPECT_EQ(Body<Message::Submit>(submit).action.authority, Authority::kCleared);
  EXPECT_EQ(Body<Message::Submit>(submit).action.package, sim::PackageA());
  EXPECT_EQ(submit.scope.kind, ScopeKind::kDirect);
  EXPECT_EQ(submit.scope.to, t.brahimi.id);
  EXPECT_FALSE(t.at(t.crocker).FindDraft("d1")->tabled);  // planning changed nothing
  // A principal's plan never tables its envoy's draft.
  auto principal = PlanReaction(t.at(t.state), 3);
  ASSERT_OK(principal.status());
  EXPECT_TRUE(principal->empty());

  // Pump runs every client's plan: the draft is tabled, sequenced and
  // reaches everyone, principals through their envoys.
  ASSERT_OK(t.Pump());
  EXPECT_TRUE(t.at(t.crocker).FindDraft("d1")->tabled);
  for (const auto& [id, s] : t.clients) {
    ASSERT_EQ(s.negotiation().history().size(), 1u) << s.me().name;
    EXPECT_EQ(s.move_info().at(1).authority, Authority::kCleared) << s.me().name;
  }
  ExpectQuiet();
}

TEST_F(TalksPlanTest, AnEnvoyForwardsEventsToItsOwnPrincipals) {
  ASSERT_OK(t.Submit(t.zarif, sim::Propose(sim::PackageB())));
  auto decided = t.DecideNext(true);
  ASSERT_TRUE(decided);
  ASSERT_OK(*decided);
  auto plan = PlanReaction(t.at(t.crocker), 1);
  ASSERT_OK(plan.status());
  ASSERT_EQ(plan->sends.size(), 1u);
  EXPECT_EQ(plan->sends[0].message.mid, decided->message.mid);
  EXPECT_EQ(plan->sends[0].message.from, t.brahimi.id);  // the host's event, as is
  ASSERT_TRUE(plan->sends[0].to.has_value());
  EXPECT_THAT(Names(*plan->sends[0].to), ElementsAre("NSC", "Pentagon", "State"));
  auto iran = PlanReaction(t.at(t.zarif), 1);
  ASSERT_OK(iran.status());
  ASSERT_EQ(iran->sends.size(), 1u);
  EXPECT_THAT(Names(*iran->sends[0].to), ElementsAre("Leader"));
  // The guarantor and the principals have no one to forward to.
  for (const Member& m : {t.icrc, t.state, t.leader}) {
    auto none = PlanReaction(t.at(m), 1);
    ASSERT_OK(none.status());
    EXPECT_TRUE(none->empty()) << m.name;
  }
  ASSERT_OK(t.ExecutePlan(t.crocker, *plan));
  EXPECT_EQ(t.at(t.pentagon).last_seq(), 1u);
  EXPECT_EQ(t.at(t.leader).last_seq(), 0u);
}

TEST_F(TalksPlanTest, TheHostSeatsANewMemberOfTheTable) {
  const Member khan{sim::MemberId(30), "Khan", "", Role::kMediator};
  const std::string before = Snapshot(t.host());
  auto plan = PlanInvite(t.host(), khan, 5);
  ASSERT_OK(plan.status());
  EXPECT_EQ(Snapshot(t.host()), before);
  ASSERT_EQ(plan->sends.size(), 2u);
  const PlannedSend& roster = plan->sends[0];
  EXPECT_TRUE(std::holds_alternative<Message::Roster>(roster.message.body));
  EXPECT_EQ(roster.message.scope.kind, ScopeKind::kPlenary);
  EXPECT_THAT(Body<Message::Roster>(roster.message).members, ElementsAre(khan));
  ASSERT_TRUE(roster.to.has_value());
  // The table, not the newcomer, and not a side's principals.
  EXPECT_THAT(Names(*roster.to), ElementsAre("Crocker", "ICRC", "Zarif"));
  const PlannedSend& def = plan->sends[1];
  EXPECT_TRUE(std::holds_alternative<Message::Definition>(def.message.body));
  EXPECT_EQ(def.message.scope.to, khan.id);
  ASSERT_TRUE(def.to.has_value());
  EXPECT_THAT(Names(*def.to), ElementsAre("Khan"));
  EXPECT_THAT(Names(Body<Message::Definition>(def.message).members),
              ElementsAre("Brahimi", "Crocker", "ICRC", "Khan", "Zarif"));
  EXPECT_TRUE(Body<Message::Definition>(def.message).rule.empty());

  ASSERT_OK(t.ExecutePlan(t.brahimi, *plan));
  EXPECT_NE(t.at(t.zarif).FindMember(khan.id), nullptr);
  EXPECT_NE(t.at(t.crocker).FindMember(khan.id), nullptr);
  EXPECT_EQ(t.at(khan).me().role, Role::kMediator);
  EXPECT_EQ(t.at(t.state).FindMember(khan.id), nullptr);  // principals follow only events
}

TEST_F(TalksPlanTest, ALatePrincipalCatchesUpOnWhatItsSideSaw) {
  ASSERT_OK(t.Act(t.crocker, sim::Propose(sim::PackageA())));
  ASSERT_OK(t.Act(t.zarif, sim::Counter(1, sim::PackageB())));
  const Member treasury{sim::MemberId(31), "Treasury", kUs, Role::kPrincipal};
  auto plan = PlanInvite(t.at(t.crocker), treasury, 9);
  ASSERT_OK(plan.status());
  ASSERT_EQ(plan->sends.size(), 4u);  // roster, definition, events #1 and #2
  EXPECT_TRUE(std::holds_alternative<Message::Roster>(plan->sends[0].message.body));
  EXPECT_EQ(plan->sends[0].message.scope.kind, ScopeKind::kInternal);
  EXPECT_EQ(Body<Message::Roster>(plan->sends[0].message).rule, t.us_rule);
  EXPECT_THAT(Names(*plan->sends[0].to), ElementsAre("NSC", "Pentagon", "State"));
  const Definition& d = Body<Message::Definition>(plan->sends[1].message);
  EXPECT_EQ(d.rule, t.us_rule);
  EXPECT_THAT(Names(d.members), ElementsAre("Brahimi", "Crocker", "ICRC", "NSC", "Pentagon",
                                            "State", "Treasury", "Zarif"));
  EXPECT_EQ(Body<Message::Event>(plan->sends[2].message).seq, 1u);
  EXPECT_EQ(Body<Message::Event>(plan->sends[3].message).seq, 2u);
  EXPECT_THAT(Names(*plan->sends[3].to), ElementsAre("Treasury"));

  ASSERT_OK(t.ExecutePlan(t.crocker, *plan));
  EXPECT_EQ(t.at(treasury).last_seq(), 2u);
  EXPECT_EQ(t.at(treasury).negotiation().ToJson(), t.host().negotiation().ToJson());
  EXPECT_NE(t.at(t.nsc).FindMember(treasury.id), nullptr);
  ASSERT_OK(t.Pump());
  ExpectQuiet();
}

TEST_F(TalksPlanTest, OnlyTheRightMemberMayInviteAndNothingChanges) {
  const Member envoy{sim::MemberId(32), "Kerry", kUs, Role::kEnvoy};
  const Member cia{sim::MemberId(33), "CIA", kUs, Role::kPrincipal};
  for (const Member& by : {t.crocker, t.icrc, t.state}) {
    const std::string before = Snapshot(t.at(by));
    EXPECT_THAT(PlanInvite(t.at(by), envoy, 1).status(),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr("only the host")))
        << by.name;
    EXPECT_EQ(Snapshot(t.at(by)), before) << by.name;
  }
  EXPECT_THAT(PlanInvite(t.host(), cia, 1).status(),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("their own side")));
  EXPECT_THAT(PlanInvite(t.at(t.zarif), cia, 1).status(),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("their own side")));
  EXPECT_THAT(PlanInvite(t.host(), t.zarif, 1).status(), StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(PlanInvite(t.at(t.crocker), t.nsc, 1).status(), StatusIs(StatusCode::kAlreadyExists));
}

TEST_F(TalksPlanTest, OnlyAnEnvoySetsItsSidesRule) {
  auto plan = PlanSideRule(t.at(t.zarif), "approve=Leader;veto=Guards", 3);
  ASSERT_OK(plan.status());
  ASSERT_EQ(plan->sends.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Message::Roster>(plan->sends[0].message.body));
  EXPECT_EQ(plan->sends[0].message.scope.side, kIran);
  EXPECT_THAT(Body<Message::Roster>(plan->sends[0].message).members, IsEmpty());
  EXPECT_FALSE(plan->sends[0].to.has_value());
  ASSERT_OK(t.ExecutePlan(t.zarif, *plan));
  EXPECT_EQ(t.at(t.leader).rule().ToString(), "approve=Leader;veto=Guards");

  EXPECT_THAT(PlanSideRule(t.at(t.leader), "approve=Leader", 1).status(),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(PlanSideRule(t.host(), "approve=Leader", 1).status(),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(PlanSideRule(t.at(t.crocker), "approve=State;approve=NSC", 1).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(t.at(t.crocker).rule().ToString(), t.us_rule);
}

}  // namespace
}  // namespace backchannel::talks
