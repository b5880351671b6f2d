// "Cleared" means cleared at home under the side's rule (issue 16, docs/talks.md,
// "Moves and authority"), checked by the state fold with hand-built messages,
// not only by the sender's client: every client refuses a move labelled
// cleared that names no draft; the side's own clients (its envoy and
// principals) also refuse one naming a draft that is not cleared under the
// rule, not the actor's, not this move, or already tabled. The other side
// cannot check more than the name: it never sees the drafts or the rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "backchannel/talks/state.h"
#include "talks/talks_fixture.h"
#include "testing/status_matchers.h"

namespace backchannel::talks {
namespace {

using sim::kUs;
using sim::Plenary;
using ::testing::HasSubstr;

// Enough of a client's state to see that a refused message changed nothing.
std::string ClearedSnapshot(const TalksState& s) {
  std::string out = s.negotiation().ToJson() + "|" + std::to_string(s.last_seq()) + "|" +
                    std::to_string(s.drafts().size());
  for (const auto& d : s.drafts()) {
    out += "|" + d.id + ":" + std::to_string(d.verdicts.size()) + ":" + std::to_string(d.tabled) +
           ":" + std::to_string(d.seq);
  }
  return out;
}

class ClearedTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(t.Open()); }

  void ExpectRefused(const Member& client, const Message& m, const std::string& sender,
                     bool outgoing, const std::string& why) {
    TalksState& s = t.at(client);
    const std::string before = ClearedSnapshot(s);
    Status r = s.Apply(m, sender, outgoing);
    EXPECT_EQ(r.code(), StatusCode::kFailedPrecondition) << client.name << ": " << r;
    EXPECT_THAT(std::string(r.message()), HasSubstr(why)) << client.name << ": " << r;
    EXPECT_EQ(ClearedSnapshot(s), before) << client.name << ": a refused message changed the state";
  }

  // An event as the host would send it: Crocker's move, naming `draft`.
  Message CrockerEvent(const Action& a, const std::string& draft) {
    const std::uint64_t seq = t.host().last_seq() + 1;
    Message e = t.NewMessage(t.brahimi,
                             Message::Event{.action = a,
                                            .seq = seq,
                                            .ref = "submit-" + std::to_string(seq),
                                            .side = kUs,
                                            .actor = t.crocker.id,
                                            .draft = draft},
                             Plenary());
    return e;
  }

  // Crocker drafts `a` as d1 for the United States ("approve=State,NSC;
  // veto=Pentagon"); nothing tabled.
  void DraftD1(const Action& a) {
    ASSERT_OK(t.SendDraft(t.crocker, "d1", a));
    ASSERT_EQ(t.at(t.state).FindDraft("d1") != nullptr, true);
  }

  sim::Talks t;
};

TEST_F(ClearedTest, AClearedMoveMadeThroughClearanceReachesEveryClientWithItsDraft) {
  sim::Delivery tabled = t.SubmitCleared(t.crocker, sim::Propose(sim::PackageA()));
  ASSERT_OK(tabled);
  EXPECT_EQ(sim::Body<Message::Submit>(tabled.message).draft, "d1");
  ASSERT_OK(t.Pump());
  for (const Member& m : t.Everyone()) {
    const TalksState& s = t.at(m);
    ASSERT_EQ(s.last_seq(), 1u) << m.name;
    ASSERT_EQ(s.events().size(), 1u) << m.name;
    EXPECT_EQ(sim::Body<Message::Event>(s.events()[0]).draft, "d1")
        << m.name << ": the event names the draft it tables";
    EXPECT_EQ(s.move_info().at(1).authority, Authority::kCleared) << m.name;
  }
  // The side's clients know which event tabled it.
  for (const Member& m : {t.crocker, t.state, t.nsc, t.pentagon}) {
    const Draft* d = t.at(m).FindDraft("d1");
    ASSERT_NE(d, nullptr) << m.name;
    EXPECT_TRUE(d->tabled) << m.name;
    EXPECT_EQ(d->seq, 1u) << m.name;
  }
}

TEST_F(ClearedTest, AClearedSubmissionNamingNoDraftIsRefusedByItsSenderAndByTheHost) {
  // The envoy's own client refuses to send it.
  sim::Delivery d = t.SubmitAsIs(t.crocker, sim::Propose(sim::PackageA()));
  EXPECT_EQ(d.sent.code(), StatusCode::kFailedPrecondition) << d.sent;
  EXPECT_THAT(std::string(d.sent.message()), HasSubstr("names no draft cleared at home"));
  EXPECT_TRUE(d.received.empty());

  // A hand-built one reaching the host is refused back to its sender, and
  // moves nothing.
  Message submit = t.NewMessage(t.crocker, Message::Submit{.action = sim::Propose(sim::PackageA())},
                                sim::Direct(t.brahimi.id));
  ASSERT_OK(t.Deliver(submit, t.crocker.id, t.brahimi.id));
  auto decided = t.DecideNext(true);
  ASSERT_TRUE(decided);
  ASSERT_OK(*decided);
  EXPECT_TRUE(std::holds_alternative<Message::Refusal>(decided->message.body));
  EXPECT_THAT(sim::Body<Message::Refusal>(decided->message).reason,
              HasSubstr("names no draft cleared at home"));
  EXPECT_EQ(t.host().last_seq(), 0u);
  EXPECT_TRUE(t.host().negotiation().history().empty());
}

TEST_F(ClearedTest, AnEventLabelledClearedWithoutADraftIsRefusedByEveryClient) {
  const Message e = CrockerEvent(sim::Propose(sim::PackageA()), "");
  ExpectRefused(t.brahimi, e, t.brahimi.id, true, "names no draft");
  for (const Member& m : {t.crocker, t.zarif, t.icrc}) {
    ExpectRefused(m, e, t.brahimi.id, false, "names no draft");
  }
  for (const Member& m : {t.state, t.nsc, t.pentagon}) {
    ExpectRefused(m, e, t.crocker.id, false, "names no draft");
  }
  // Exploratory moves need no draft anywhere.
  const Message exploratory =
      CrockerEvent(sim::Propose(sim::PackageB(), Authority::kExploratory), "");
  for (const Member& m : {t.crocker, t.icrc, t.state}) {
    const std::string sender = m.role == Role::kPrincipal ? t.crocker.id : t.brahimi.id;
    ASSERT_OK(t.at(m).Apply(exploratory, sender, false)) << m.name;
  }
}

TEST_F(ClearedTest, TheSideRefusesAnEventTablingADraftNotClearedAtHome) {
  DraftD1(sim::Propose(sim::PackageA()));
  // Only State approved: NSC has not answered.
  ASSERT_OK(t.SendVerdict(t.state, "d1", true));
  const Message e = CrockerEvent(sim::Propose(sim::PackageA()), "d1");
  for (const Member& m : {t.state, t.nsc, t.pentagon}) {
    ExpectRefused(m, e, t.crocker.id, false, "not cleared at home");
  }
  ExpectRefused(t.crocker, e, t.brahimi.id, false, "waiting for NSC");
  // Crocker's client will not table it either.
  sim::Delivery early = t.SubmitAsIs(t.crocker, sim::Propose(sim::PackageA()), "d1");
  EXPECT_EQ(early.sent.code(), StatusCode::kFailedPrecondition) << early.sent;
  EXPECT_TRUE(t.at(t.crocker).DraftsToTable().empty());
  // The other side sees only the draft's name: it cannot know the rule.
  ASSERT_OK(t.at(t.zarif).Apply(e, t.brahimi.id, false));
}

TEST_F(ClearedTest, TheSideRefusesAnEventTablingAVetoedDraft) {
  DraftD1(sim::Propose(sim::PackageA()));
  ASSERT_OK(t.SendVerdict(t.state, "d1", true));
  ASSERT_OK(t.SendVerdict(t.nsc, "d1", true));
  ASSERT_OK(t.SendVerdict(t.pentagon, "d1", false, "inspections too weak"));
  const Message e = CrockerEvent(sim::Propose(sim::PackageA()), "d1");
  for (const Member& m : {t.state, t.nsc, t.pentagon}) {
    ExpectRefused(m, e, t.crocker.id, false, "vetoed at home (by Pentagon)");
  }
  ExpectRefused(t.crocker, e, t.brahimi.id, false, "vetoed");
}

TEST_F(ClearedTest, TheSideRefusesAnotherMoveThanTheClearedDraftAndATablingTwice) {
  DraftD1(sim::Propose(sim::PackageA()));
  ASSERT_OK(t.SendVerdict(t.state, "d1", true));
  ASSERT_OK(t.SendVerdict(t.nsc, "d1", true));
  // Cleared: package A. An event tabling package C under d1 is not d1.
  const Message swapped = CrockerEvent(sim::Propose(sim::PackageC()), "d1");
  for (const Member& m : {t.state, t.nsc, t.pentagon}) {
    ExpectRefused(m, swapped, t.crocker.id, false, "is not the move of draft d1");
  }
  ExpectRefused(t.crocker, swapped, t.brahimi.id, false, "is not the move of draft d1");

  // The plan tables d1 once; the same draft tabled again is refused at home.
  ASSERT_OK(t.Pump());
  ASSERT_EQ(t.at(t.state).last_seq(), 1u);
  const Message again = CrockerEvent(sim::Propose(sim::PackageA()), "d1");
  for (const Member& m : {t.state, t.nsc, t.pentagon}) {
    ExpectRefused(m, again, t.crocker.id, false, "already tabled (event #1)");
  }
}

TEST_F(ClearedTest, AnEnvoyCannotTableADraftOfAnotherSideOrOneItNeverMade) {
  // Crocker's client refuses to table a draft it does not have.
  sim::Delivery d = t.SubmitAsIs(t.crocker, sim::Propose(sim::PackageA()), "d7");
  EXPECT_EQ(d.sent.code(), StatusCode::kNotFound) << d.sent;
  EXPECT_TRUE(d.received.empty());
}

}  // namespace
}  // namespace backchannel::talks
