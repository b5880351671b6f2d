// The exchange state machine (exchange.h): pairing, replays and
// cross-exchange messages refused without a state change, expiry, the
// probing budget on the answering side, serialisation at every step, and
// the fairness bound at every abort point.
#include "backchannel/feelers/exchange.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "feelers/exchange_harness.h"
#include "testing/status_matchers.h"

namespace backchannel::feelers {
namespace {

using ::backchannel::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Pump;
using testing::Side;
using testing::TopicBytes;

constexpr std::int64_t kNow = 1'800'000'000;

Side Alice() {
  return Side("alice", 0xa1, 0xb0,
              TopicBytes({"oil exports", "prisoner swap", "sanctions relief"}));
}
Side Bob() {
  return Side("bob", 0xb0, 0xa1,
              TopicBytes({"sanctions relief", "aviation parts", "prisoner swap"}));
}

Bytes StateOf(const Side& s) { return s.x->Encode().ExposeCopy(); }

TEST(ExchangeTest, OneSideOffersTheOtherAnswersBothLearnTheSharedTopics) {
  Side a = Alice();
  Side b = Bob();
  ASSERT_OK(a.Start(kNow));
  EXPECT_EQ(a.x->phase(), Phase::kOffered);
  Pump(a, b, kNow);
  ASSERT_EQ(a.x->phase(), Phase::kDone);
  ASSERT_EQ(b.x->phase(), Phase::kDone);
  EXPECT_THAT(a.x->Matched(),
              ElementsAre(TopicBytes({"prisoner swap"})[0], TopicBytes({"sanctions relief"})[0]));
  EXPECT_THAT(b.x->Matched(),
              ElementsAre(TopicBytes({"sanctions relief"})[0], TopicBytes({"prisoner swap"})[0]));
  EXPECT_EQ(a.x->MatchCount(), 2u);
  EXPECT_EQ(*a.x->exchange_id(), *b.x->exchange_id());
  EXPECT_EQ(a.x->k(), 8u);
  EXPECT_EQ(a.sent, 3u);
  EXPECT_EQ(b.sent, 3u);
}

TEST(ExchangeTest, CrossingOffersPairDeterministically) {
  Side a = Alice();
  Side b = Bob();
  b.topics = TopicBytes({"prisoner swap", "a", "b", "c", "d", "e", "f", "g", "h"});  // 9: k = 16
  ASSERT_OK(a.Start(kNow));
  ASSERT_OK(b.Start(kNow));
  Pump(a, b, kNow);
  ASSERT_EQ(a.x->phase(), Phase::kDone);
  ASSERT_EQ(b.x->phase(), Phase::kDone);
  EXPECT_EQ(*a.x->exchange_id(), *b.x->exchange_id());
  EXPECT_EQ(a.x->k(), 16u);  // the larger of the two offers
  EXPECT_EQ(b.x->k(), 16u);
  EXPECT_THAT(a.x->Matched(), ElementsAre(TopicBytes({"prisoner swap"})[0]));
  EXPECT_THAT(b.x->Matched(), ElementsAre(TopicBytes({"prisoner swap"})[0]));
}

// An incoming offer carries no scope: the answering side binds it to the
// scope its user names (talks feelers, docs/feelers.md §13). The same scope
// on both sides pairs; another one derives another exchange id, so the
// asking side refuses the response and nothing is learned.
TEST(ExchangeTest, RescopeBindsAnIncomingOfferToTheAnsweringUsersScope) {
  for (const bool same : {true, false}) {
    Side a = Alice();
    Side b = Bob();
    a.params.scope = "talks/geneva";
    ASSERT_OK(a.Start(kNow));
    auto offer = DecodeOffer(a.outbox.front());
    ASSERT_OK(offer);
    a.outbox.pop_front();
    auto in = Exchange::Incoming(b.params, *offer, kNow, 3600, b.budget);
    ASSERT_OK(in);
    EXPECT_THAT(in->Rescope(""), StatusIs(StatusCode::kInvalidArgument));
    EXPECT_THAT(in->Rescope(std::string(kMaxScopeBytes + 1, 'x')),
                StatusIs(StatusCode::kInvalidArgument));
    ASSERT_OK(in->Rescope(same ? "talks/geneva" : "talks/vienna"));
    EXPECT_EQ(in->params().scope, same ? "talks/geneva" : "talks/vienna");
    auto out = in->Answer(b.topics, 0, kNow);
    ASSERT_OK(out);
    EXPECT_THAT(in->Rescope("talks/geneva"), StatusIs(StatusCode::kFailedPrecondition))
        << "only before the answer: the scope is hashed from then on";
    ASSERT_OK(a.Deliver((*out)[0], kNow));  // b's offer pairs with a's
    const Status response = a.Deliver((*out)[1], kNow);
    if (same) {
      EXPECT_OK(response);
      EXPECT_EQ(*a.x->exchange_id(), *in->exchange_id());
    } else {
      EXPECT_THAT(response, StatusIs(StatusCode::kInvalidArgument));
      EXPECT_NE(*a.x->exchange_id(), *in->exchange_id());
    }
  }
  Side a = Alice();
  ASSERT_OK(a.Start(kNow));
  EXPECT_THAT(a.x->Rescope("talks/geneva"), StatusIs(StatusCode::kFailedPrecondition));
}

TEST(ExchangeTest, ALoneOfferStaysPendingThenExpires) {
  Side a = Alice();
  ASSERT_OK(a.Start(kNow, 600));
  EXPECT_EQ(a.x->Expire(kNow + 599, a.budget), Phase::kOffered);
  EXPECT_EQ(a.x->Expire(kNow + 600, a.budget), Phase::kExpired);
  Offer late;
  late.nonce.fill(7);
  EXPECT_THAT(a.x->OnOffer(late, kNow + 601),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("ended")));
}

TEST(ExchangeTest, ReplayedAndCrossExchangeMessagesAreRefusedAndChangeNothing) {
  Side a = Alice();
  Side b = Bob();
  ASSERT_OK(a.Start(kNow));
  std::vector<Bytes> wire = Pump(a, b, kNow);
  ASSERT_EQ(wire.size(), 6u);
  // A second exchange between the same two, for cross-exchange messages.
  Side a2 = Alice();
  Side b2 = Bob();
  ASSERT_OK(a2.Start(kNow));
  Bytes a2_offer = a2.outbox.front();
  ASSERT_OK(b2.Deliver(a2_offer, kNow));
  a2.outbox.clear();
  // b2 queued its offer and response for a2: deliver only the offer.
  ASSERT_OK(a2.Deliver(b2.outbox.front(), kNow));
  const Bytes a2_before = StateOf(a2);
  const Bytes a_before = StateOf(a);
  // Every message of the finished exchange, replayed to both of its sides.
  for (const Bytes& m : wire) {
    const Status to_a = a.Deliver(m, kNow);
    const Status to_b = b.Deliver(m, kNow);
    EXPECT_FALSE(to_a.ok());
    EXPECT_FALSE(to_b.ok());
    // ... and to the other exchange, which is waiting for a response.
    EXPECT_FALSE(a2.Deliver(m, kNow).ok());
  }
  EXPECT_EQ(StateOf(a), a_before);
  EXPECT_EQ(StateOf(a2), a2_before);
  EXPECT_EQ(a.x->phase(), Phase::kDone);
  // The specific codes: a replayed finish is a duplicate; a response from
  // the other exchange is named as such.
  EXPECT_THAT(a.Deliver(wire[5], kNow), StatusIs(StatusCode::kDuplicateMessage));
  EXPECT_THAT(a2.Deliver(wire[2], kNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("another exchange")));
  // The second exchange still completes.
  b2.outbox.pop_front();  // its offer, already delivered
  Pump(a2, b2, kNow);
  EXPECT_EQ(a2.x->phase(), Phase::kDone);
  EXPECT_EQ(b2.x->phase(), Phase::kDone);
}

TEST(ExchangeTest, BadTimesAndKsAreRefused) {
  Side a = Alice();
  Bytes offer;
  EXPECT_THAT(Exchange::Start(a.params, a.topics, 0, kNow, 0, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("ttl")));
  EXPECT_THAT(Exchange::Start(a.params, a.topics, 0, kNow, kMaxTtlSeconds + 1, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("ttl")));
  EXPECT_THAT(Exchange::Start(a.params, a.topics, 0, -1, 60, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("epoch")));
  Offer o;
  o.nonce.fill(4);
  o.k = 12;
  EXPECT_THAT(Exchange::Incoming(a.params, o, kNow, 60, a.budget),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(a.budget.Used(a.params.peer, kNow), 0u);  // nothing refused was charged
  ExchangeParams self = a.params;
  self.peer = self.self;
  EXPECT_THAT(Exchange::Start(self, a.topics, 0, kNow, 60, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("ourselves")));
  ExchangeParams no_scope = a.params;
  no_scope.scope.clear();
  EXPECT_THAT(Exchange::Start(no_scope, a.topics, 0, kNow, 60, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(ExchangeTest, AnOfferAnsweringAnotherNonceIsRefused) {
  Side a = Alice();
  ASSERT_OK(a.Start(kNow));
  Offer o;
  o.nonce.fill(5);
  Nonce other{};
  other.fill(6);
  o.answer_to = other;
  const Bytes before = StateOf(a);
  EXPECT_THAT(a.x->OnOffer(o, kNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("another exchange")));
  o.answer_to.reset();
  o.domain = Domain::kZone;
  EXPECT_THAT(a.x->OnOffer(o, kNow), StatusIs(StatusCode::kInvalidArgument, HasSubstr("protocol")));
  o.domain = Domain::kFeeler;
  o.nonce = a.x->my_nonce();
  EXPECT_THAT(a.x->OnOffer(o, kNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("reflected")));
  EXPECT_EQ(StateOf(a), before);
}

TEST(ExchangeTest, BadInputToAnIncomingOfferChangesNothing) {
  Side a = Alice();
  Side b = Bob();
  ASSERT_OK(a.Start(kNow));
  auto offer = DecodeOffer(a.outbox.front());
  ASSERT_OK(offer);
  auto in = Exchange::Incoming(b.params, *offer, kNow, 3600, b.budget);
  ASSERT_OK(in);
  const Bytes before = in->Encode().ExposeCopy();
  EXPECT_THAT(in->Answer({}, 0, kNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("at least one")));
  EXPECT_THAT(in->Answer(TopicBytes({"x", "x"}), 0, kNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("twice")));
  EXPECT_THAT(in->Answer(TopicBytes({"x"}), 12, kNow), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(in->Answer(TopicBytes({"x"}), 0, kNow + 3600),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(in->Encode().ExposeCopy(), before);
  EXPECT_EQ(in->phase(), Phase::kIncoming);
  EXPECT_TRUE(in->my_items().empty());  // nothing auto-filled
}

TEST(ExchangeTest, TheAnsweringSideEnforcesTheBudget) {
  Side a = Alice();  // the one being asked
  for (int i = 0; i < 3; ++i) {
    Side b = Bob();
    ASSERT_OK(b.Start(kNow + i));
    a.x.reset();
    ASSERT_OK(a.Deliver(b.outbox.front(), kNow + i)) << i;
  }
  EXPECT_EQ(a.budget.Remaining(a.params.peer, kNow + 10), 0u);
  Side b = Bob();  // its own budget is fresh: the asked side must refuse
  ASSERT_OK(b.Start(kNow + 10));
  a.x.reset();
  EXPECT_THAT(a.Deliver(b.outbox.front(), kNow + 10), StatusIs(StatusCode::kResourceExhausted));
  EXPECT_FALSE(a.x.has_value());  // no state kept for a refused offer
  // Our own start to Bob is refused too: the budget is per contact.
  EXPECT_THAT(a.Start(kNow + 10), StatusIs(StatusCode::kResourceExhausted));
  // A day after the first, one unit is free again.
  EXPECT_EQ(a.budget.Remaining(a.params.peer, kNow + 86400), 1u);
  a.x.reset();
  Side b2 = Bob();
  ASSERT_OK(b2.Start(kNow + 86400));
  EXPECT_OK(a.Deliver(b2.outbox.front(), kNow + 86400));
  // The budget survives a round trip through its encoding.
  auto again = ProbingBudget::Decode(a.budget.Encode());
  ASSERT_OK(again);
  EXPECT_EQ(again->Encode(), a.budget.Encode());
  EXPECT_EQ(again->Remaining(a.params.peer, kNow + 86400),
            a.budget.Remaining(a.params.peer, kNow + 86400));
}

TEST(ExchangeTest, AWrongExponentFinishIsCaughtAndEndsWithheld) {
  Side a = Alice();
  Side b = Bob();
  ASSERT_OK(a.Start(kNow));
  // Run until Alice has sent her finish; hold Bob's finish.
  b.send_limit = 2;
  Pump(a, b, kNow);
  ASSERT_EQ(a.x->phase(), Phase::kFinished);
  ASSERT_EQ(b.x->phase(), Phase::kDone);  // Bob learned
  // Bob forges a finish: the right count, elements from another secret.
  Finish forged;
  forged.exchange_id = *a.x->exchange_id();
  for (int i = 0; i < 8; ++i) forged.elements.push_back(crypto::RistrettoRandomElement());
  forged.proof.c[0] = 1;
  forged.proof.s[0] = 1;
  EXPECT_THAT(a.x->OnFinish(forged, kNow), StatusIs(StatusCode::kBadSignature));
  EXPECT_EQ(a.x->phase(), Phase::kFinished);
  EXPECT_EQ(a.x->Expire(kNow + 3600, a.budget), Phase::kWithheld);
  EXPECT_EQ(a.x->WithheldNotice("bob"), "bob could learn the result and withheld yours");
  EXPECT_EQ(a.budget.Remaining(a.params.peer, kNow + 3600), 0u);  // charged the penalty
}

// The fairness bound (exchange.h, docs/feelers.md §Fairness) at every abort
// point: the aborting side sends only its first `cut` messages, everything
// else is delivered, then both sides' exchanges expire.
TEST(ExchangeTest, EveryAbortPointIsWithinTheDocumentedBound) {
  const std::vector<Bytes> alice_shared = TopicBytes({"prisoner swap", "sanctions relief"});
  const std::vector<Bytes> bob_shared = TopicBytes({"sanctions relief", "prisoner swap"});
  int withheld_cases = 0;
  for (int crossing = 0; crossing < 2; ++crossing) {
    for (int aborter = 0; aborter < 2; ++aborter) {
      for (std::size_t cut = 0; cut <= 3; ++cut) {
        SCOPED_TRACE("crossing=" + std::to_string(crossing) +
                     " aborter=" + std::to_string(aborter) + " cut=" + std::to_string(cut));
        Side a = Alice();
        Side b = Bob();
        Side& x = aborter == 0 ? a : b;  // the one who stops
        Side& h = aborter == 0 ? b : a;  // the honest one
        x.send_limit = cut;
        ASSERT_OK(a.Start(kNow));
        if (crossing == 1) {
          ASSERT_OK(b.Start(kNow));
        }
        Pump(a, b, kNow);
        if (a.x) a.x->Expire(kNow + 3600, a.budget);
        if (b.x) b.x->Expire(kNow + 3600, b.budget);
        const bool x_learned = x.x && x.x->phase() == Phase::kDone;
        const bool h_learned = h.x && h.x->phase() == Phase::kDone;
        const auto& x_expect = aborter == 0 ? alice_shared : bob_shared;
        const auto& h_expect = aborter == 0 ? bob_shared : alice_shared;
        // 1. Whoever learns, learns exactly the intersection of its own
        //    committed items with the other's: never more.
        if (x_learned) {
          std::vector<Bytes> want = x_expect;
          std::sort(want.begin(), want.end());
          std::vector<Bytes> got = x.x->Matched();
          std::sort(got.begin(), got.end());
          EXPECT_EQ(got, want);
        }
        if (h_learned) {
          std::vector<Bytes> want = h_expect;
          std::sort(want.begin(), want.end());
          std::vector<Bytes> got = h.x->Matched();
          std::sort(got.begin(), got.end());
          EXPECT_EQ(got, want);
        }
        // 2. An unfair end (the aborter learned, the honest side did not) is
        //    always shown as withheld and charged; the honest side never
        //    ends silently expired after the aborter learned.
        if (x_learned && !h_learned) {
          ++withheld_cases;
          ASSERT_TRUE(h.x.has_value());
          EXPECT_EQ(h.x->phase(), Phase::kWithheld);
          EXPECT_EQ(h.budget.Remaining(h.params.peer, kNow + 3600), 0u);
        }
        // 3. Withheld is never shown unless the aborter could learn: our
        //    Finish went out (and, here, was delivered).
        if (h.x && h.x->phase() == Phase::kWithheld) {
          EXPECT_TRUE(x_learned);
        }
        // 4. The honest side is never left open, and never learns less than
        //    the protocol promises without being told.
        if (h.x) {
          EXPECT_TRUE(h.x->phase() == Phase::kDone || h.x->phase() == Phase::kWithheld ||
                      h.x->phase() == Phase::kExpired);
        }
        // 5. Complete runs are fair.
        if (cut == 3) {
          EXPECT_TRUE(x_learned);
          EXPECT_TRUE(h_learned);
        }
      }
    }
  }
  // The unfair abort point exists (after the aborter's response, before its
  // finish) for each aborter and pairing: the bound is reached, not vacuous.
  EXPECT_EQ(withheld_cases, 4);
}

TEST(ExchangeTest, StateSurvivesEncodingAtEveryStep) {
  Side a = Alice();
  Side b = Bob();
  ASSERT_OK(a.Start(kNow));
  // Deliver one message at a time; between steps both states go through
  // Encode/Decode, as the client stores them.
  for (int step = 0; step < 20 && (!a.outbox.empty() || !b.outbox.empty()); ++step) {
    for (Side* s : {&a, &b}) {
      if (!s->x) continue;
      const Bytes enc = StateOf(*s);
      auto back = Exchange::Decode(enc);
      ASSERT_OK(back);
      EXPECT_EQ(back->Encode().ExposeCopy(), enc);
      s->x.emplace(std::move(*back));
    }
    Side& from = a.outbox.empty() ? b : a;
    Side& to = &from == &a ? b : a;
    Bytes m = from.outbox.front();
    from.outbox.pop_front();
    ASSERT_OK(to.Deliver(m, kNow));
  }
  EXPECT_EQ(a.x->phase(), Phase::kDone);
  EXPECT_EQ(b.x->phase(), Phase::kDone);
  EXPECT_EQ(a.x->MatchCount(), 2u);
  // A corrupted state is refused, not misread.
  Bytes enc = StateOf(a);
  EXPECT_THAT(Exchange::Decode(ByteView(enc).first(enc.size() - 1)),
              StatusIs(StatusCode::kCorrupt));
  enc[0] = 9;
  EXPECT_THAT(Exchange::Decode(enc), StatusIs(StatusCode::kCorrupt));
}

TEST(ExchangeTest, TheSecretIsWipedOnceOurFinishIsSent) {
  Side a = Alice();
  Side b = Bob();
  ASSERT_OK(a.Start(kNow));
  b.send_limit = 2;  // Bob never finishes: Alice stays kFinished
  Pump(a, b, kNow);
  ASSERT_EQ(a.x->phase(), Phase::kFinished);
  const Bytes enc = StateOf(a);
  // The state's secret field (see exchange.cc's layout) is all zeros.
  const std::size_t secret_at =
      1 + 1 + 1 + 32 + 32 + 2 + a.params.scope.size() + 1 + 8 + 8 + 1 + 32 + 1 + 32 + 1 + 32;
  for (std::size_t i = 0; i < 32; ++i) EXPECT_EQ(enc[secret_at + i], 0) << i;
}

TEST(ExchangeTest, CardinalityExchangesRevealOnlyTheCount) {
  Side a = Alice();
  Side b = Bob();
  a.params.domain = b.params.domain = Domain::kZone;
  a.params.variant = b.params.variant = Variant::kCardinality;
  a.k = b.k = kZoneSize;  // a zone check's k is fixed, never the count
  ASSERT_OK(a.Start(kNow));
  Pump(a, b, kNow);
  ASSERT_EQ(a.x->phase(), Phase::kDone);
  ASSERT_EQ(b.x->phase(), Phase::kDone);
  EXPECT_EQ(a.x->MatchCount(), 2u);
  EXPECT_EQ(b.x->MatchCount(), 2u);
  EXPECT_TRUE(a.x->Matched().empty());
  EXPECT_TRUE(b.x->Matched().empty());
}

}  // namespace
}  // namespace backchannel::feelers
