// Blind zone of agreement (zone.h): over a 100-candidate list, both sides
// learn how many candidates both accept (or which, if both chose the full
// variant), through the real exchange at k = 128.
#include "backchannel/feelers/zone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backchannel/feelers/exchange.h"
#include "feelers/exchange_harness.h"
#include "testing/status_matchers.h"

namespace backchannel::feelers {
namespace {

using ::backchannel::testing::StatusIs;
using ::testing::HasSubstr;

constexpr std::int64_t kNow = 1'800'000'000;

std::vector<std::string> Candidates(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back("pkg-" + std::to_string(i));
  return out;
}

// Candidates i with pred(i).
template <typename Pred>
std::vector<std::string> Accept(const std::vector<std::string>& list, Pred pred) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (pred(i)) out.push_back(list[i]);
  }
  return out;
}

struct Outcome {
  Phase a_phase;
  Phase b_phase;
  std::size_t a_count;
  std::size_t b_count;
  std::vector<Bytes> a_matched;
};

Outcome RunZone(std::vector<Bytes> a_items, std::vector<Bytes> b_items, Variant variant) {
  testing::Side a("a", 0xa1, 0xb0, std::move(a_items));
  testing::Side b("b", 0xb0, 0xa1, std::move(b_items));
  for (testing::Side* s : {&a, &b}) {
    s->params.domain = Domain::kZone;
    s->params.variant = variant;
    s->k = kZoneSize;
  }
  EXPECT_OK(a.Start(kNow));
  testing::Pump(a, b, kNow);
  return {a.x->phase(), b.x->phase(), a.x->MatchCount(), b.x->MatchCount(), a.x->Matched()};
}

TEST(ZoneTest, BothLearnHowManyCandidatesBothAcceptOverAHundred) {
  const auto list = Candidates(100);
  // A accepts multiples of 2, B multiples of 3: both accept the 17 multiples
  // of 6 below 100.
  auto a = ZoneItems(list, Accept(list, [](std::size_t i) { return i % 2 == 0; }));
  auto b = ZoneItems(list, Accept(list, [](std::size_t i) { return i % 3 == 0; }));
  ASSERT_OK(a);
  ASSERT_OK(b);
  const Outcome o = RunZone(*a, *b, Variant::kCardinality);
  ASSERT_EQ(o.a_phase, Phase::kDone);
  ASSERT_EQ(o.b_phase, Phase::kDone);
  EXPECT_EQ(o.a_count, 17u);
  EXPECT_EQ(o.b_count, 17u);
  EXPECT_TRUE(o.a_matched.empty());  // only the count
}

TEST(ZoneTest, TheListOnlyWhenBothChooseIt) {
  const auto list = Candidates(10);
  auto a = ZoneItems(list, {"pkg-1", "pkg-4", "pkg-7"});
  auto b = ZoneItems(list, {"pkg-7", "pkg-1", "pkg-2"});
  ASSERT_OK(a);
  ASSERT_OK(b);
  const Outcome o = RunZone(*a, *b, Variant::kFull);
  ASSERT_EQ(o.a_phase, Phase::kDone);
  EXPECT_EQ(o.a_count, 2u);
  EXPECT_EQ(o.a_matched, (std::vector<Bytes>{(*a)[0], (*a)[2]}));
  // One side choosing the list and the other not: the offers do not pair.
  testing::Side x("x", 0xa1, 0xb0, *a);
  testing::Side y("y", 0xb0, 0xa1, *b);
  x.params.domain = y.params.domain = Domain::kZone;
  x.params.variant = Variant::kFull;
  y.params.variant = Variant::kCardinality;
  x.k = y.k = kZoneSize;
  ASSERT_OK(x.Start(kNow));
  ASSERT_OK(y.Start(kNow));
  EXPECT_THAT(y.Deliver(x.outbox.front(), kNow),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("variant")));
}

TEST(ZoneTest, DifferentListsShareNothing) {
  auto a = ZoneItems(Candidates(10), {"pkg-1"});
  auto other = Candidates(10);
  other.push_back("pkg-extra");
  auto b = ZoneItems(other, {"pkg-1"});
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_NE((*a)[0], (*b)[0]);
}

TEST(ZoneTest, BadListsAndChoicesAreRefused) {
  EXPECT_THAT(DigestZoneList({}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(DigestZoneList(Candidates(101)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("100")));
  EXPECT_OK(DigestZoneList(Candidates(100)));
  EXPECT_THAT(DigestZoneList({"a", "b", "a"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("twice")));
  EXPECT_THAT(DigestZoneList({"has space"}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ZoneItems({"a", "b"}, {"c"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not on the list")));
  EXPECT_THAT(ZoneItems({"a", "b"}, {"a", "a"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("twice")));
  auto none = ZoneItems({"a", "b"}, {});
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST(ZoneTest, OnlyZoneChecksUseK128) {
  testing::Side a("a", 0xa1, 0xb0, testing::TopicBytes({"x"}));
  Bytes offer;
  // A feeler of 128 guesses is refused; a zone check of 32 too.
  EXPECT_THAT(Exchange::Start(a.params, a.topics, kZoneSize, kNow, 60, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("128")));
  a.params.domain = Domain::kZone;
  a.params.variant = Variant::kCardinality;
  EXPECT_THAT(Exchange::Start(a.params, a.topics, 32, kNow, 60, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("128")));
  // An incoming feeler offer claiming k = 128 is refused before any charge.
  Offer o;
  o.nonce.fill(9);
  o.k = 128;
  testing::Side b("b", 0xb0, 0xa1, testing::TopicBytes({"x"}));
  EXPECT_THAT(Exchange::Incoming(b.params, o, kNow, 60, b.budget),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(b.budget.Used(b.params.peer, kNow), 0u);
}

}  // namespace
}  // namespace backchannel::feelers
