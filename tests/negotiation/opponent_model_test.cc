// The frequency opponent model and its accuracy report.
#include "backchannel/negotiation/opponent_model.h"

#include <gtest/gtest.h>

#include <random>

#include "backchannel/negotiation/agents.h"
#include "negotiation/testing/random_domain.h"

namespace backchannel::negotiation {
namespace {

TEST(FrequencyModel, UniformBeforeAnyOffer) {
  std::mt19937_64 rng(1);
  Domain d = testing::RandomDomain(rng, 3, 2, 4);
  FrequencyModel m(d);
  Profile p = m.Estimate();
  EXPECT_TRUE(p.Validate(d).ok());
  for (double w : p.weights) EXPECT_DOUBLE_EQ(w, 1.0 / 3);
}

TEST(FrequencyModel, FixedIssueGetsWeightAndRepeatedOptionGetsValue) {
  std::mt19937_64 rng(2);
  Domain d = testing::RandomDomain(rng, 3, 4, 4);
  FrequencyModel m(d);
  // Issue 1 never changes (option 2); the others wander.
  for (std::uint32_t k = 0; k < 8; ++k) ASSERT_TRUE(m.Observe({k % 4, 2, (k + 1) % 4}).ok());
  Profile p = m.Estimate();
  ASSERT_TRUE(p.Validate(d).ok());
  EXPECT_GT(p.weights[1], p.weights[0]);
  EXPECT_GT(p.weights[1], p.weights[2]);
  EXPECT_DOUBLE_EQ(p.evaluations[1][2], 1.0);
  EXPECT_LT(p.evaluations[1][0], 1.0);
  EXPECT_EQ(m.observed(), 8u);
  EXPECT_EQ(m.Observe({9, 0, 0}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.observed(), 8u);
  EXPECT_NEAR(m.Utility({0, 2, 1}), p.Utility({0, 2, 1}), 1e-12);
}

TEST(ModelAccuracy, PerfectEstimateScoresOne) {
  std::mt19937_64 rng(3);
  Domain d = testing::RandomDomain(rng, 4, 3, 4);
  Profile own = testing::RandomProfile(rng, d, 0, 0);
  Profile truth = testing::RandomProfile(rng, d, 0, 0);
  auto acc = EvaluateModel(d, own, truth, truth);
  ASSERT_TRUE(acc.ok()) << acc.error();
  EXPECT_NEAR(acc->pearson, 1.0, 1e-12);
  EXPECT_EQ(acc->frontier_distance_max, 0.0);
  EXPECT_FALSE(acc->sampled);
  ModelAccuracyOptions small;
  small.max_outcomes = 10;
  auto sampled = EvaluateModel(d, own, truth, truth, small);
  ASSERT_TRUE(sampled.ok());
  EXPECT_TRUE(sampled->sampled);
  EXPECT_EQ(sampled->outcomes, 10u);
}

TEST(ModelAccuracy, LearnsFromABoulwareCounterpart) {
  double total = 0;
  const int trials = 20;
  for (int seed = 1; seed <= trials; ++seed) {
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Domain d = testing::RandomDomain(rng, 5, 3, 5);
    Profile own = testing::RandomProfile(rng, d, 0, 0);
    Profile truth = testing::RandomProfile(rng, d, 0, 0);
    auto me = MakeAgent("hardliner");
    auto them = MakeAgent("boulware", static_cast<std::uint64_t>(seed));
    ASSERT_TRUE(me.ok() && them.ok());
    auto session = RunSession(d, own, truth, **me, **them, 60);
    ASSERT_TRUE(session.ok());
    auto estimate = EstimateProfile(d, session->offers_b);
    ASSERT_TRUE(estimate.ok());
    auto acc = EvaluateModel(d, own, truth, *estimate);
    ASSERT_TRUE(acc.ok());
    total += acc->pearson;
  }
  // Far better than chance on average.
  EXPECT_GT(total / trials, 0.5);
}

}  // namespace
}  // namespace backchannel::negotiation
