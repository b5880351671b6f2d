// Clearance rules: parsing, the canonical text, and evaluation (approvers,
// veto holders, a veto holder's silence, advice from unnamed principals).
#include "backchannel/talks/clearance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace backchannel::talks {
namespace {

using ::backchannel::testing::StatusIs;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ClearanceRule Us() { return *ParseClearanceRule("approve=State,NSC;veto=Pentagon"); }

TEST(TalksClearanceRuleTest, ParsesGoodRules) {
  ClearanceRule r = Us();
  EXPECT_THAT(r.approvers, ElementsAre("State", "NSC"));
  EXPECT_THAT(r.veto_holders, ElementsAre("Pentagon"));
  EXPECT_EQ(r.ToString(), "approve=State,NSC;veto=Pentagon");
  EXPECT_TRUE(r.Names("State"));
  EXPECT_TRUE(r.Names("Pentagon"));
  EXPECT_FALSE(r.Names("CIA"));
  EXPECT_FALSE(r.Names("state"));  // names are exact

  // Blanks around names and clauses, clauses in any order, a trailing ';'.
  auto spaced = ParseClearanceRule("  veto = Pentagon ;approve= State , NSC ;");
  ASSERT_TRUE(spaced) << spaced.error();
  EXPECT_THAT(spaced->approvers, ElementsAre("State", "NSC"));
  EXPECT_THAT(spaced->veto_holders, ElementsAre("Pentagon"));
  EXPECT_EQ(spaced->ToString(), "approve=State,NSC;veto=Pentagon");

  // Names with blanks inside stay whole.
  auto office = ParseClearanceRule("approve=Office of the Supreme Leader");
  ASSERT_TRUE(office);
  EXPECT_THAT(office->approvers, ElementsAre("Office of the Supreme Leader"));

  for (const char* empty : {"", "   ", "\t"}) {
    auto e = ParseClearanceRule(empty);
    ASSERT_TRUE(e) << empty;
    EXPECT_TRUE(e->empty());
    EXPECT_EQ(e->ToString(), "");
  }
  EXPECT_EQ(ParseClearanceRule("veto=Pentagon")->ToString(), "veto=Pentagon");
  EXPECT_EQ(ParseClearanceRule("approve=State")->ToString(), "approve=State");
  // The canonical text parses back to itself.
  for (const char* text : {"approve=State,NSC;veto=Pentagon", "veto=A,B", "approve=X"}) {
    EXPECT_EQ(ParseClearanceRule(ParseClearanceRule(text)->ToString())->ToString(), text);
  }
}

TEST(TalksClearanceRuleTest, RefusesBadRules) {
  struct Case {
    const char* text;
    const char* why;
  };
  for (const Case& c : {
           Case{"approve", "has no '='"},
           Case{"State,NSC", "has no '='"},
           Case{"allow=State", "unknown clearance rule clause 'allow'"},
           Case{"approve=State;approve=NSC", "appears twice"},
           Case{"approve=State,,NSC", "has an empty name"},
           Case{"approve=", "has an empty name"},
           Case{"veto=Pentagon,", "has an empty name"},
           Case{"approve=State,State", "'State' appears twice"},
           Case{"approve=State;veto=State", "'State' appears twice"},
       }) {
    auto r = ParseClearanceRule(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_THAT(r, StatusIs(StatusCode::kInvalidArgument)) << c.text;
    EXPECT_THAT(std::string(r.error().message()), HasSubstr(c.why)) << c.text;
  }
}

TEST(TalksClearanceTest, PendingOnApproversWhoHaveNotAnswered) {
  auto o = EvaluateClearance(Us(), {});
  EXPECT_EQ(o.state, ClearanceState::kPending);
  EXPECT_THAT(o.waiting_for, ElementsAre("State", "NSC"));
  EXPECT_THAT(o.blocked_by, IsEmpty());
  o = EvaluateClearance(Us(), {{"State", Verdict{true, ""}}});
  EXPECT_EQ(o.state, ClearanceState::kPending);
  EXPECT_THAT(o.waiting_for, ElementsAre("NSC"));
  EXPECT_EQ(ClearanceStateName(o.state), "pending");
}

TEST(TalksClearanceTest, ClearedWhenApproversApproveAndVetoHolderIsSilent) {
  auto o = EvaluateClearance(Us(), {{"State", Verdict{true, ""}}, {"NSC", Verdict{true, "ok"}}});
  EXPECT_EQ(o.state, ClearanceState::kCleared);
  EXPECT_THAT(o.waiting_for, IsEmpty());
  EXPECT_THAT(o.blocked_by, IsEmpty());
  EXPECT_EQ(ClearanceStateName(o.state), "cleared");
  // The veto holder approving changes nothing.
  o = EvaluateClearance(
      Us(),
      {{"State", Verdict{true, ""}}, {"NSC", Verdict{true, ""}}, {"Pentagon", Verdict{true, ""}}});
  EXPECT_EQ(o.state, ClearanceState::kCleared);
}

TEST(TalksClearanceTest, BlockedByAnyNamedVeto) {
  auto o = EvaluateClearance(
      Us(), {{"State", Verdict{true, ""}}, {"Pentagon", Verdict{false, "inspections too weak"}}});
  EXPECT_EQ(o.state, ClearanceState::kBlocked);
  EXPECT_THAT(o.blocked_by, ElementsAre("Pentagon"));
  EXPECT_EQ(ClearanceStateName(o.state), "blocked");
  // Blocked even when every approver approved.
  o = EvaluateClearance(Us(), {{"State", Verdict{true, ""}},
                               {"NSC", Verdict{true, ""}},
                               {"Pentagon", Verdict{false, "no"}}});
  EXPECT_EQ(o.state, ClearanceState::kBlocked);
  // An approver's refusal is a veto; blockers in name order.
  o = EvaluateClearance(Us(),
                        {{"State", Verdict{false, "no"}}, {"Pentagon", Verdict{false, "no"}}});
  EXPECT_EQ(o.state, ClearanceState::kBlocked);
  EXPECT_THAT(o.blocked_by, ElementsAre("Pentagon", "State"));
}

TEST(TalksClearanceTest, VerdictsFromUnnamedPrincipalsAreAdvice) {
  auto o = EvaluateClearance(Us(), {{"State", Verdict{true, ""}},
                                    {"NSC", Verdict{true, ""}},
                                    {"CIA", Verdict{false, "we object"}}});
  EXPECT_EQ(o.state, ClearanceState::kCleared);
  EXPECT_THAT(o.blocked_by, IsEmpty());
  o = EvaluateClearance(Us(), {{"CIA", Verdict{true, ""}}, {"Treasury", Verdict{true, ""}}});
  EXPECT_EQ(o.state, ClearanceState::kPending);
  EXPECT_THAT(o.waiting_for, ElementsAre("State", "NSC"));
}

TEST(TalksClearanceTest, EmptyAndVetoOnlyRules) {
  EXPECT_EQ(EvaluateClearance(ClearanceRule{}, {}).state, ClearanceState::kCleared);
  EXPECT_EQ(EvaluateClearance(ClearanceRule{}, {{"CIA", Verdict{false, "no"}}}).state,
            ClearanceState::kCleared);
  const ClearanceRule veto_only = *ParseClearanceRule("veto=Pentagon");
  EXPECT_EQ(EvaluateClearance(veto_only, {}).state, ClearanceState::kCleared);
  EXPECT_EQ(EvaluateClearance(veto_only, {{"Pentagon", Verdict{false, "no"}}}).state,
            ClearanceState::kBlocked);
}

}  // namespace
}  // namespace backchannel::talks
