// Talks over the channel on the fast in-process layer (TalksFastTest: the
// relay's real Router and SQLite store, no process, socket or sleep). The
// cast follows the seeds: the UN's Brahimi hosts and mediates, Crocker
// (United States) and Zarif (Iran) are the envoys, State, NSC and the
// Pentagon are the US principals (approve=State,NSC; veto=Pentagon), and an
// ICRC delegate sits as guarantor of the transfer condition. A relay
// restart needs the real process: e2e_test.cc.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "backchannel/common/encoding.h"
#include "talks_client/talks_fixture.h"

namespace backchannel::talks_client {
namespace {

TEST_F(TalksFastTest, SeatingGivesEveryoneTheTalksAndPrincipalsStayOffTheTable) {
  for (Person* p : Online()) {
    auto s = St(*p);
    ASSERT_TRUE(s.initialized()) << p->name;
    EXPECT_EQ(s.definition().host, brahimi_->id) << p->name;
    auto meta = p->talks->Meta(kId);
    ASSERT_TRUE(meta.has_value());
    EXPECT_TRUE(meta->joined) << p->name;
  }
  EXPECT_EQ(St(*icrc_).me().role, Role::kGuarantor);
  EXPECT_EQ(St(*state_).rule().ToString(), kRule);
  EXPECT_EQ(St(*crocker_).rule().ToString(), kRule);
  // The table never learns the US principals nor the rule.
  for (Person* p : {brahimi_, zarif_, icrc_}) {
    auto s = St(*p);
    EXPECT_EQ(s.FindMemberByName("State"), nullptr) << p->name;
    EXPECT_TRUE(s.rule().empty()) << p->name;
    EXPECT_FALSE(Contains(ExportJson(*p), kRule)) << p->name;
  }
  // Only the host seats members; a principal is not seated at the table.
  auto bad = zarif_->talks->Invite(kId, "ICRC delegate", Role::kGuarantor);
  EXPECT_FALSE(bad.has_value());
  auto wrong_role = brahimi_->talks->Invite(kId, "Zarif", Role::kMediator);
  EXPECT_FALSE(wrong_role.has_value());
}

// 1. Scopes.
TEST_F(TalksFastTest, CaucusAndInternalMessagesReachOnlyTheirScope) {
  const std::string caucus = "In confidence: Tehran could move first on the detainees.";
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{ScopeKind::kCaucus, kIran, ""}, caucus,
                                  Authority::kExploratory));
  const std::int64_t crocker_before = RecordCount(*crocker_);
  SyncAll();
  EXPECT_TRUE(HasText(*zarif_, caucus));
  EXPECT_TRUE(HasText(*brahimi_, caucus));
  for (Person* p : {crocker_, icrc_, state_, nsc_, pentagon_}) {
    EXPECT_FALSE(HasText(*p, caucus)) << p->name;
    EXPECT_FALSE(Contains(ExportJson(*p), "Tehran could move first")) << p->name;
  }
  EXPECT_EQ(RecordCount(*crocker_), crocker_before);

  // Zarif answers in the same caucus: Brahimi hears it, Crocker does not.
  const std::string answer = "Only if the transfer is supervised.";
  ASSERT_OK(zarif_->talks->Chat(kId, Scope{ScopeKind::kCaucus, kIran, ""}, answer,
                                Authority::kExploratory));
  // The US envoy may not speak in Iran's caucus.
  auto intrude = crocker_->talks->Chat(kId, Scope{ScopeKind::kCaucus, kIran, ""}, "hello",
                                       Authority::kExploratory);
  ASSERT_FALSE(intrude.has_value());
  EXPECT_THAT(intrude, StatusIs(StatusCode::kFailedPrecondition)) << intrude.status();

  const std::string internal = "The Pentagon will balk at limited enrichment.";
  const std::int64_t zarif_before = RecordCount(*zarif_);  // the caucus answer is recorded
  const std::int64_t brahimi_before = RecordCount(*brahimi_);
  ASSERT_OK(crocker_->talks->Chat(kId, Scope{ScopeKind::kInternal, kUs, ""}, internal,
                                  Authority::kExploratory));
  SyncAll();
  EXPECT_TRUE(HasText(*brahimi_, answer));
  EXPECT_FALSE(HasText(*crocker_, answer));
  for (Person* p : {state_, nsc_, pentagon_}) EXPECT_TRUE(HasText(*p, internal)) << p->name;
  for (Person* p : {zarif_, brahimi_, icrc_}) {
    EXPECT_FALSE(HasText(*p, internal)) << p->name;
    EXPECT_FALSE(Contains(ExportJson(*p), "balk at limited")) << p->name;
  }
  EXPECT_EQ(RecordCount(*zarif_), zarif_before);
  EXPECT_EQ(RecordCount(*brahimi_), brahimi_before + 1);  // Zarif's caucus answer only

  // Principals cannot speak in plenary, nor directly to the other side.
  const std::int64_t state_before = RecordCount(*state_);
  auto plenary = state_->talks->Chat(kId, Scope{ScopeKind::kPlenary, "", ""}, "We want a deal.",
                                     Authority::kExploratory);
  ASSERT_FALSE(plenary.has_value());
  EXPECT_THAT(plenary, StatusIs(StatusCode::kFailedPrecondition)) << plenary.status();
  auto direct = state_->talks->Chat(kId, Scope{ScopeKind::kDirect, "", zarif_->id}, "psst",
                                    Authority::kExploratory);
  ASSERT_FALSE(direct.has_value());
  EXPECT_THAT(direct, StatusIs(StatusCode::kFailedPrecondition)) << direct.status();
  // Nor in Iran's internal scope.
  auto other_side = zarif_->talks->Chat(kId, Scope{ScopeKind::kInternal, kUs, ""}, "psst",
                                        Authority::kExploratory);
  EXPECT_FALSE(other_side.has_value());
  SyncAll();
  EXPECT_EQ(RecordCount(*state_), state_before);
  EXPECT_FALSE(HasText(*zarif_, "We want a deal."));
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 2. Clearance: a veto blocks a draft, a revision goes out.
TEST_F(TalksFastTest, VetoBlocksADraftAndTheRevisionReachesTheTable) {
  std::string outcome;
  ASSERT_OK(crocker_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kCleared, Package("none", "eased", "transferred")),
      "", &outcome));
  EXPECT_TRUE(outcome.starts_with("draft d1")) << outcome;
  SyncAll();
  ASSERT_OK(state_->talks->Verdict(kId, "d1", true, ""));
  auto unreasoned = pentagon_->talks->Verdict(kId, "d1", false, "");
  ASSERT_FALSE(unreasoned.has_value());
  EXPECT_THAT(unreasoned, StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK(pentagon_->talks->Verdict(kId, "d1", false, "easing sanctions now is premature"));
  // Only principals give verdicts.
  EXPECT_FALSE(crocker_->talks->Verdict(kId, "d1", true, "").has_value());
  SyncAll();
  ASSERT_OK(nsc_->talks->Verdict(kId, "d1", true, ""));
  SyncAll();

  for (Person* p : {brahimi_, zarif_, icrc_, crocker_}) {
    EXPECT_TRUE(St(*p).negotiation().history().empty()) << p->name;
  }
  {
    auto s = St(*crocker_);
    const talks::Draft* d1 = s.FindDraft("d1");
    ASSERT_NE(d1, nullptr);
    auto c = s.DraftClearance(*d1);
    EXPECT_EQ(c.state, talks::ClearanceState::kBlocked);
    EXPECT_EQ(c.blocked_by, std::vector<std::string>{"Pentagon"});
    EXPECT_FALSE(d1->tabled);
    ASSERT_TRUE(d1->verdicts.contains("Pentagon"));
    EXPECT_EQ(d1->verdicts.at("Pentagon").reason, "easing sanctions now is premature");
  }
  // The veto was internal: nobody at the table heard of it.
  for (Person* p : {brahimi_, zarif_, icrc_}) {
    EXPECT_FALSE(Contains(ExportJson(*p), "premature")) << p->name;
  }

  // The revision keeps the sanctions; State and NSC approve, the Pentagon is silent.
  ASSERT_OK(crocker_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kCleared, Package("none", "kept", "transferred")),
      "d1", &outcome));
  EXPECT_TRUE(outcome.starts_with("draft d2")) << outcome;
  auto unknown = crocker_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kCleared, Package("none", "kept", "held")), "d9",
      &outcome);
  EXPECT_FALSE(unknown.has_value()) << "revising an unknown draft";
  SyncAll();
  {
    auto s = St(*state_);
    const talks::Draft* d2 = s.FindDraft("d2");
    ASSERT_NE(d2, nullptr);
    EXPECT_EQ(d2->revises, "d1");
    EXPECT_EQ(s.DraftClearance(*d2).state, talks::ClearanceState::kPending);
  }
  ASSERT_OK(state_->talks->Verdict(kId, "d2", true, ""));
  ASSERT_OK(nsc_->talks->Verdict(kId, "d2", true, ""));
  SyncAll();

  for (Person* p : {brahimi_, crocker_, zarif_, icrc_, state_, nsc_, pentagon_}) {
    auto s = St(*p);
    const auto& h = s.negotiation().history();
    ASSERT_EQ(h.size(), 1U) << p->name;
    EXPECT_EQ(h[0].kind, MoveKind::kPropose) << p->name;
    EXPECT_EQ(s.negotiation().sides()[h[0].side], kUs) << p->name;
    ASSERT_TRUE(s.move_info().contains(h[0].id)) << p->name;
    EXPECT_EQ(s.move_info().at(h[0].id).authority, Authority::kCleared) << p->name;
    EXPECT_EQ(talks::DescribePackage(s.domain(), h[0].package),
              Package("none", "kept", "transferred"))
        << p->name;
  }
  EXPECT_TRUE(St(*crocker_).FindDraft("d2")->tabled);
  EXPECT_EQ(NegotiationJson(*state_), NegotiationJson(*brahimi_));
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 3. A withdrawn offer cannot be accepted.
TEST_F(TalksFastTest, WithdrawnOfferCannotBeAccepted) {
  ASSERT_OK(zarif_->talks->Act(kId,
                               Move(MoveKind::kPropose, Authority::kExploratory,
                                    Package("limited", "lifted", "transferred")),
                               "", nullptr));
  SyncAll();
  ASSERT_EQ(St(*crocker_).negotiation().history().size(), 1U);
  const negotiation::MoveId offer = St(*crocker_).negotiation().history()[0].id;
  // Exploratory offers cannot be accepted as exploratory: accepting commits.
  auto exploratory = crocker_->talks->Act(
      kId, Move(MoveKind::kAccept, Authority::kExploratory, {}, offer), "", nullptr);
  ASSERT_FALSE(exploratory.has_value());
  EXPECT_TRUE(Contains(exploratory.status().message(), "cleared")) << exploratory.status();

  // Crocker drafts an acceptance; meanwhile Zarif withdraws and the host
  // sequences it before the draft is cleared (a race).
  std::string outcome;
  ASSERT_OK(crocker_->talks->Act(kId, Move(MoveKind::kAccept, Authority::kCleared, {}, offer), "",
                                 &outcome));
  EXPECT_TRUE(outcome.starts_with("draft d1")) << outcome;
  ASSERT_OK(zarif_->talks->Act(kId, Move(MoveKind::kWithdraw, Authority::kExploratory, {}, offer),
                               "", nullptr));
  Sync(*brahimi_);  // event #2: the withdrawal, on its way to the table
  Sync(*state_);
  Sync(*nsc_);
  ASSERT_OK(state_->talks->Verdict(kId, "d1", true, ""));
  ASSERT_OK(nsc_->talks->Verdict(kId, "d1", true, ""));
  SyncAll();

  // The acceptance reached the host, which refused it: the offer was gone.
  {
    auto s = St(*crocker_);
    ASSERT_EQ(s.refusals().size(), 1U);
    EXPECT_TRUE(Contains(s.refusals().begin()->second, "withdrawn"))
        << s.refusals().begin()->second;
    EXPECT_TRUE(s.AwaitingHost().empty());
    EXPECT_TRUE(s.negotiation().IsWithdrawn(offer));
  }
  for (Person* p : {brahimi_, crocker_, zarif_, icrc_, state_}) {
    auto s = St(*p);
    ASSERT_EQ(s.negotiation().history().size(), 2U) << p->name;
    EXPECT_EQ(s.negotiation().history()[1].kind, MoveKind::kWithdraw) << p->name;
    EXPECT_EQ(s.negotiation().phase(), Phase::kOpen) << p->name;
  }
  EXPECT_EQ(NegotiationJson(*crocker_), NegotiationJson(*brahimi_));

  // Now that Crocker knows, his own precheck refuses it before anything leaves.
  const std::string before = NegotiationJson(*crocker_);
  const std::int64_t count = RecordCount(*crocker_);
  const std::size_t drafts = St(*crocker_).drafts().size();
  auto again = crocker_->talks->Act(kId, Move(MoveKind::kAccept, Authority::kCleared, {}, offer),
                                    "", &outcome);
  ASSERT_FALSE(again.has_value());
  EXPECT_THAT(again, StatusIs(StatusCode::kFailedPrecondition)) << again.status();
  EXPECT_TRUE(Contains(again.status().message(), "withdrawn")) << again.status();
  EXPECT_EQ(NegotiationJson(*crocker_), before);
  EXPECT_EQ(RecordCount(*crocker_), count);
  EXPECT_EQ(St(*crocker_).drafts().size(), drafts);
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 4. An illegal move is refused and changes nothing.
TEST_F(TalksFastTest, IllegalMovesAreRefusedWithStateUnchanged) {
  ASSERT_OK(zarif_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("full", "lifted", "released")),
      "", nullptr));
  SyncAll();
  std::map<std::string, std::pair<std::string, std::int64_t>> before;
  for (Person* p : Online()) before[p->name] = {NegotiationJson(*p), RecordCount(*p)};

  auto counter = zarif_->talks->Act(
      kId, Move(MoveKind::kCounter, Authority::kExploratory, Package("none", "kept", "held"), 42),
      "", nullptr);
  ASSERT_FALSE(counter.has_value());
  EXPECT_TRUE(counter.status().code() == StatusCode::kNotFound ||
              counter.status().code() == StatusCode::kFailedPrecondition)
      << counter.status();
  // Cleared, under a rule: refused before it becomes a draft.
  auto cleared = crocker_->talks->Act(
      kId, Move(MoveKind::kCounter, Authority::kCleared, Package("none", "kept", "held"), 42), "",
      nullptr);
  ASSERT_FALSE(cleared.has_value());
  EXPECT_TRUE(cleared.status().code() == StatusCode::kNotFound ||
              cleared.status().code() == StatusCode::kFailedPrecondition)
      << cleared.status();
  EXPECT_TRUE(St(*crocker_).drafts().empty());
  // An option that is not on the agenda; a mediator's move; countering one's own offer.
  auto unknown_option = zarif_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, {{"enrichment", "weapons-grade"}}), "",
      nullptr);
  ASSERT_FALSE(unknown_option.has_value());
  EXPECT_THAT(unknown_option, StatusIs(StatusCode::kInvalidArgument));
  auto mediator = brahimi_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "kept", "held")), "",
      nullptr);
  ASSERT_FALSE(mediator.has_value());
  EXPECT_THAT(mediator, StatusIs(StatusCode::kFailedPrecondition));
  auto own = zarif_->talks->Act(
      kId, Move(MoveKind::kCounter, Authority::kExploratory, Package("none", "kept", "held"), 1),
      "", nullptr);
  ASSERT_FALSE(own.has_value());
  auto ratify = zarif_->talks->Act(kId, Move(MoveKind::kRatify, Authority::kCleared), "", nullptr);
  ASSERT_FALSE(ratify.has_value());
  // A principal makes no moves.
  auto principal = state_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "kept", "held")), "",
      nullptr);
  ASSERT_FALSE(principal.has_value());

  SyncAll();
  for (Person* p : Online()) {
    EXPECT_EQ(NegotiationJson(*p), before[p->name].first) << p->name;
    EXPECT_EQ(RecordCount(*p), before[p->name].second) << p->name;
  }
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 5. Profiles go to the mediator only.
TEST_F(TalksFastTest, ProfilesReachOnlyTheMediatorWhoSuggestsToBoth) {
  ASSERT_OK(crocker_->talks->ShareProfile(kId));
  SyncAll();
  EXPECT_TRUE(St(*brahimi_).shared_profiles().contains(kUs));
  EXPECT_TRUE(St(*zarif_).shared_profiles().empty());
  EXPECT_TRUE(St(*icrc_).shared_profiles().empty());
  for (Person* p : {zarif_, icrc_, state_}) {
    for (const auto& e : Entries(*p)) {
      EXPECT_FALSE(std::holds_alternative<talks::Message::Profile>(e.message.body)) << p->name;
    }
  }
  // The analysis needs both sides' profiles.
  auto early = brahimi_->talks->Suggest(kId, SuggestOptions{}, nullptr);
  ASSERT_FALSE(early.has_value());
  EXPECT_TRUE(Contains(early.status().message(), kIran)) << early.status();
  // Only a mediator suggests; a principal has no profile to share.
  EXPECT_FALSE(zarif_->talks->Suggest(kId, SuggestOptions{}, nullptr).has_value());
  EXPECT_FALSE(state_->talks->ShareProfile(kId).has_value());

  talks::PackageSpec suggested;
  ShareAndSuggest(&suggested);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(suggested.size(), 3U);
  for (Person* p : {crocker_, zarif_}) {
    auto s = St(*p);
    ASSERT_EQ(s.suggestions().size(), 1U) << p->name;
    EXPECT_EQ(s.suggestions()[0].id, "s1");
    EXPECT_EQ(s.suggestions()[0].package, suggested);
    ASSERT_EQ(s.conditions().size(), 1U);
    EXPECT_EQ(s.conditions()[0].spec.guarantor, icrc_->id);
    EXPECT_EQ(s.conditions()[0].status, talks::ConditionStatus::kPending);
    // The other side's profile never arrived.
    EXPECT_FALSE(s.shared_profiles().contains(p == crocker_ ? kIran : kUs)) << p->name;
  }
  for (const auto& e : Entries(*crocker_)) {
    if (const auto* profile = std::get_if<talks::Message::Profile>(&e.message.body)) {
      EXPECT_EQ(e.direction, "out");
      EXPECT_EQ(profile->side, kUs);
    }
  }
  EXPECT_EQ(St(*brahimi_).shared_profiles().size(), 2U);
  EXPECT_EQ(St(*state_).suggestions().size(), 1U) << "principals follow the table";
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 6. Suspend and resume; nothing lost.
TEST_F(TalksFastTest, SuspensionHoldsMovesUntilTheSuspendingSideResumes) {
  auto not_suspended = zarif_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr);
  ASSERT_FALSE(not_suspended.has_value());

  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kSuspend, "consultations in Washington"),
                                 "", nullptr));
  Sync(*brahimi_);
  // Zarif has not heard yet: his proposal reaches the host, which holds it.
  ASSERT_OK(zarif_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("limited", "eased", "transferred")),
      "", nullptr));
  SyncAll();
  for (Person* p : Online()) {
    auto s = St(*p);
    ASSERT_TRUE(s.suspension().has_value()) << p->name;
    EXPECT_EQ(s.suspension()->reason, "consultations in Washington");
    EXPECT_TRUE(s.negotiation().history().empty()) << p->name;
  }
  EXPECT_EQ(St(*zarif_).AwaitingHost().size(), 1U);

  // Now he knows: refused locally.
  auto move = zarif_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "eased", "transferred")),
      "", nullptr);
  ASSERT_FALSE(move.has_value());
  EXPECT_TRUE(Contains(move.status().message(), "suspended")) << move.status();
  auto resume = zarif_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr);
  ASSERT_FALSE(resume.has_value());
  EXPECT_TRUE(Contains(resume.status().message(), kUs)) << resume.status();

  // Talk goes on while suspended.
  ASSERT_OK(zarif_->talks->Chat(kId, Scope{}, "We remain at the table.", Authority::kExploratory));
  ASSERT_OK(crocker_->talks->Chat(kId, Scope{}, "So do we.", Authority::kExploratory));
  SyncAll();
  EXPECT_TRUE(HasText(*crocker_, "We remain at the table."));
  EXPECT_TRUE(HasText(*brahimi_, "We remain at the table."));
  EXPECT_TRUE(HasText(*icrc_, "So do we."));
  EXPECT_TRUE(HasText(*zarif_, "So do we."));
  EXPECT_TRUE(HasText(*state_, "So do we.")) << "a plenary message reaches the sender's principals";
  EXPECT_FALSE(HasText(*state_, "We remain at the table."));

  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr));
  SyncAll();
  for (Person* p : Online()) {
    auto s = St(*p);
    EXPECT_FALSE(s.suspension().has_value()) << p->name;
    ASSERT_EQ(s.negotiation().history().size(), 1U) << p->name << ": the held move went through";
  }
  EXPECT_TRUE(St(*zarif_).AwaitingHost().empty());
  ASSERT_OK(zarif_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "eased", "transferred")),
      "", nullptr));
  SyncAll();
  for (Person* p : Online()) {
    EXPECT_EQ(St(*p).negotiation().history().size(), 2U) << p->name;
  }
  EXPECT_EQ(NegotiationJson(*zarif_), NegotiationJson(*brahimi_));
  EXPECT_EQ(NegotiationJson(*pentagon_), NegotiationJson(*brahimi_));
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 7. The guarantor's condition gates ratification.
TEST_F(TalksFastTest, RatificationWaitsForTheGuarantor) {
  ShareAndSuggest(nullptr);
  ASSERT_FALSE(HasFailure());
  Action accept = Move(MoveKind::kAccept, Authority::kCleared);
  accept.suggestion = "s1";
  ASSERT_OK(zarif_->talks->Act(kId, accept, "", nullptr));
  SyncAll();
  CrockerCleared(accept);
  ASSERT_FALSE(HasFailure());
  for (Person* p : Online()) {
    EXPECT_EQ(St(*p).negotiation().phase(), Phase::kAdReferendum) << p->name;
  }

  const Action ratify = Move(MoveKind::kRatify, Authority::kCleared);
  for (Person* p : {zarif_, crocker_}) {
    auto r = p->talks->Act(kId, ratify, "", nullptr);
    ASSERT_FALSE(r.has_value()) << p->name;
    EXPECT_TRUE(Contains(r.status().message(), "ICRC delegate")) << r.status();
    EXPECT_TRUE(Contains(r.status().message(), "c1")) << r.status();
  }
  EXPECT_EQ(St(*crocker_).drafts().size(), 1U) << "no draft for a refused ratification";

  Action met = Kind(Action::Kind::kCondition, "transfer observed at the border");
  met.condition = "c1";
  met.status = talks::ConditionStatus::kMet;
  auto not_guarantor = zarif_->talks->Act(kId, met, "", nullptr);
  ASSERT_FALSE(not_guarantor.has_value());
  EXPECT_THAT(not_guarantor, StatusIs(StatusCode::kPermissionDenied)) << not_guarantor.status();
  ASSERT_OK(icrc_->talks->Act(kId, met, "", nullptr));
  SyncAll();
  for (Person* p : Online()) {
    auto s = St(*p);
    ASSERT_EQ(s.conditions().size(), 1U) << p->name;
    EXPECT_EQ(s.conditions()[0].status, talks::ConditionStatus::kMet) << p->name;
  }

  ASSERT_OK(zarif_->talks->Act(kId, ratify, "", nullptr));
  CrockerCleared(ratify);
  ASSERT_FALSE(HasFailure());
  for (Person* p : {brahimi_, crocker_, zarif_, icrc_, state_, nsc_, pentagon_}) {
    EXPECT_EQ(St(*p).negotiation().phase(), Phase::kRatified) << p->name;
  }
  EXPECT_EQ(NegotiationJson(*state_), NegotiationJson(*brahimi_));

  // The state is the fold of the record: reopening rebuilds the same state.
  for (Person* p : {brahimi_, crocker_, state_, icrc_}) {
    const std::string negotiation = NegotiationJson(*p);
    const auto drafts = St(*p).drafts().size();
    const auto conditions = St(*p).conditions().size();
    Close(*p);
    Reopen(*p);
    auto s = St(*p);
    EXPECT_EQ(s.negotiation().ToJson(), negotiation) << p->name;
    EXPECT_EQ(s.drafts().size(), drafts) << p->name;
    EXPECT_EQ(s.conditions().size(), conditions) << p->name;
  }
  EXPECT_EQ(St(*crocker_).rule().ToString(), kRule);
  SyncAll();
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// A principal brought in after the talks have moved learns what happened.
TEST_F(TalksFastTest, LatePrincipalCatchesUpOnEarlierEvents) {
  ASSERT_OK(zarif_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("full", "lifted", "released")),
      "", nullptr));
  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kSuspend, "review"), "", nullptr));
  SyncAll();
  ASSERT_EQ(St(*brahimi_).last_seq(), 2U);

  Person* treasury = Add("Treasury", authorities_[0], identity::Role::kPrincipal);
  ASSERT_FALSE(HasFailure());
  for (Person* p : {crocker_, state_, nsc_, pentagon_}) {
    Connect(*p, *treasury);
    ASSERT_FALSE(HasFailure());
  }
  treasury->talks = std::make_unique<TalksService>(*treasury->client);
  ASSERT_OK(crocker_->talks->Invite(kId, "Treasury", Role::kPrincipal));
  SyncAll();
  // A refused join (a principal does not set its side's rule) changes
  // nothing: the talks stay not joined.
  EXPECT_THAT(treasury->talks->Join(kId, "", "approve=Treasury").status(),
              StatusIs(StatusCode::kFailedPrecondition, ::testing::HasSubstr("only an envoy")));
  auto before = treasury->talks->Meta(kId);
  ASSERT_OK(before.status());
  EXPECT_FALSE(before->joined);
  ASSERT_OK(treasury->talks->Join(kId, "", ""));
  SyncAll();
  {
    auto s = St(*treasury);
    EXPECT_EQ(s.last_seq(), 2U);
    EXPECT_TRUE(s.suspension().has_value());
    EXPECT_EQ(s.negotiation().ToJson(), NegotiationJson(*brahimi_));
    EXPECT_NE(St(*state_).FindMemberByName("Treasury"), nullptr);
  }
  // And the next event reaches it like everyone else's.
  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr));
  SyncAll();
  EXPECT_EQ(St(*treasury).last_seq(), 3U);
  EXPECT_FALSE(St(*treasury).suspension().has_value());
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// A coalition side (issue 16): the E3's envoy is accredited by France and
// its principal by Germany; the talks bind the side to both authorities, so
// the host seats both on "E3", every member that holds their credentials
// checks the seats, and one clearance rule names the German principal.
TEST_F(TalksFastTest, CoalitionSideSeatsEnvoysOfSeveralAuthorities) {
  for (const char* side : {"France", "Germany"}) {
    auto a = identity::Authority::Generate(side);
    ASSERT_TRUE(a.has_value()) << a.status();
    for (Person* p : {brahimi_, zarif_}) {
      ASSERT_OK(p->client->TrustAuthority(a->public_key(), side, client::TrustScope::Side(side)));
    }
    authorities_.push_back(std::move(*a));
  }
  const identity::Authority& france = authorities_[authorities_.size() - 2];
  const identity::Authority& germany = authorities_.back();
  Person* araud = Add("Araud", france, identity::Role::kEnvoy);
  Person* berlin = Add("Berlin", germany, identity::Role::kPrincipal);
  ASSERT_FALSE(HasFailure());
  Connect(*brahimi_, *araud);
  Connect(*zarif_, *araud);
  Connect(*araud, *berlin);
  ASSERT_FALSE(HasFailure());
  for (Person* p : {araud, berlin}) p->talks = std::make_unique<TalksService>(*p->client);

  const std::map<std::string, std::vector<AuthorityPublicKey>> e3 = {
      {"E3", {france.public_key(), germany.public_key()}}};
  ASSERT_OK(brahimi_->talks->Create("vienna", "JCPOA", Agenda(), {"E3", kIran}, "", e3));
  ASSERT_OK(brahimi_->talks->Invite("vienna", "Araud", Role::kEnvoy));
  ASSERT_OK(brahimi_->talks->Invite("vienna", "Zarif", Role::kEnvoy));
  SyncAll();
  ASSERT_OK(araud->talks->Join("vienna", "", "approve=Berlin"));
  ASSERT_OK(zarif_->talks->Join("vienna", "", ""));
  ASSERT_OK(araud->talks->Invite("vienna", "Berlin", Role::kPrincipal));
  SyncAll();
  ASSERT_OK(berlin->talks->Join("vienna", "", ""));
  SyncAll();
  for (Person* p : {brahimi_, zarif_, araud, berlin}) {
    auto st = p->talks->State("vienna");
    ASSERT_TRUE(st.has_value()) << p->name << ": " << st.status();
    const talks::Member* a = st->FindMemberByName("Araud");
    ASSERT_NE(a, nullptr) << p->name;
    EXPECT_EQ(a->side, "E3") << p->name;
  }
  ASSERT_EQ(araud->talks->State("vienna")->FindMemberByName("Berlin")->side, "E3");

  // Araud's cleared proposal waits for Berlin, then reaches Iran cleared.
  std::string outcome;
  ASSERT_OK(araud->talks->Act(
      "vienna", Move(MoveKind::kPropose, Authority::kCleared, Package("limited", "eased", "held")),
      "", &outcome));
  EXPECT_TRUE(outcome.starts_with("draft d1")) << outcome;
  SyncAll();
  EXPECT_TRUE(zarif_->talks->State("vienna")->negotiation().history().empty());
  ASSERT_OK(berlin->talks->Verdict("vienna", "d1", true, ""));
  SyncAll();
  auto z = zarif_->talks->State("vienna");
  ASSERT_TRUE(z.has_value()) << z.status();
  ASSERT_EQ(z->negotiation().history().size(), 1U);
  EXPECT_EQ(z->negotiation().sides()[z->negotiation().history()[0].side], "E3");
  EXPECT_EQ(z->move_info().begin()->second.authority, Authority::kCleared);

  // Crocker (United States) cannot be seated on the coalition side: his
  // authority is not bound to it, and "United States" is no side here.
  EXPECT_FALSE(brahimi_->talks->Invite("vienna", "Crocker", Role::kEnvoy).has_value());
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 8. A tampered record is detected.
Status Exec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return IoError("cannot open " + db_path);
  }
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  const int changes = sqlite3_total_changes(db);
  sqlite3_close(db);
  if (rc != SQLITE_OK) return IoError(message);
  if (changes == 0) return NotFound("the statement changed nothing: " + sql);
  return Status::Ok();
}

// The talks' record in raw SQL: the homes hold one talks log, and its name
// (the talks id) is a keyed index in the file (LocalStore schema 6).
const std::string kGenevaLog = "(SELECT log FROM app_log_heads WHERE app = 'talks')";

TEST_F(TalksFastTest, TamperedRecordIsDetected) {
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{}, "Welcome to Geneva.", Authority::kExploratory));
  ASSERT_OK(crocker_->talks->Chat(kId, Scope{}, "Thank you.", Authority::kExploratory));
  ASSERT_OK(zarif_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("limited", "lifted", "released")),
      "", nullptr));
  SyncAll();
  const std::int64_t zarif_count = RecordCount(*zarif_);
  const std::int64_t crocker_count = RecordCount(*crocker_);
  ASSERT_GE(zarif_count, 4);
  ASSERT_GE(crocker_count, 5);

  // (a) Zarif's entry 3 is deleted.
  Close(*zarif_);
  ASSERT_OK(
      Exec(zarif_->options.home + "/store.db",
           "DELETE FROM app_log WHERE app = 'talks' AND log = " + kGenevaLog + " AND seq = 3"));
  Reopen(*zarif_);
  {
    auto v = zarif_->talks->VerifyRecord(kId);
    ASSERT_TRUE(v.has_value()) << v.status();
    EXPECT_FALSE(v->ok);
    ASSERT_FALSE(v->problems.empty());
    bool named = false;
    for (const auto& p : v->problems) named = named || Contains(p.what, "entry 3");
    EXPECT_TRUE(named) << v->problems[0].what;
    auto exported = zarif_->talks->ExportRecord(kId, "json");
    EXPECT_FALSE(exported.has_value()) << "a broken record is not exported as if whole";
  }

  // Without its definition the rest of Zarif's record no longer applies: the
  // state is not rebuilt from it (kCorrupt), rather than rebuilt wrong.
  Close(*zarif_);
  ASSERT_OK(
      Exec(zarif_->options.home + "/store.db",
           "DELETE FROM app_log WHERE app = 'talks' AND log = " + kGenevaLog + " AND seq = 1"));
  Reopen(*zarif_);
  {
    auto s = zarif_->talks->State(kId);
    ASSERT_FALSE(s.has_value());
    EXPECT_THAT(s, StatusIs(StatusCode::kCorrupt)) << s.status();
    EXPECT_TRUE(Contains(s.status().message(), "no longer applies")) << s.status();
  }

  // (b) Crocker's entries 2 and 4 trade places.
  Close(*crocker_);
  ASSERT_OK(Exec(
      crocker_->options.home + "/store.db",
      "CREATE TEMP TABLE swap AS SELECT seq, entry FROM app_log "
      "WHERE app = 'talks' AND log = " +
          kGenevaLog +
          " AND seq IN (2, 4); "
          "UPDATE app_log SET entry = (SELECT entry FROM swap WHERE swap.seq = 6 - app_log.seq) "
          "WHERE app = 'talks' AND log = " +
          kGenevaLog + " AND seq IN (2, 4);"));
  Reopen(*crocker_);
  {
    auto v = crocker_->talks->VerifyRecord(kId);
    ASSERT_TRUE(v.has_value()) << v.status();
    EXPECT_FALSE(v->ok);
    bool two = false, four = false;
    for (const auto& p : v->problems) {
      two = two || Contains(p.what, "entry 2");
      four = four || Contains(p.what, "entry 4");
    }
    EXPECT_TRUE(two && four) << v->problems[0].what;
    // Rebuilding the state from a tampered record is an error, not a wrong state.
    auto s = crocker_->talks->State(kId);
    EXPECT_FALSE(s.has_value());
  }

  // Untouched clients verify.
  for (Person* p : {brahimi_, icrc_, state_}) {
    auto v = p->talks->VerifyRecord(kId);
    ASSERT_TRUE(v.has_value());
    EXPECT_TRUE(v->ok) << p->name << ": " << (v->problems.empty() ? "" : v->problems[0].what);
  }

  // An exported archive altered afterwards.
  const std::string json = ExportJson(*brahimi_);
  auto parsed = talks::RecordFromJson(json);
  ASSERT_TRUE(parsed.has_value()) << parsed.status();
  EXPECT_TRUE(talks::VerifyRecord(parsed->entries, parsed->head).ok);
  auto j = nlohmann::json::parse(json);
  std::int64_t altered = 0;
  for (auto& e : j["entries"]) {
    std::string m = e["message"].get<std::string>();
    const auto at = m.find("Thank you.");
    if (at == std::string::npos) continue;
    m.replace(at, 10, "No thanks.");
    e["message"] = m;
    altered = e["seq"].get<std::int64_t>();
  }
  ASSERT_GT(altered, 0);
  auto forged = talks::RecordFromJson(j.dump());
  ASSERT_TRUE(forged.has_value()) << forged.status();
  auto v = talks::VerifyRecord(forged->entries, forged->head);
  EXPECT_FALSE(v.ok);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_EQ(v.problems[0].seq, altered);
  EXPECT_TRUE(Contains(v.problems[0].what, "altered")) << v.problems[0].what;
}
}  // namespace
}  // namespace backchannel::talks_client
