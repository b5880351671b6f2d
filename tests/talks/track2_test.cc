// Track 2 participants and honest authority labels in the state fold, with
// hand-built messages fed to the fold (not only what a CLI would send): a
// Track 2 participant may speak plenary words (always unofficial) and float
// non-binding ideas, and nothing else; an envoy may say "cleared" only when
// its side clears at home, and "own" only when it does not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "backchannel/talks/label.h"
#include "backchannel/talks/state.h"
#include "talks/talks_fixture.h"
#include "testing/status_matchers.h"

namespace backchannel::talks {
namespace {

using ::backchannel::testing::StatusIs;
using sim::Caucus;
using sim::Direct;
using sim::Inside;
using sim::kIran;
using sim::kUs;
using sim::Plenary;
using ::testing::HasSubstr;

// What a client shows of the table, enough to see a refused message changed
// nothing.
std::string Snapshot(const TalksState& s) {
  std::string out = s.negotiation().ToJson() + "|" + std::to_string(s.last_seq()) + "|" +
                    std::to_string(s.ideas().size()) + "|" + std::to_string(s.drafts().size());
  for (const auto& d : s.drafts()) out += "|" + d.id + ":" + std::to_string(d.verdicts.size());
  return out;
}

class Track2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(t.Open());
    ASSERT_OK(t.Invite(t.brahimi, pugwash));
  }

  void ExpectRefused(const Member& client, const Message& m, const std::string& sender,
                     bool outgoing, StatusCode code, const std::string& why) {
    TalksState& s = t.at(client);
    const std::string before = Snapshot(s);
    Status r = s.Apply(m, sender, outgoing);
    EXPECT_EQ(r.code(), code) << client.name << ": " << r;
    EXPECT_THAT(std::string(r.message()), HasSubstr(why)) << client.name;
    EXPECT_EQ(Snapshot(s), before) << client.name << ": a refused message changed the state";
  }

  // An event as the host would send it, for an action by `actor`.
  Message HostEvent(const Member& actor, const Action& a) {
    Message e = t.NewMessage(
        t.brahimi,
        Message::Event{
            .action = a, .seq = t.host().last_seq() + 1, .side = actor.side, .actor = actor.id},
        Plenary());
    return e;
  }

  static Action Idea(const PackageSpec& p, const std::string& note) {
    Action a;
    a.kind = Action::Kind::kIdea;
    a.package = p;
    a.note = note;
    return a;
  }

  Member pugwash{sim::MemberId(9), "Pugwash", "", Role::kTrack2};
  sim::Talks t;
};

TEST_F(Track2Test, SeatedAtTheTableOnNoSide) {
  for (const Member& m : {t.brahimi, t.crocker, t.zarif, pugwash}) {
    const Member* seen = t.at(m).FindMember(pugwash.id);
    ASSERT_NE(seen, nullptr) << m.name;
    EXPECT_EQ(seen->role, Role::kTrack2);
    EXPECT_EQ(seen->side, "");
  }
  // Nobody at the table learns a side's principals, Track 2 included.
  EXPECT_EQ(t.at(pugwash).FindMember(t.state.id), nullptr);
  // A Track 2 participant with a side would see caucus and internal words.
  Member sided = pugwash;
  sided.id = sim::MemberId(10);
  sided.side = kUs;
  EXPECT_THAT(PlanInvite(t.host(), sided, 1).status(), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(Track2Test, PlenaryWordsAreAcceptedAndLabelledUnofficial) {
  Message words =
      t.NewMessage(pugwash, Message::Chat{.text = "what if enrichment were capped?"}, Plenary());
  sim::Delivery d = t.Send(pugwash, words);
  ASSERT_OK(d);
  EXPECT_EQ(d.received.size(), 4u);  // the table: Brahimi, Crocker, Zarif, ICRC
  EXPECT_EQ(LabelOf(Role::kTrack2, sim::Body<Message::Chat>(words).authority), Label::kUnofficial);
  EXPECT_EQ(LabelText(Label::kUnofficial), "unofficial (Track 2)");
}

TEST_F(Track2Test, WordsMarkedClearedOrOwnAreRefusedByEveryClient) {
  for (Authority a : {Authority::kCleared, Authority::kOwn}) {
    Message words = t.NewMessage(
        pugwash, Message::Chat{.text = "my government agrees", .authority = a}, Plenary());
    ExpectRefused(pugwash, words, pugwash.id, true, StatusCode::kFailedPrecondition, "unofficial");
    for (const Member& m : {t.brahimi, t.crocker, t.zarif}) {
      ExpectRefused(m, words, pugwash.id, false, StatusCode::kFailedPrecondition, "unofficial");
    }
  }
}

TEST_F(Track2Test, CaucusAndInternalScopesAreClosed) {
  // Sending: its own client refuses.
  EXPECT_THAT(t.at(pugwash).Recipients(Caucus(kIran)).status(),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(t.at(pugwash).Recipients(Inside(kUs)).status(),
              StatusIs(StatusCode::kFailedPrecondition));
  // Receiving: a caucus message addressed to it is one it may not see, and a
  // caucus or internal message from it is refused by those it reaches.
  Message caucus = t.NewMessage(t.brahimi, Message::Chat{.text = "between us"}, Caucus(kIran));
  ExpectRefused(pugwash, caucus, t.brahimi.id, false, StatusCode::kUntrusted, "may not see");
  Message in = t.NewMessage(pugwash, Message::Chat{.text = "let me in"}, Caucus(kIran));
  ExpectRefused(t.zarif, in, pugwash.id, false, StatusCode::kUntrusted, "may not see");
  Message internal = t.NewMessage(pugwash, Message::Chat{.text = "psst"}, Inside(kUs));
  ExpectRefused(t.crocker, internal, pugwash.id, false, StatusCode::kUntrusted, "may not see");
}

TEST_F(Track2Test, MovesAcceptRatifyAreRefusedAsEventsAndByTheHost) {
  ASSERT_OK(t.Act(t.crocker, sim::Propose(sim::PackageA())));
  // A hand-built event of a Track 2 move, as a compromised host might send
  // it: every client's fold refuses it.
  for (const Action& a : {sim::Propose(sim::PackageB()), sim::Accept(1), sim::Ratify()}) {
    Message e = HostEvent(pugwash, a);
    for (const Member& m : {t.crocker, t.zarif, pugwash}) {
      ExpectRefused(m, e, t.brahimi.id, false, StatusCode::kFailedPrecondition, "only envoys");
    }
  }
  // A cleared accept: its own client refuses to send it, and the host
  // refuses it on receipt.
  sim::Delivery cleared = t.Submit(pugwash, sim::Accept(1));
  EXPECT_THAT(cleared.sent, StatusIs(StatusCode::kFailedPrecondition));
  ExpectRefused(t.brahimi, cleared.message, pugwash.id, false, StatusCode::kFailedPrecondition,
                "unofficial");
  // Submitted exploratory: the host refuses the move, and nothing moves.
  sim::Delivery d = t.Submit(pugwash, sim::Accept(1, Authority::kExploratory));
  ASSERT_OK(d);
  ASSERT_OK(t.Pump());
  ASSERT_TRUE(t.at(pugwash).refusals().contains(d.message.mid));
  EXPECT_THAT(t.at(pugwash).refusals().at(d.message.mid), HasSubstr("only envoys"));
  EXPECT_EQ(t.at(t.zarif).negotiation().history().size(), 1u);
}

TEST_F(Track2Test, DraftsAndVerdictsAreRefused) {
  Message draft = t.NewMessage(
      pugwash, Message::Draft{.action = sim::Propose(sim::PackageA()), .draft = "d1"}, Inside(kUs));
  ExpectRefused(t.crocker, draft, pugwash.id, false, StatusCode::kUntrusted, "may not see");
  ASSERT_OK(t.SendDraft(t.crocker, "d1", sim::Propose(sim::PackageA())));
  Message verdict =
      t.NewMessage(pugwash, Message::Verdict{.draft = "d1", .approve = true}, Inside(kUs));
  ExpectRefused(t.crocker, verdict, pugwash.id, false, StatusCode::kUntrusted, "may not see");
  // Even addressed directly (a scope it may use), a verdict is a principal's.
  verdict.scope = Direct(t.crocker.id);
  ExpectRefused(t.crocker, verdict, pugwash.id, false, StatusCode::kFailedPrecondition,
                "principals");
}

TEST_F(Track2Test, IdeasAreSequencedNonBindingAndCannotBeAccepted) {
  ASSERT_OK(t.Act(pugwash, Idea({{"enrichment", "capped"}}, "a thought")));
  for (const Member& m : {t.brahimi, t.crocker, t.zarif, pugwash, t.state}) {
    const TalksState& s = t.at(m);
    ASSERT_EQ(s.ideas().size(), 1u) << m.name;
    EXPECT_EQ(s.ideas()[0].id, "i1");
    EXPECT_EQ(s.ideas()[0].by, pugwash.id);
    EXPECT_TRUE(s.negotiation().history().empty()) << "an idea is not a move";
  }
  // Not a move: nothing to accept (move 1 does not exist), no suggestion "i1".
  EXPECT_THAT(t.at(t.zarif).Precheck(sim::Accept(1)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(t.at(t.zarif).Precheck(sim::AcceptSuggestion("i1")), StatusIs(StatusCode::kNotFound));
  // An idea carries no conditions, names only the agenda's issues, and is
  // not an envoy's (an envoy proposes, exploratory if need be).
  Action conditioned = Idea({{"enrichment", "capped"}}, "");
  conditioned.conditions.push_back(ConditionSpec{"verified", t.icrc.id});
  EXPECT_THAT(t.at(pugwash).Precheck(conditioned), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(t.at(pugwash).Precheck(Idea({{"tariffs", "low"}}, "")),
              StatusIs(StatusCode::kInvalidArgument));
  Message e = HostEvent(t.crocker, Idea({{"enrichment", "capped"}}, ""));
  ExpectRefused(t.zarif, e, t.brahimi.id, false, StatusCode::kFailedPrecondition, "proposes");
}

// ---- honest labels: what an envoy may claim ----

TEST(HonestClaimTest, ClearedNeedsARuleAndOwnNeedsNone) {
  sim::Talks t;
  t.us_rule = "";  // the United States clears nothing at home
  ASSERT_OK(t.Open());
  // Crocker (no rule) may not say "cleared", on its own client or to its side.
  sim::Delivery cleared = t.Submit(t.crocker, sim::Propose(sim::PackageA(), Authority::kCleared));
  EXPECT_THAT(cleared.sent, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(cleared.sent.message()), HasSubstr("no clearance rule"));
  Message chat = t.NewMessage(
      t.crocker, Message::Chat{.text = "Washington agrees", .authority = Authority::kCleared},
      Plenary());
  EXPECT_THAT(t.Send(t.crocker, chat).sent, StatusIs(StatusCode::kFailedPrecondition));
  // On its own authority it is a binding move, labelled as such everywhere.
  ASSERT_OK(t.Act(t.crocker, sim::Propose(sim::PackageA(), Authority::kOwn)));
  for (const Member& m : {t.brahimi, t.zarif, t.crocker, t.leader}) {
    const MoveInfo& info = t.at(m).move_info().at(1);
    EXPECT_EQ(LabelOf(Role::kEnvoy, info.authority), Label::kOwn) << m.name;
  }
  EXPECT_EQ(LabelText(Label::kOwn), "on the envoy's own authority");
  // Zarif's side clears at home: "own" would bypass the rule.
  sim::Delivery own = t.Submit(t.zarif, sim::Accept(1, Authority::kOwn));
  EXPECT_THAT(own.sent, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(own.sent.message()), HasSubstr("clears at home"));
  // Accepting on one's own authority commits the side like a cleared accept.
  sim::Talks u;
  u.iran_rule = "";
  ASSERT_OK(u.Open());
  ASSERT_OK(u.Act(u.crocker, sim::Propose(sim::PackageA())));
  ASSERT_OK(u.Act(u.zarif, sim::Accept(1, Authority::kOwn)));
  EXPECT_TRUE(u.at(u.crocker).negotiation().agreement().has_value());
  EXPECT_THAT(u.at(u.zarif).Precheck(sim::Accept(1, Authority::kExploratory)),
              StatusIs(StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace backchannel::talks
