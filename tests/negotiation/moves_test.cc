// The moves state machine: every rule, failure-atomicity (an illegal move
// leaves the serialized state byte-identical) and serialization.
#include "backchannel/negotiation/moves.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

namespace backchannel::negotiation {
namespace {

using ::testing::HasSubstr;

Domain Agenda() {
  Domain d;
  d.name = "grand bargain";
  d.issues.push_back({"enrichment", IssueKind::kDiscrete, {"none", "capped", "open"}, 0, 0, false});
  d.issues.push_back({"sanctions", IssueKind::kDiscrete, {"kept", "eased", "lifted"}, 0, 0, false});
  return d;
}

constexpr std::size_t kUs = 0;
constexpr std::size_t kIran = 1;
constexpr std::size_t kMediator = 2;

const PartialPackage kComplete{1u, 1u};
const PartialPackage kOther{0u, 2u};
const PartialPackage kPartial{1u, std::nullopt};

Negotiation Two() { return *Negotiation::Create(Agenda(), {"US", "Iran"}); }

// Runs an illegal move and checks its code, message and that nothing changed.
template <typename F>
void ExpectIllegal(Negotiation& n, F move, StatusCode code, const std::string& why) {
  const std::string before = n.ToJson();
  Result<MoveId> r = move(n);
  ASSERT_FALSE(r.has_value()) << "move was accepted; expected: " << why;
  EXPECT_EQ(r.error().code(), code) << r.error();
  EXPECT_THAT(std::string(r.error().message()), HasSubstr(why));
  EXPECT_EQ(n.ToJson(), before) << "an illegal move changed the state";
}

TEST(MovesTest, CreateValidatesSides) {
  EXPECT_EQ(Negotiation::Create(Agenda(), {"US"}).error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(Negotiation::Create(Agenda(), {"US", "US"}).error().message()),
              HasSubstr("appears twice"));
  EXPECT_FALSE(Negotiation::Create(Agenda(), {"US", ""}));
  EXPECT_FALSE(Negotiation::Create(Domain{}, {"US", "Iran"}));
}

TEST(MovesTest, SidesByNameAndIndex) {
  Negotiation n = Two();
  EXPECT_EQ(*n.SideIndex("Iran"), kIran);
  EXPECT_EQ(n.SideIndex("UK").error().code(), StatusCode::kNotFound);
  ExpectIllegal(
      n, [](Negotiation& x) { return x.Propose(7, kComplete); }, StatusCode::kInvalidArgument,
      "no side with index 7");
}

TEST(MovesTest, ProposeCompleteOrPartialPackages) {
  Negotiation n = Two();
  EXPECT_EQ(*n.Propose(kUs, kComplete), 1u);
  EXPECT_EQ(*n.Propose(kIran, kPartial), 2u);
  ASSERT_EQ(n.history().size(), 2u);
  EXPECT_EQ(n.history()[1].package, kPartial);
  EXPECT_EQ(n.phase(), Phase::kOpen);
  ExpectIllegal(
      n, [](Negotiation& x) { return x.Propose(kUs, PartialPackage{1u}); },
      StatusCode::kInvalidArgument, "one entry per issue");
  ExpectIllegal(
      n,
      [](Negotiation& x) {
        return x.Propose(kUs, PartialPackage{9u, 0u});
      },
      StatusCode::kInvalidArgument, "issue 'enrichment' has no option 9");
  ExpectIllegal(
      n,
      [](Negotiation& x) {
        return x.Propose(kUs, PartialPackage{std::nullopt, std::nullopt});
      },
      StatusCode::kInvalidArgument, "empty package");
}

TEST(MovesTest, CounterRefersToAnEarlierOfferOfAnotherSide) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  const MoveId counter = *n.Counter(kIran, offer, kOther);
  EXPECT_EQ(n.history()[counter - 1].target, offer);
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Counter(kUs, offer, kOther); },
      StatusCode::kFailedPrecondition, "cannot counter its own offer");
  ExpectIllegal(
      n, [](Negotiation& x) { return x.Counter(kIran, 42, kOther); }, StatusCode::kNotFound,
      "there is no move 42");
  ASSERT_TRUE(n.Withdraw(kUs, offer));
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Counter(kIran, offer, kOther); },
      StatusCode::kFailedPrecondition, "withdrawn and cannot be countered");
}

TEST(MovesTest, AcceptingAPartialPackageIsIllegal) {
  Negotiation n = Two();
  const MoveId partial = *n.Propose(kUs, kPartial);
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Accept(kIran, partial); }, StatusCode::kFailedPrecondition,
      "partial package");
}

TEST(MovesTest, ASideCannotAcceptItsOwnOffer) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Accept(kUs, offer); }, StatusCode::kFailedPrecondition,
      "cannot accept its own offer");
}

TEST(MovesTest, AWithdrawnOfferCannotBeAccepted) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  ASSERT_TRUE(n.Withdraw(kUs, offer));
  EXPECT_TRUE(n.IsWithdrawn(offer));
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Accept(kIran, offer); }, StatusCode::kFailedPrecondition,
      "withdrawn and cannot be accepted");
}

TEST(MovesTest, OnlyOffersAndAcceptancesAreAcceptedOrRejected) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  const MoveId reject = *n.Reject(kIran, offer, "too little");
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Accept(kUs, reject); }, StatusCode::kFailedPrecondition,
      "is a reject, not an offer");
}

TEST(MovesTest, AgreementIsAdReferendumUntilEverySideRatifies) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  ExpectIllegal(
      n, [](Negotiation& x) { return x.Ratify(kUs); }, StatusCode::kFailedPrecondition,
      "no agreement to ratify");
  ASSERT_TRUE(n.Accept(kIran, offer));
  EXPECT_EQ(n.phase(), Phase::kAdReferendum);
  EXPECT_EQ(n.agreement(), offer);
  ExpectIllegal(
      n, [](Negotiation& x) { return x.Propose(kIran, kOther); }, StatusCode::kFailedPrecondition,
      "awaits ratification");
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Withdraw(kUs, offer); }, StatusCode::kFailedPrecondition,
      "awaits ratification");
  ASSERT_TRUE(n.Ratify(kIran));
  EXPECT_EQ(n.phase(), Phase::kAdReferendum);
  EXPECT_TRUE(n.HasRatified(kIran));
  ExpectIllegal(
      n, [](Negotiation& x) { return x.Ratify(kIran); }, StatusCode::kFailedPrecondition,
      "already ratified");
  ASSERT_TRUE(n.Ratify(kUs));
  EXPECT_EQ(n.phase(), Phase::kRatified);
  ExpectIllegal(
      n, [](Negotiation& x) { return x.Propose(kUs, kOther); }, StatusCode::kFailedPrecondition,
      "concluded");
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Reject(kUs, offer, "changed my mind"); },
      StatusCode::kFailedPrecondition, "concluded");
}

TEST(MovesTest, NothingIsAgreedUntilEverySideAccepts) {
  Negotiation n = *Negotiation::Create(Agenda(), {"US", "Iran", "UN"});
  const MoveId offer = *n.Propose(kMediator, kComplete);
  ASSERT_TRUE(n.Accept(kUs, offer));
  EXPECT_EQ(n.phase(), Phase::kOpen);
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Accept(kUs, offer); }, StatusCode::kFailedPrecondition,
      "already accepted");
  ASSERT_TRUE(n.Accept(kIran, offer));
  EXPECT_EQ(n.phase(), Phase::kAdReferendum);
}

TEST(MovesTest, WithdrawnAcceptanceNoLongerCounts) {
  Negotiation n = *Negotiation::Create(Agenda(), {"US", "Iran", "UN"});
  const MoveId offer = *n.Propose(kMediator, kComplete);
  const MoveId accept = *n.Accept(kUs, offer);
  ASSERT_TRUE(n.Withdraw(kUs, accept));
  EXPECT_FALSE(n.Supports(kUs, offer));
  ASSERT_TRUE(n.Accept(kIran, offer));
  EXPECT_EQ(n.phase(), Phase::kOpen);
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Withdraw(kUs, accept); }, StatusCode::kFailedPrecondition,
      "already withdrawn");
}

TEST(MovesTest, WithdrawOnlyOnesOwnOffersAndAcceptances) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  const MoveId reject = *n.Reject(kIran, offer, "no");
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Withdraw(kIran, offer); }, StatusCode::kFailedPrecondition,
      "only withdraw its own moves");
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Withdraw(kIran, reject); }, StatusCode::kFailedPrecondition,
      "only offers and acceptances can be withdrawn");
  ExpectIllegal(
      n, [](Negotiation& x) { return x.Withdraw(kIran, 99); }, StatusCode::kNotFound,
      "there is no move 99");
}

TEST(MovesTest, RejectNeedsAReasonAndAnotherSidesOffer) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Reject(kIran, offer, ""); }, StatusCode::kInvalidArgument,
      "needs a reason");
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Reject(kUs, offer, "hmm"); },
      StatusCode::kFailedPrecondition, "cannot reject its own offer");
  const MoveId reject = *n.Reject(kIran, offer, "sanctions must be lifted");
  EXPECT_EQ(n.history()[reject - 1].reason, "sanctions must be lifted");
  EXPECT_EQ(n.phase(), Phase::kOpen);
  // Positions are non-binding: a side may accept what it rejected before.
  ASSERT_TRUE(n.Accept(kIran, offer));
  EXPECT_EQ(n.phase(), Phase::kAdReferendum);
}

TEST(MovesTest, RefusingRatificationReopensTheTalks) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  const MoveId other = *n.Propose(kIran, kOther);
  ASSERT_TRUE(n.Accept(kIran, offer));
  ASSERT_TRUE(n.Ratify(kUs));
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Reject(kUs, offer, "no"); },
      StatusCode::kFailedPrecondition, "already ratified");
  ExpectIllegal(
      n, [&](Negotiation& x) { return x.Reject(kUs, other, "no"); },
      StatusCode::kFailedPrecondition, "only the agreement");
  ASSERT_TRUE(n.Reject(kIran, offer, "the Majlis refuses"));
  EXPECT_EQ(n.phase(), Phase::kOpen);
  EXPECT_FALSE(n.agreement());
  EXPECT_FALSE(n.HasRatified(kUs));
  EXPECT_FALSE(n.Supports(kIran, offer));
}

TEST(MovesTest, SerializationRoundTripsAndKeepsIds) {
  Negotiation n = *Negotiation::Create(Agenda(), {"US", "Iran", "UN"});
  const MoveId a = *n.Propose(kUs, kPartial);
  const MoveId b = *n.Counter(kIran, a, kComplete);
  ASSERT_TRUE(n.Reject(kUs, b, "enrichment"));
  ASSERT_TRUE(n.Withdraw(kUs, a));
  const MoveId c = *n.Propose(kMediator, kOther);
  ASSERT_TRUE(n.Accept(kUs, c));
  ASSERT_TRUE(n.Accept(kIran, c));
  ASSERT_TRUE(n.Ratify(kMediator));
  const std::string json = n.ToJson();
  auto restored = Negotiation::FromJson(json);
  ASSERT_TRUE(restored) << restored.error();
  EXPECT_EQ(restored->ToJson(), json);
  EXPECT_EQ(restored->phase(), Phase::kAdReferendum);
  EXPECT_EQ(restored->agreement(), c);
  EXPECT_TRUE(restored->HasRatified(kMediator));
  EXPECT_TRUE(restored->IsWithdrawn(a));
  ASSERT_EQ(restored->history().size(), 8u);
  EXPECT_EQ(restored->history()[2].reason, "enrichment");
}

void ExpectCorrupt(const std::string& text, StatusCode code, const std::string& why) {
  auto r = Negotiation::FromJson(text);
  ASSERT_FALSE(r) << "accepted: " << text;
  EXPECT_EQ(r.error().code(), code) << r.error();
  EXPECT_THAT(std::string(r.error().message()), HasSubstr(why));
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST(MovesTest, MalformedSerializationIsAClearError) {
  Negotiation n = Two();
  const MoveId offer = *n.Propose(kUs, kComplete);
  ASSERT_TRUE(n.Accept(kIran, offer));
  const std::string good = n.ToJson();
  ExpectCorrupt("", StatusCode::kCorrupt, "malformed JSON");
  ExpectCorrupt(good.substr(0, good.size() / 2), StatusCode::kCorrupt, "malformed JSON");
  ExpectCorrupt("[]", StatusCode::kCorrupt, "expected a JSON object");
  ExpectCorrupt(Replace(good, "\"version\": 1", "\"version\": 2"), StatusCode::kUnsupportedVersion,
                "version 2 is not supported");
  ExpectCorrupt(Replace(good, "backchannel.negotiation", "something.else"), StatusCode::kCorrupt,
                "/format");
  // A history the rules reject: Iran accepting its own offer.
  ExpectCorrupt(Replace(good, "\"side\": \"Iran\"", "\"side\": \"US\""), StatusCode::kCorrupt,
                "/moves/1: illegal move: US cannot accept its own offer");
  ExpectCorrupt(Replace(good, "\"phase\": \"ad_referendum\"", "\"phase\": \"ratified\""),
                StatusCode::kCorrupt, "/phase: does not match the history");
  ExpectCorrupt(Replace(good, "\"id\": 2", "\"id\": 5"), StatusCode::kCorrupt, "/moves/1/id");
  ExpectCorrupt(Replace(good, "\"kind\": \"accept\"", "\"kind\": \"embrace\""),
                StatusCode::kCorrupt, "unknown move kind 'embrace'");
  ExpectCorrupt(Replace(good, "\"sanctions\": \"eased\"", "\"sanctions\": \"gone\""),
                StatusCode::kCorrupt, "has no option 'gone'");
  ExpectCorrupt(Replace(good, "\"Iran\"\n  ]", "\"US\"\n  ]"), StatusCode::kCorrupt,
                "appears twice");
}

}  // namespace
}  // namespace backchannel::negotiation
