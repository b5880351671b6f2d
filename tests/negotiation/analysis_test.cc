// The exact analysis against brute-force enumeration on random small domains,
// and its invariants as properties. Every case prints its seed on failure.
#include "backchannel/negotiation/analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>

#include "negotiation/analysis/common.h"
#include "negotiation/testing/random_domain.h"

namespace backchannel::negotiation {
namespace {

using testing::BruteForce;
using testing::BruteOptimum;
using testing::Enumerate;
using testing::RandomDomain;
using testing::RandomProfile;

std::uint64_t BaseSeed() {
  return static_cast<std::uint64_t>(::testing::UnitTest::GetInstance()->random_seed());
}

double Product(const ScoredPackage& s, const std::vector<Profile>& profiles) {
  double prod = 1;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    prod *= std::max(0.0, s.utilities[i] - profiles[i].reservation);
  }
  return prod;
}
double MinGain(const ScoredPackage& s, const std::vector<Profile>& profiles) {
  double m = 1e300;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    m = std::min(m, std::max(0.0, s.utilities[i] - profiles[i].reservation));
  }
  return m;
}
double Sum(const ScoredPackage& s) {
  double t = 0;
  for (double u : s.utilities) t += u;
  return t;
}

std::set<Package> Packages(const std::vector<ScoredPackage>& v) {
  std::set<Package> out;
  for (const auto& s : v) out.insert(s.package);
  return out;
}

void ExpectSame(const std::optional<ScoredPackage>& got,
                const std::optional<testing::Optimum>& want,
                const std::function<double(const ScoredPackage&)>& score, const char* what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(got.has_value(), want.has_value());
  if (!got) return;
  EXPECT_NEAR(score(*got), want->score, 1e-9);
  EXPECT_EQ(got->package, want->package);
}

// Checks every exact answer of Analyze against enumeration.
void CheckAgainstBruteForce(const Domain& domain, const std::vector<Profile>& profiles) {
  auto report = Analyze(domain, profiles);
  ASSERT_TRUE(report.ok()) << report.error();
  const BruteForce bf = Enumerate(domain, profiles);
  EXPECT_EQ(report->outcomes, std::to_string(bf.all.size()));
  // Pareto set exactly, ties included, with the exact same utilities.
  EXPECT_EQ(report->pareto.size(), bf.pareto.size());
  EXPECT_EQ(Packages(report->pareto), Packages(bf.pareto));
  for (const auto& s : report->pareto) {
    EXPECT_EQ(s.utilities, internal::Utilities(profiles, s.package));
  }
  // ZOPA exactly.
  EXPECT_EQ(report->zopa.count, std::to_string(bf.rational));
  EXPECT_EQ(report->zopa.exists, bf.rational > 0);
  // Solutions: value to 1e-9 and the documented tie-break.
  auto product = [&](const ScoredPackage& s) { return Product(s, profiles); };
  ExpectSame(report->nash, BruteOptimum(bf, profiles, product), product, "nash");
  auto min_gain = [&](const ScoredPackage& s) { return MinGain(s, profiles); };
  ExpectSame(report->egalitarian, BruteOptimum(bf, profiles, min_gain), min_gain, "egalitarian");
  ExpectSame(report->utilitarian, BruteOptimum(bf, profiles, Sum), Sum, "utilitarian");
  // Kalai-Smorodinsky: the ideal point from the individually rational packages.
  std::vector<double> ideal(profiles.size(), -1);
  for (const auto& s : bf.all) {
    bool rational = true;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      rational = rational && !internal::Greater(profiles[i].reservation, s.utilities[i]);
    }
    if (!rational) continue;
    for (std::size_t i = 0; i < profiles.size(); ++i) ideal[i] = std::max(ideal[i], s.utilities[i]);
  }
  auto ks = [&](const ScoredPackage& s) {
    double m = 1e300;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      const double room = ideal[i] - profiles[i].reservation;
      m = std::min(m, room <= kUtilityEpsilon
                          ? 1.0
                          : std::max(0.0, s.utilities[i] - profiles[i].reservation) / room);
    }
    return m;
  };
  ExpectSame(report->kalai_smorodinsky, BruteOptimum(bf, profiles, ks), ks, "kalai_smorodinsky");
  // The unrestricted maximum of the sum.
  auto msw = MaxSocialWelfare(domain, profiles);
  ASSERT_TRUE(msw.ok());
  double best = -1;
  Package best_package;
  for (const auto& s : bf.all) {
    if (internal::Greater(Sum(s), best)) {
      best = Sum(s);
      best_package = s.package;
    }
  }
  EXPECT_NEAR(Sum(*msw), best, 1e-9);
}

TEST(AnalysisBruteForce, TwoSidesGridValuesWithTies) {
  for (int trial = 0; trial < 300; ++trial) {
    const std::uint64_t seed = BaseSeed() * 1000 + trial;
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const std::size_t issues = 1 + rng() % 5;
    Domain d = RandomDomain(rng, issues, 1, 5);
    const int grid = 1 + static_cast<int>(rng() % 6);
    std::vector<Profile> profiles = {RandomProfile(rng, d, grid, 0.7),
                                     RandomProfile(rng, d, grid, 0.7)};
    CheckAgainstBruteForce(d, profiles);
    if (HasFatalFailure()) return;
  }
}

TEST(AnalysisBruteForce, TwoSidesRealValues) {
  for (int trial = 0; trial < 200; ++trial) {
    const std::uint64_t seed = BaseSeed() * 1000 + 500 + trial;
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Domain d = RandomDomain(rng, 1 + rng() % 6, 2, 5);
    std::vector<Profile> profiles = {RandomProfile(rng, d, 0, 0.8), RandomProfile(rng, d, 0, 0.8)};
    CheckAgainstBruteForce(d, profiles);
    if (HasFatalFailure()) return;
  }
}

TEST(AnalysisBruteForce, ThreeAndFourSides) {
  for (int trial = 0; trial < 120; ++trial) {
    const std::uint64_t seed = BaseSeed() * 1000 + 800 + trial;
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Domain d = RandomDomain(rng, 1 + rng() % 4, 1, 4);
    const int grid = static_cast<int>(rng() % 4);  // 0: reals
    std::vector<Profile> profiles;
    const std::size_t sides = 3 + rng() % 2;
    for (std::size_t s = 0; s < sides; ++s) profiles.push_back(RandomProfile(rng, d, grid, 0.5));
    CheckAgainstBruteForce(d, profiles);
    if (HasFatalFailure()) return;
  }
}

TEST(AnalysisProperties, FrontierNonDominatedAndCoversEverything) {
  for (int trial = 0; trial < 100; ++trial) {
    const std::uint64_t seed = BaseSeed() * 1000 + 900 + trial;
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Domain d = RandomDomain(rng, 2 + rng() % 4, 2, 5);
    std::vector<Profile> profiles = {RandomProfile(rng, d, 3, 0.5), RandomProfile(rng, d, 3, 0.5)};
    auto frontier = ParetoFrontier(d, profiles);
    ASSERT_TRUE(frontier.ok());
    for (const auto& a : *frontier) {
      for (const auto& b : *frontier) EXPECT_FALSE(internal::Dominates(b.utilities, a.utilities));
    }
    // Every package is on the frontier or dominated by a frontier package.
    const auto on = Packages(*frontier);
    testing::ForEachPackage(d, [&](const Package& p) {
      if (on.count(p) != 0) return;
      const auto u = internal::Utilities(profiles, p);
      EXPECT_TRUE(std::any_of(frontier->begin(), frontier->end(), [&](const ScoredPackage& f) {
        return internal::Dominates(f.utilities, u);
      }));
    });
  }
}

TEST(AnalysisProperties, NashParetoOptimalAndInvariantUnderAffineRescaling) {
  for (int trial = 0; trial < 200; ++trial) {
    const std::uint64_t seed = BaseSeed() * 1000 + 1100 + trial;
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Domain d = RandomDomain(rng, 1 + rng() % 5, 2, 5);
    const int grid = static_cast<int>(rng() % 5);
    std::vector<Profile> profiles = {RandomProfile(rng, d, grid, 0.6),
                                     RandomProfile(rng, d, grid, 0.6)};
    auto report = Analyze(d, profiles);
    ASSERT_TRUE(report.ok());
    if (!report->nash.has_value()) continue;  // no zone of agreement
    const auto on = Packages(report->pareto);
    EXPECT_EQ(on.count(report->nash->package), 1u);
    // u -> a u + b on one side, keeping utilities in [0, 1].
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double a = 0.1 + 0.9 * unit(rng);
    const double b = (1 - a) * unit(rng);
    const std::size_t side = rng() % 2;
    std::vector<Profile> scaled = profiles;
    scaled[side] = testing::Rescaled(profiles[side], a, b);
    auto report2 = Analyze(d, scaled);
    ASSERT_TRUE(report2.ok());
    ASSERT_TRUE(report2->nash.has_value());
    EXPECT_EQ(report2->nash->package, report->nash->package) << "a=" << a << " b=" << b;
    EXPECT_EQ(Packages(report2->pareto), on);
  }
}

TEST(AnalysisEdges, ReservationExactlyReachedCountsAsRational) {
  // FiftyFifty-A's shape: one issue, 11 splits, both reservations at 0.5.
  Domain d;
  d.name = "split";
  Issue issue;
  issue.name = "split";
  for (int i = 0; i <= 10; ++i) issue.options.push_back(std::to_string(100 - 10 * i));
  d.issues.push_back(issue);
  Profile p0;
  Profile p1;
  p0.weights = p1.weights = {1.0};
  for (int i = 0; i <= 10; ++i) {
    p0.evaluations.resize(1);
    p1.evaluations.resize(1);
    p0.evaluations[0].push_back((10 - i) / 10.0);
    p1.evaluations[0].push_back(i / 10.0);
  }
  p0.reservation = p1.reservation = 0.5;
  auto report = Analyze(d, {p0, p1});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->pareto.size(), 11u);
  EXPECT_EQ(report->zopa.count, "1");
  ASSERT_TRUE(report->nash.has_value());
  EXPECT_EQ(report->nash->package, Package{5});
  ASSERT_TRUE(report->kalai_smorodinsky.has_value());
  EXPECT_EQ(report->kalai_smorodinsky->package, Package{5});
  auto msw = MaxSocialWelfare(d, {p0, p1});
  ASSERT_TRUE(msw.ok());
  EXPECT_EQ(msw->package, Package{0});  // all tie at 1; smallest index
}

TEST(AnalysisEdges, NoZopa) {
  std::mt19937_64 rng(7);
  Domain d = RandomDomain(rng, 3, 3, 3);
  Profile p0 = RandomProfile(rng, d, 0, 0);
  Profile p1 = RandomProfile(rng, d, 0, 0);
  p0.reservation = p1.reservation = 1.0;
  p0.evaluations[0] = {1, 0, 0};
  p1.evaluations[0] = {0, 1, 0};
  auto report = Analyze(d, {p0, p1});
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->zopa.exists);
  EXPECT_EQ(report->zopa.count, "0");
  EXPECT_FALSE(report->nash.has_value());
  EXPECT_FALSE(report->kalai_smorodinsky.has_value());
  EXPECT_FALSE(report->egalitarian.has_value());
  EXPECT_FALSE(report->utilitarian.has_value());
}

TEST(AnalysisEdges, BadInputIsAnError) {
  std::mt19937_64 rng(3);
  Domain d = RandomDomain(rng, 2, 2, 2);
  Profile p = RandomProfile(rng, d, 0, 0);
  EXPECT_EQ(Analyze(d, {p}).error().code(), StatusCode::kInvalidArgument);
  Profile bad = p;
  bad.evaluations[1].pop_back();
  EXPECT_EQ(Analyze(d, {p, bad}).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Improvements(d, {p, p}, {{Package{0}}, {}}).error().code(),
            StatusCode::kInvalidArgument);
}

TEST(AnalysisEdges, AFrontierOverBudgetLeavesTheRestExact) {
  std::mt19937_64 rng(3);
  Domain d = RandomDomain(rng, 3, 3, 3);
  std::vector<Profile> profiles = {RandomProfile(rng, d, 0, 0.3), RandomProfile(rng, d, 0, 0.3)};
  AnalysisOptions tiny;
  tiny.max_frontier = 0;
  EXPECT_EQ(ParetoFrontier(d, profiles, tiny).error().code(), StatusCode::kResourceExhausted);
  auto partial = Analyze(d, profiles, tiny);
  ASSERT_TRUE(partial.ok()) << partial.error();
  EXPECT_FALSE(partial->pareto_complete);
  EXPECT_FALSE(partial->complete());
  ASSERT_EQ(partial->incomplete.size(), 1u);
  auto full = Analyze(d, profiles);
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(full->complete());
  // The solutions come from the searches instead, and agree.
  ASSERT_EQ(partial->nash.has_value(), full->nash.has_value());
  if (full->nash) {
    EXPECT_EQ(partial->nash->package, full->nash->package);
    EXPECT_EQ(partial->kalai_smorodinsky->package, full->kalai_smorodinsky->package);
    EXPECT_TRUE(partial->nash_certificate.proven);
    EXPECT_EQ(partial->nash_certificate.method, "branch and bound");
  }
  EXPECT_EQ(partial->zopa.count, full->zopa.count);
}

// chart_only (the app's chart): the frontier, Nash and Kalai-Smorodinsky
// exactly as the full analysis gives them, on both paths (picked from a
// complete frontier; searched when the frontier is over budget, two and
// three sides); the rest left out and said so.
TEST(AnalysisEdges, ChartOnlyGivesTheSameFrontierNashAndKs) {
  for (int trial = 0; trial < 20; ++trial) {
    const std::uint64_t seed = BaseSeed() * 1000 + 1300 + trial;
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const std::size_t sides = trial % 2 == 0 ? 2 : 3;
    Domain d = RandomDomain(rng, 4, 2, 4);
    std::vector<Profile> profiles;
    for (std::size_t s = 0; s < sides; ++s) profiles.push_back(RandomProfile(rng, d, 0, 0.3));
    for (std::size_t max_frontier : {std::size_t{5'000'000}, std::size_t{0}}) {
      AnalysisOptions full_options;
      full_options.max_frontier = max_frontier;
      AnalysisOptions chart = full_options;
      chart.chart_only = true;
      auto full = Analyze(d, profiles, full_options);
      auto drawn = Analyze(d, profiles, chart);
      ASSERT_TRUE(full.ok() && drawn.ok());
      EXPECT_EQ(Packages(drawn->pareto), Packages(full->pareto));
      EXPECT_EQ(drawn->pareto_complete, full->pareto_complete);
      ASSERT_EQ(drawn->nash.has_value(), full->nash.has_value());
      ASSERT_EQ(drawn->kalai_smorodinsky.has_value(), full->kalai_smorodinsky.has_value());
      if (full->nash) {
        EXPECT_EQ(drawn->nash->package, full->nash->package);
      }
      if (full->kalai_smorodinsky) {
        EXPECT_EQ(drawn->kalai_smorodinsky->package, full->kalai_smorodinsky->package);
      }
      EXPECT_FALSE(drawn->complete());
      EXPECT_NE(drawn->incomplete.back().find("chart only"), std::string::npos);
      EXPECT_EQ(drawn->zopa.count, "");
      if (!drawn->pareto_complete || sides > 2) {
        EXPECT_FALSE(drawn->utilitarian.has_value());
        EXPECT_FALSE(drawn->egalitarian.has_value());
      }
    }
  }
}

TEST(AnalysisImprovements, MatchBruteForce) {
  for (int trial = 0; trial < 100; ++trial) {
    const std::uint64_t seed = BaseSeed() * 1000 + 1400 + trial;
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Domain d = RandomDomain(rng, 2 + rng() % 3, 2, 4);
    std::vector<Profile> profiles = {RandomProfile(rng, d, 4, 0.3), RandomProfile(rng, d, 4, 0.3)};
    // Each side received two random offers.
    std::vector<std::vector<Package>> offers(2);
    for (auto& list : offers) {
      for (int k = 0; k < 2; ++k) {
        Package p;
        for (const auto& issue : d.issues)
          p.push_back(static_cast<std::uint32_t>(rng() % issue.size()));
        list.push_back(p);
      }
    }
    auto got = Improvements(d, profiles, offers, 1000);
    ASSERT_TRUE(got.ok());
    std::vector<double> bar;
    for (std::size_t s = 0; s < 2; ++s) {
      double b = profiles[s].reservation;
      for (const auto& p : offers[s]) b = std::max(b, profiles[s].Utility(p));
      bar.push_back(b);
    }
    const BruteForce bf = Enumerate(d, profiles);
    std::set<Package> want;
    for (const auto& s : bf.pareto) {
      if (internal::Dominates(s.utilities, bar)) want.insert(s.package);
    }
    EXPECT_EQ(Packages(*got), want);
    for (std::size_t i = 1; i < got->size(); ++i) EXPECT_GE(Sum((*got)[i - 1]), Sum((*got)[i]));
    auto limited = Improvements(d, profiles, offers, 1);
    ASSERT_TRUE(limited.ok());
    EXPECT_LE(limited->size(), 1u);
  }
}

}  // namespace
}  // namespace backchannel::negotiation
