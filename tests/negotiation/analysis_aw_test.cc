// Adjusted Winner: equitable, envy-free and efficient, as properties over
// random instances, plus its errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "backchannel/negotiation/analysis.h"
#include "negotiation/testing/random_domain.h"

namespace backchannel::negotiation {
namespace {

double Points(const std::vector<double>& points, const std::vector<double>& share) {
  double t = 0;
  for (std::size_t j = 0; j < points.size(); ++j) t += points[j] * share[j];
  return t;
}

// The most points side 1 can get from any fractional division that gives
// side 0 at least `floor0` points: a fractional knapsack, solved exactly by
// giving side 0 the issues in decreasing order of points0 / points1.
double BestForSide1Given(const AdjustedWinnerResult& r, double floor0) {
  const std::size_t n = r.points0.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return r.points0[a] * r.points1[b] > r.points0[b] * r.points1[a];
  });
  double need = floor0;
  double side1 = 100.0;
  for (std::size_t j : order) {
    if (need <= 0) break;
    if (r.points0[j] <= 0) continue;
    const double f = std::min(1.0, need / r.points0[j]);
    need -= f * r.points0[j];
    side1 -= f * r.points1[j];
  }
  return side1;
}

TEST(AdjustedWinner, EquitableEnvyFreeEfficient) {
  int checked = 0;
  for (int trial = 0; trial < 500; ++trial) {
    const std::uint64_t seed = 5000 + trial;
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Domain d = testing::RandomDomain(rng, 2 + rng() % 9, 2, 5);
    const int grid = static_cast<int>(rng() % 4);
    Profile a = testing::RandomProfile(rng, d, grid, 0);
    Profile b = testing::RandomProfile(rng, d, grid, 0);
    auto r = AdjustedWinner(d, a, b);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.error();
      continue;
    }
    ++checked;
    const std::size_t n = r->issues.size();
    ASSERT_EQ(r->share_side0.size(), n);
    EXPECT_NEAR(std::accumulate(r->points0.begin(), r->points0.end(), 0.0), 100.0, 1e-9);
    EXPECT_NEAR(std::accumulate(r->points1.begin(), r->points1.end(), 0.0), 100.0, 1e-9);
    std::vector<double> share1(n);
    for (std::size_t j = 0; j < n; ++j) {
      EXPECT_GE(r->share_side0[j], 0.0);
      EXPECT_LE(r->share_side0[j], 1.0);
      share1[j] = 1.0 - r->share_side0[j];
    }
    // At most one issue is split.
    EXPECT_LE(std::count_if(r->share_side0.begin(), r->share_side0.end(),
                            [](double s) { return s > 0 && s < 1; }),
              1);
    const double p0 = Points(r->points0, r->share_side0);
    const double p1 = Points(r->points1, share1);
    EXPECT_NEAR(p0, r->points_side0, 1e-9);
    EXPECT_NEAR(p1, r->points_side1, 1e-9);
    // Equitable: equal points by each side's own measure.
    EXPECT_NEAR(p0, p1, 1e-9);
    // Envy-free: each values its own share at least as much as the other's.
    EXPECT_GE(p0, Points(r->points0, share1) - 1e-9);
    EXPECT_GE(p1, Points(r->points1, r->share_side0) - 1e-9);
    // Efficient: no division gives side 0 as much and side 1 more (exact
    // optimum of the fractional knapsack), nor any random division both more.
    EXPECT_LE(BestForSide1Given(*r, p0), p1 + 1e-9);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int k = 0; k < 200; ++k) {
      std::vector<double> y(n);
      std::vector<double> y1(n);
      for (std::size_t j = 0; j < n; ++j) {
        y[j] = unit(rng) < 0.3 ? std::round(unit(rng)) : unit(rng);
        y1[j] = 1.0 - y[j];
      }
      const double q0 = Points(r->points0, y);
      const double q1 = Points(r->points1, y1);
      EXPECT_FALSE(q0 >= p0 - 1e-12 && q1 >= p1 - 1e-12 && (q0 > p0 + 1e-9 || q1 > p1 + 1e-9));
    }
    // The preferred options are each side's best.
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t i = *d.IssueIndex(r->issues[j]);
      EXPECT_EQ(a.evaluations[i][r->preferred0[j]],
                *std::max_element(a.evaluations[i].begin(), a.evaluations[i].end()));
      EXPECT_EQ(b.evaluations[i][r->preferred1[j]],
                *std::max_element(b.evaluations[i].begin(), b.evaluations[i].end()));
    }
  }
  EXPECT_GT(checked, 300);
}

TEST(AdjustedWinner, ClassicExample) {
  // Three divisible items with opposite best options; points 60/30/10 vs
  // 20/30/50: side 0 wins item 0 (and item 1 on the tie), side 1 item 2;
  // side 0 has 90, side 1 50, so side 0 gives part of item 1 (ratio 1).
  Domain d;
  d.name = "classic";
  for (const char* n : {"x", "y", "z"}) {
    Issue i;
    i.name = n;
    i.options = {"to0", "to1"};
    i.divisible = true;
    d.issues.push_back(i);
  }
  Profile a;
  a.weights = {0.6, 0.3, 0.1};
  a.evaluations = {{1, 0}, {1, 0}, {1, 0}};
  Profile b;
  b.weights = {0.2, 0.3, 0.5};
  b.evaluations = {{0, 1}, {0, 1}, {0, 1}};
  auto r = AdjustedWinner(d, a, b);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(r->share_side0[0], 1.0);
  EXPECT_DOUBLE_EQ(r->share_side0[2], 0.0);
  // 60 + 30 s = 50 + 30 (1 - s)  =>  s = 1/3.
  EXPECT_NEAR(r->share_side0[1], 1.0 / 3, 1e-12);
  EXPECT_NEAR(r->points_side0, 70.0, 1e-9);
  EXPECT_NEAR(r->points_side1, 70.0, 1e-9);
}

TEST(AdjustedWinner, Errors) {
  std::mt19937_64 rng(1);
  Domain d = testing::RandomDomain(rng, 3, 2, 3);
  for (auto& i : d.issues) i.divisible = false;
  Profile a = testing::RandomProfile(rng, d, 0, 0);
  EXPECT_EQ(AdjustedWinner(d, a, a).status().code(), StatusCode::kFailedPrecondition);
  d.issues[0].divisible = true;
  // Identical profiles: nothing is contested.
  EXPECT_EQ(AdjustedWinner(d, a, a).status().code(), StatusCode::kFailedPrecondition);
  Profile bad = a;
  bad.weights.pop_back();
  EXPECT_EQ(AdjustedWinner(d, a, bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace backchannel::negotiation
