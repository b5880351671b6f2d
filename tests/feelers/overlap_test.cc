// Blind overlap (overlap.h): the Lin–Tzeng encodings decide N <= M exactly,
// exhaustively for small widths and at the boundaries of 32-bit values,
// through the real cardinality-only exchange; values stay committed.
#include "backchannel/feelers/overlap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "backchannel/feelers/exchange.h"
#include "feelers/exchange_harness.h"
#include "testing/status_matchers.h"

namespace backchannel::feelers {
namespace {

using ::backchannel::testing::StatusIs;
using ::testing::HasSubstr;

OverlapLabel Label(std::uint8_t width) { return OverlapLabel{"enrichment-cap", "kg", width}; }

// The plain intersection size of the two encodings.
std::size_t Shared(const OverlapLabel& l, std::uint64_t n, std::uint64_t m) {
  auto a = OverlapItems(l, OverlapSide::kAtLeast, n);
  auto b = OverlapItems(l, OverlapSide::kAtMost, m);
  EXPECT_OK(a);
  EXPECT_OK(b);
  std::set<Bytes> sa(a->begin(), a->end());
  std::size_t shared = 0;
  for (const Bytes& x : *b) shared += sa.count(x);
  return shared;
}

TEST(OverlapTest, EncodingsDecideExactlyForEveryPairOfSmallWidths) {
  for (std::uint8_t w : {1, 2, 4, 8}) {
    const std::uint64_t top = 1ull << w;
    for (std::uint64_t n = 0; n < top; ++n) {
      for (std::uint64_t m = 0; m < top; ++m) {
        const std::size_t shared = Shared(Label(w), n, m);
        ASSERT_LE(shared, 1u);
        ASSERT_EQ(OverlapHolds(shared), n <= m) << "w=" << int(w) << " n=" << n << " m=" << m;
      }
    }
  }
}

TEST(OverlapTest, EncodingsDecideExactlyAtThe32BitBoundariesAndAtRandom) {
  const OverlapLabel l = Label(32);
  const std::uint64_t max = 0xffffffffull;
  const std::pair<std::uint64_t, std::uint64_t> pairs[] = {{0, 0},
                                                           {0, 1},
                                                           {1, 0},
                                                           {0, max},
                                                           {max, 0},
                                                           {max, max},
                                                           {max, max - 1},
                                                           {max - 1, max},
                                                           {1ull << 31, (1ull << 31) - 1},
                                                           {(1ull << 31) - 1, 1ull << 31},
                                                           {1ull << 31, 1ull << 31},
                                                           {123456789, 123456789},
                                                           {123456790, 123456789}};
  for (auto [n, m] : pairs) EXPECT_EQ(OverlapHolds(Shared(l, n, m)), n <= m) << n << " " << m;
  std::mt19937_64 rng(15);
  for (int i = 0; i < 3000; ++i) {
    const std::uint64_t n = rng() & max;
    const std::uint64_t m = i % 3 == 0 ? n : (i % 3 == 1 ? (n + 1) & max : rng() & max);
    ASSERT_EQ(OverlapHolds(Shared(l, n, m)), n <= m) << n << " " << m;
  }
}

TEST(OverlapTest, SetsFitTheirFixedK) {
  const OverlapLabel l = Label(32);
  EXPECT_EQ(OverlapK(l), 32u);
  EXPECT_EQ(OverlapK(Label(8)), 8u);
  EXPECT_EQ(OverlapK(Label(12)), 16u);
  for (std::uint64_t v : {0ull, 1ull, 0xffffffffull, 0x80000000ull}) {
    for (OverlapSide s : {OverlapSide::kAtLeast, OverlapSide::kAtMost}) {
      auto items = OverlapItems(l, s, v);
      ASSERT_OK(items);
      EXPECT_LE(items->size(), OverlapK(l));
    }
  }
}

TEST(OverlapTest, BadLabelsWidthsAndValuesAreRefused) {
  EXPECT_THAT(OverlapItems(Label(32), OverlapSide::kAtLeast, 1ull << 32),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("32 bits")));
  EXPECT_THAT(OverlapItems(Label(0), OverlapSide::kAtLeast, 0),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(OverlapItems(Label(33), OverlapSide::kAtLeast, 0),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(OverlapItems(OverlapLabel{"", "kg", 8}, OverlapSide::kAtMost, 0),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("label")));
  EXPECT_THAT(OverlapItems(OverlapLabel{"x", "", 8}, OverlapSide::kAtMost, 0),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unit")));
  // The same value under another label or unit gives unrelated items.
  EXPECT_NE(*OverlapItems(Label(8), OverlapSide::kAtLeast, 5),
            *OverlapItems(OverlapLabel{"other", "kg", 8}, OverlapSide::kAtLeast, 5));
}

// N <= M through the real cardinality-only exchange, 32-bit boundaries.
TEST(OverlapTest, TheExchangeDecidesAtThe32BitBoundaries) {
  const OverlapLabel l = Label(32);
  const std::uint64_t max = 0xffffffffull;
  const std::pair<std::uint64_t, std::uint64_t> pairs[] = {
      {0, 0}, {1, 0}, {max, max}, {max, max - 1}, {1ull << 31, (1ull << 31) - 1}, {77, 78}};
  std::int64_t now = 1'800'000'000;
  for (auto [n, m] : pairs) {
    SCOPED_TRACE(std::to_string(n) + " <= " + std::to_string(m));
    testing::Side a("at-least", 0xa1, 0xb0, OverlapItems(l, OverlapSide::kAtLeast, n).value());
    testing::Side b("at-most", 0xb0, 0xa1, OverlapItems(l, OverlapSide::kAtMost, m).value());
    for (testing::Side* s : {&a, &b}) {
      s->params.domain = Domain::kOverlap;
      s->params.variant = Variant::kCardinality;
    }
    Bytes offer;
    auto x = Exchange::Start(a.params, a.topics, OverlapK(l), ++now, 3600, a.budget, &offer);
    ASSERT_OK(x);
    a.x.emplace(std::move(*x));
    auto in = Exchange::Incoming(b.params, DecodeOffer(offer).value(), now, 3600, b.budget);
    ASSERT_OK(in);
    b.x.emplace(std::move(*in));
    auto out = b.x->Answer(b.topics, OverlapK(l), now);
    ASSERT_OK(out);
    b.Queue(std::move(*out));
    testing::Pump(a, b, now);
    ASSERT_EQ(a.x->phase(), Phase::kDone);
    ASSERT_EQ(b.x->phase(), Phase::kDone);
    EXPECT_EQ(a.x->k(), 32u);
    EXPECT_EQ(OverlapHolds(a.x->MatchCount()), n <= m);
    EXPECT_EQ(OverlapHolds(b.x->MatchCount()), n <= m);
    EXPECT_TRUE(a.x->Matched().empty());  // never which prefix
  }
  // An overlap must be cardinality-only, and needs an explicit k.
  testing::Side a("a", 0xa1, 0xb0, OverlapItems(l, OverlapSide::kAtLeast, 5).value());
  a.params.domain = Domain::kOverlap;
  Bytes offer;
  EXPECT_THAT(Exchange::Start(a.params, a.topics, 32, now, 3600, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cardinality-only")));
  a.params.variant = Variant::kCardinality;
  EXPECT_THAT(Exchange::Start(a.params, a.topics, 0, now, 3600, a.budget, &offer),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("explicit k")));
}

TEST(OverlapTest, ValuesAreCommittedAndRoundsAreLimitedPerLabel) {
  OverlapLedger ledger(2);
  const IdentityKey bob = testing::Key(0xb0);
  const OverlapLabel l = Label(32);
  ASSERT_OK(ledger.UseRound(bob, l, OverlapSide::kAtMost, 1000));
  EXPECT_THAT(ledger.UseRound(bob, l, OverlapSide::kAtMost, 999),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("committed")));
  EXPECT_THAT(ledger.UseRound(bob, l, OverlapSide::kAtLeast, 1000),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(ledger.RoundsLeft(bob, l), 1u);
  ASSERT_OK(ledger.UseRound(bob, l, OverlapSide::kAtMost, 1000));
  EXPECT_THAT(ledger.UseRound(bob, l, OverlapSide::kAtMost, 1000),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_EQ(ledger.RoundsLeft(bob, l), 0u);
  // Another label, or another contact, is separate.
  EXPECT_OK(ledger.UseRound(bob, OverlapLabel{"other", "kg", 32}, OverlapSide::kAtMost, 5));
  EXPECT_OK(ledger.UseRound(testing::Key(0xc0), l, OverlapSide::kAtLeast, 7));
}

}  // namespace
}  // namespace backchannel::feelers
