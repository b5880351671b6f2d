// Domains far too large to enumerate (10^20 and 5^40 outcomes), solved
// exactly: the frontier is checked for internal consistency and against
// random samples of the outcome space.
#include <gtest/gtest.h>

#include <random>

#include "backchannel/negotiation/analysis.h"
#include "negotiation/analysis/common.h"
#include "negotiation/testing/random_domain.h"

namespace backchannel::negotiation {
namespace {

void CheckLarge(std::size_t issues, std::size_t options, const std::string& outcomes,
                std::uint64_t seed) {
  SCOPED_TRACE("seed=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  Domain d = testing::RandomDomain(rng, issues, options, options);
  std::vector<Profile> profiles = {testing::RandomProfile(rng, d, 0, 0),
                                   testing::RandomProfile(rng, d, 0, 0)};
  auto report = Analyze(d, profiles);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->outcomes, outcomes);
  EXPECT_EQ(report->zopa.count, outcomes);  // reservation 0: everything is rational
  const auto& f = report->pareto;
  ASSERT_FALSE(f.empty());
  for (std::size_t i = 0; i < f.size(); ++i) {
    ASSERT_EQ(f[i].utilities, internal::Utilities(profiles, f[i].package));
    if (i > 0) {  // sorted by side 0 descending, so side 1 must ascend
      EXPECT_LE(f[i].utilities[0], f[i - 1].utilities[0]);
      EXPECT_FALSE(internal::Dominates(f[i - 1].utilities, f[i].utilities));
      EXPECT_FALSE(internal::Dominates(f[i].utilities, f[i - 1].utilities));
    }
  }
  // The extremes are each side's best package.
  double best0 = 0;
  double best1 = 0;
  for (std::size_t i = 0; i < issues; ++i) {
    best0 +=
        *std::max_element(profiles[0].evaluations[i].begin(), profiles[0].evaluations[i].end()) *
        profiles[0].weights[i];
    best1 +=
        *std::max_element(profiles[1].evaluations[i].begin(), profiles[1].evaluations[i].end()) *
        profiles[1].weights[i];
  }
  EXPECT_NEAR(f.front().utilities[0], best0, 1e-9);
  EXPECT_NEAR(f.back().utilities[1], best1, 1e-9);
  ASSERT_TRUE(report->nash.has_value());
  const double nash = report->nash->utilities[0] * report->nash->utilities[1];
  // No sampled package dominates a frontier point or beats Nash.
  Package p(issues);
  for (int k = 0; k < 20000; ++k) {
    for (auto& o : p) o = static_cast<std::uint32_t>(rng() % options);
    const auto u = internal::Utilities(profiles, p);
    EXPECT_LE(u[0] * u[1], nash + 1e-12);
    // The frontier point with the largest side 0 utility not above u[0]
    // must have side 1 utility at least u[1] - eps (else u is undominated).
    auto it = std::lower_bound(f.begin(), f.end(), u[0], [](const ScoredPackage& s, double x) {
      return s.utilities[0] > x + kUtilityEpsilon;
    });
    ASSERT_NE(it, f.begin());
    EXPECT_GE(std::prev(it)->utilities[1], u[1] - kUtilityEpsilon);
  }
  ::testing::Test::RecordProperty("frontier", static_cast<int>(f.size()));
}

TEST(AnalysisLarge, TwentyIssuesTenOptions) { CheckLarge(20, 10, "100000000000000000000", 20); }

TEST(AnalysisLarge, FortyIssuesFiveOptions) {
  CheckLarge(40, 5, "9094947017729282379150390625", 40);
}

TEST(AnalysisLarge, ZopaCountWithReservationsOnAMidSizedDomain) {
  // 8 issues x 6 options (1,679,616 outcomes): enumerable in a test, and the
  // reservations make the branch and bound do real work.
  std::mt19937_64 rng(8);
  Domain d = testing::RandomDomain(rng, 8, 6, 6);
  std::vector<Profile> profiles = {testing::RandomProfile(rng, d, 0, 0),
                                   testing::RandomProfile(rng, d, 0, 0)};
  profiles[0].reservation = 0.45;
  profiles[1].reservation = 0.5;
  auto report = Analyze(d, profiles);
  ASSERT_TRUE(report.ok()) << report.error();
  std::uint64_t count = 0;
  testing::ForEachPackage(d, [&](const Package& p) {
    const auto u = internal::Utilities(profiles, p);
    if (!internal::Greater(0.45, u[0]) && !internal::Greater(0.5, u[1])) ++count;
  });
  EXPECT_EQ(report->zopa.count, std::to_string(count));
}

}  // namespace
}  // namespace backchannel::negotiation
