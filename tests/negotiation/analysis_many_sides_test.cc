// The exact analysis for three to eight sides against brute-force
// enumeration on random domains small enough to enumerate: Nash,
// Kalai-Smorodinsky, egalitarian, utilitarian (value, package and the
// documented tie-break), their certificates, the Pareto frontier and the ZOPA
// count. Every case prints its seed on failure. Fewer seeds in unoptimised or
// sanitizer builds, where enumeration is slow.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/io.h"
#include "negotiation/analysis/common.h"
#include "negotiation/analysis/frontier.h"
#include "negotiation/testing/random_domain.h"

namespace backchannel::negotiation {
namespace {

using testing::BruteForce;
using testing::BruteOptimum;
using testing::Enumerate;
using testing::RandomDomain;
using testing::RandomProfile;

#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr int kSlowBuild = 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kSlowBuild = 1;
#else
constexpr int kSlowBuild = 0;
#endif
#else
constexpr int kSlowBuild = 0;
#endif

// `fast` trials in optimised builds, `slow` otherwise.
int Trials(int fast, int slow) { return kSlowBuild != 0 ? slow : fast; }

std::uint64_t BaseSeed() {
  return static_cast<std::uint64_t>(::testing::UnitTest::GetInstance()->random_seed());
}

double Gain(const ScoredPackage& s, const std::vector<Profile>& p, std::size_t i) {
  return std::max(0.0, s.utilities[i] - p[i].reservation);
}

void ExpectSame(const std::optional<ScoredPackage>& got, const Certificate& certificate,
                const std::optional<testing::Optimum>& want,
                const std::function<double(const ScoredPackage&)>& score, const char* what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(got.has_value(), want.has_value());
  if (!got) return;
  EXPECT_NEAR(score(*got), want->score, 1e-9);
  EXPECT_EQ(got->package, want->package);
  // The certificate: proven, its value the package's score, and its bound at
  // least the true maximum (and at most the value + 1e-9).
  EXPECT_TRUE(certificate.proven);
  EXPECT_EQ(certificate.method, "branch and bound");
  EXPECT_NEAR(certificate.value, score(*got), 1e-12);
  EXPECT_GE(certificate.bound, want->score - 1e-12);
  EXPECT_LE(certificate.bound, certificate.value + 1e-9);
}

std::set<Package> Packages(const std::vector<ScoredPackage>& v) {
  std::set<Package> out;
  for (const auto& s : v) out.insert(s.package);
  return out;
}

void CheckAgainstBruteForce(const Domain& domain, const std::vector<Profile>& profiles) {
  auto report = Analyze(domain, profiles);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_TRUE(report->complete());
  const BruteForce bf = Enumerate(domain, profiles);
  ASSERT_TRUE(report->pareto_complete);
  EXPECT_EQ(Packages(report->pareto), Packages(bf.pareto));
  EXPECT_EQ(report->pareto.size(), bf.pareto.size());
  EXPECT_EQ(report->zopa.count, std::to_string(bf.rational));
  EXPECT_EQ(report->zopa.exists, bf.rational > 0);
  const std::size_t k = profiles.size();
  auto nash = [&](const ScoredPackage& s) {
    double prod = 1;
    for (std::size_t i = 0; i < k; ++i) prod *= Gain(s, profiles, i);
    return prod;
  };
  auto egal = [&](const ScoredPackage& s) {
    double m = 1e300;
    for (std::size_t i = 0; i < k; ++i) m = std::min(m, Gain(s, profiles, i));
    return m;
  };
  auto util = [&](const ScoredPackage& s) {
    double t = 0;
    for (double u : s.utilities) t += u;
    return t;
  };
  ExpectSame(report->nash, report->nash_certificate, BruteOptimum(bf, profiles, nash), nash,
             "nash");
  ExpectSame(report->egalitarian, report->egalitarian_certificate, BruteOptimum(bf, profiles, egal),
             egal, "egalitarian");
  ExpectSame(report->utilitarian, report->utilitarian_certificate, BruteOptimum(bf, profiles, util),
             util, "utilitarian");
  std::vector<double> ideal(k, -1);
  for (const auto& s : bf.all) {
    bool rational = true;
    for (std::size_t i = 0; i < k; ++i) {
      rational = rational && !internal::Greater(profiles[i].reservation, s.utilities[i]);
    }
    if (!rational) continue;
    for (std::size_t i = 0; i < k; ++i) ideal[i] = std::max(ideal[i], s.utilities[i]);
  }
  if (bf.rational > 0) {
    ASSERT_EQ(report->ideal.size(), k);
    for (std::size_t i = 0; i < k; ++i) EXPECT_NEAR(report->ideal[i], ideal[i], 1e-12);
  }
  auto ks = [&](const ScoredPackage& s) {
    double m = 1e300;
    for (std::size_t i = 0; i < k; ++i) {
      const double room = ideal[i] - profiles[i].reservation;
      m = std::min(m, room <= kUtilityEpsilon ? 1.0 : Gain(s, profiles, i) / room);
    }
    return m;
  };
  ExpectSame(report->kalai_smorodinsky, report->kalai_smorodinsky_certificate,
             BruteOptimum(bf, profiles, ks), ks, "kalai_smorodinsky");
}

// `sides` sides on random domains of up to `max_issues` issues with up to
// `max_options` options; grid values (ties) in one trial out of two.
void RunSeeds(std::size_t sides, std::size_t max_issues, std::size_t max_options, int trials,
              std::uint64_t salt) {
  for (int trial = 0; trial < trials; ++trial) {
    const std::uint64_t seed = BaseSeed() * 100000 + salt + static_cast<std::uint64_t>(trial);
    SCOPED_TRACE("seed=" + std::to_string(seed) + " (sides " + std::to_string(sides) + ")");
    std::mt19937_64 rng(seed);
    Domain d = RandomDomain(rng, 1 + rng() % max_issues, 1, max_options);
    const int grid = (trial % 2 == 0) ? 0 : 1 + static_cast<int>(rng() % 5);
    const double max_reservation = 0.2 + 0.5 * static_cast<double>(rng() % 100) / 100.0;
    std::vector<Profile> profiles;
    for (std::size_t s = 0; s < sides; ++s) {
      profiles.push_back(RandomProfile(rng, d, grid, max_reservation));
    }
    CheckAgainstBruteForce(d, profiles);
    if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) {
      ADD_FAILURE() << "first failing seed " << seed;
      return;
    }
  }
}

TEST(ManySidesBruteForce, ThreeSides) { RunSeeds(3, 5, 5, Trials(300, 60), 1000); }
TEST(ManySidesBruteForce, FourSides) { RunSeeds(4, 5, 4, Trials(200, 40), 2000); }
TEST(ManySidesBruteForce, SevenSides) { RunSeeds(7, 4, 4, Trials(200, 12), 3000); }
TEST(ManySidesBruteForce, EightSides) { RunSeeds(8, 3, 4, Trials(60, 6), 4000); }

// Larger domains for three sides (up to 6^6): the searches only, against
// enumeration of the individually rational packages.
TEST(ManySidesBruteForce, ThreeSidesLargerDomainsSolutionsOnly) {
  for (int trial = 0; trial < Trials(40, 4); ++trial) {
    const std::uint64_t seed = BaseSeed() * 100000 + 5000 + static_cast<std::uint64_t>(trial);
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Domain d = RandomDomain(rng, 6, 3, 6);
    std::vector<Profile> profiles;
    for (int s = 0; s < 3; ++s) profiles.push_back(RandomProfile(rng, d, 0, 0.5));
    AnalysisOptions options;
    options.max_frontier = 0;  // the frontier is not checked here
    auto report = Analyze(d, profiles, options);
    ASSERT_TRUE(report.ok());
    double best = -1;
    testing::ForEachPackage(d, [&](const Package& p) {
      const auto u = internal::Utilities(profiles, p);
      double prod = 1;
      for (int s = 0; s < 3; ++s) {
        if (internal::Greater(profiles[s].reservation, u[s])) return;
        prod *= std::max(0.0, u[s] - profiles[s].reservation);
      }
      best = std::max(best, prod);
    });
    ASSERT_EQ(report->nash.has_value(), best >= 0);
    if (best < 0) continue;
    double prod = 1;
    for (int s = 0; s < 3; ++s) {
      prod *= std::max(0.0, report->nash->utilities[s] - profiles[s].reservation);
    }
    EXPECT_NEAR(prod, best, 1e-9);
    EXPECT_TRUE(report->nash_certificate.proven);
  }
}

// The O(n log n) three-objective filter and the k-d tree filter of four and
// more objectives against the pairwise definition, on points with many exact
// ties and differences around epsilon.
TEST(ManySidesFrontier, FiltersMatchPairwise) {
  for (int trial = 0; trial < Trials(300, 60); ++trial) {
    const std::uint64_t seed = BaseSeed() * 100000 + 6000 + static_cast<std::uint64_t>(trial);
    std::mt19937_64 rng(seed);
    const std::size_t k = 3 + static_cast<std::size_t>(trial % 3);
    SCOPED_TRACE("seed=" + std::to_string(seed) + " k=" + std::to_string(k));
    const std::size_t n = 1 + rng() % 200;
    const int grid = 1 + static_cast<int>(rng() % 8);
    std::vector<double> pts(k * n);
    for (double& v : pts) {
      v = static_cast<double>(rng() % static_cast<std::uint64_t>(grid + 1)) / grid;
      const int jitter = static_cast<int>(rng() % 5);  // 0: none; else +-0.5 or +-2 eps
      if (jitter == 1) v += 0.5 * kUtilityEpsilon;
      if (jitter == 2) v -= 0.5 * kUtilityEpsilon;
      if (jitter == 3) v += 2 * kUtilityEpsilon;
    }
    std::vector<std::size_t> want;
    for (std::size_t i = 0; i < n; ++i) {
      bool dominated = false;
      for (std::size_t j = 0; j < n && !dominated; ++j) {
        dominated = internal::Dominates(std::span<const double>(&pts[k * j], k),
                                        std::span<const double>(&pts[k * i], k));
      }
      if (!dominated) want.push_back(i);
    }
    EXPECT_EQ(internal::NonDominated(pts, k), want);
  }
}

TEST(ManySidesBudgets, ZopaOverBudgetIsBracketedAndTheRestExact) {
  std::mt19937_64 rng(11);
  Domain d = RandomDomain(rng, 6, 4, 4);
  std::vector<Profile> profiles;
  for (int s = 0; s < 3; ++s) profiles.push_back(RandomProfile(rng, d, 0, 0.5));
  const BruteForce bf = Enumerate(d, profiles);
  ASSERT_GT(bf.rational, 0u);
  AnalysisOptions tiny;
  tiny.max_zopa_nodes = 3;
  auto report = Analyze(d, profiles, tiny);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->complete());
  ASSERT_EQ(report->incomplete.size(), 1u);
  EXPECT_FALSE(report->zopa.count_exact);
  EXPECT_TRUE(report->zopa.exists);
  EXPECT_LE(std::stoull(report->zopa.count_lower), bf.rational);
  EXPECT_GE(std::stoull(report->zopa.count_upper), bf.rational);
  EXPECT_TRUE(report->pareto_complete);
  EXPECT_EQ(report->pareto.size(), bf.pareto.size());
  EXPECT_TRUE(report->nash.has_value());
  EXPECT_TRUE(report->nash_certificate.proven);
}

TEST(ManySidesBudgets, SearchOverBudgetKeepsAValidBound) {
  std::mt19937_64 rng(12);
  Domain d = RandomDomain(rng, 6, 4, 4);
  std::vector<Profile> profiles;
  for (int s = 0; s < 4; ++s) profiles.push_back(RandomProfile(rng, d, 0, 0.4));
  AnalysisOptions tiny;
  tiny.max_search_nodes = 2;
  auto report = Analyze(d, profiles, tiny);
  ASSERT_TRUE(report.ok());
  auto full = Analyze(d, profiles);
  ASSERT_TRUE(full.ok());
  ASSERT_TRUE(full->nash.has_value());
  EXPECT_TRUE(full->complete());
  EXPECT_FALSE(report->complete());
  EXPECT_FALSE(report->nash_certificate.proven);
  EXPECT_GE(report->nash_certificate.bound, full->nash_certificate.value - 1e-12);
  // Parts with their own budgets are still exact.
  EXPECT_EQ(report->zopa.count, full->zopa.count);
  EXPECT_EQ(report->pareto.size(), full->pareto.size());
}

TEST(ManySidesBudgets, FourSideFrontierOverWorkBudget) {
  std::mt19937_64 rng(13);
  Domain d = RandomDomain(rng, 5, 4, 4);
  std::vector<Profile> profiles;
  for (int s = 0; s < 4; ++s) profiles.push_back(RandomProfile(rng, d, 0, 0.3));
  AnalysisOptions tiny;
  tiny.max_frontier_work = 10;
  auto report = Analyze(d, profiles, tiny);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->pareto_complete);
  EXPECT_TRUE(report->pareto.empty());
  ASSERT_FALSE(report->incomplete.empty());
  EXPECT_NE(report->incomplete[0].find("dominance tests"), std::string::npos);
  auto full = Analyze(d, profiles);
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(report->nash.has_value(), full->nash.has_value());
  if (full->nash) {
    EXPECT_EQ(report->nash->package, full->nash->package);
  }
}

// The P5+1 scenario (scenarios/p5plus1, seven sides, 9,216 packages): every
// part of the analysis against enumeration. Tests run in the source tree.
TEST(ManySidesScenario, P5plus1MatchesEnumeration) {
  const std::string dir = "scenarios/p5plus1/";
  auto domain = LoadDomain(dir + "agenda.json");
  ASSERT_TRUE(domain.ok()) << domain.error();
  std::vector<Profile> profiles;
  for (const char* f : {"us", "uk", "france", "germany", "china", "russia", "iran"}) {
    auto p = LoadProfile(*domain, dir + f + ".profile.json");
    ASSERT_TRUE(p.ok()) << p.error();
    profiles.push_back(*p);
  }
  auto report = Analyze(*domain, profiles);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_TRUE(report->complete());
  EXPECT_EQ(report->outcomes, "9216");
  std::vector<ScoredPackage> all;
  testing::ForEachPackage(*domain, [&](const Package& p) {
    all.push_back(ScoredPackage{p, internal::Utilities(profiles, p)});
  });
  // The frontier: nothing dominates a frontier package, and every other
  // package is dominated by a frontier package.
  std::set<Package> on_frontier = Packages(report->pareto);
  for (const auto& f : report->pareto) {
    for (const auto& a : all) ASSERT_FALSE(internal::Dominates(a.utilities, f.utilities));
  }
  for (const auto& a : all) {
    if (on_frontier.count(a.package) != 0) continue;
    bool dominated = false;
    for (const auto& f : report->pareto) {
      if (internal::Dominates(f.utilities, a.utilities)) {
        dominated = true;
        break;
      }
    }
    ASSERT_TRUE(dominated);
  }
  // ZOPA and the optima.
  std::uint64_t rational = 0;
  double nash = -1;
  double util = -1;
  double egal = -1;
  std::vector<double> ideal(profiles.size(), -1);
  for (const auto& a : all) {
    bool ok = true;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      ok = ok && !internal::Greater(profiles[i].reservation, a.utilities[i]);
    }
    if (!ok) continue;
    ++rational;
    double prod = 1;
    double sum = 0;
    double low = 1e300;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      prod *= Gain(a, profiles, i);
      sum += a.utilities[i];
      low = std::min(low, Gain(a, profiles, i));
      ideal[i] = std::max(ideal[i], a.utilities[i]);
    }
    nash = std::max(nash, prod);
    util = std::max(util, sum);
    egal = std::max(egal, low);
  }
  EXPECT_EQ(report->zopa.count, std::to_string(rational));
  ASSERT_TRUE(report->nash && report->utilitarian && report->egalitarian &&
              report->kalai_smorodinsky);
  EXPECT_NEAR(report->nash_certificate.value, nash, 1e-12);
  EXPECT_NEAR(report->utilitarian_certificate.value, util, 1e-12);
  EXPECT_NEAR(report->egalitarian_certificate.value, egal, 1e-12);
  for (std::size_t i = 0; i < profiles.size(); ++i) EXPECT_NEAR(report->ideal[i], ideal[i], 1e-12);
  for (const Certificate* c :
       {&report->nash_certificate, &report->kalai_smorodinsky_certificate,
        &report->egalitarian_certificate, &report->utilitarian_certificate}) {
    EXPECT_TRUE(c->proven);
  }
}

}  // namespace
}  // namespace backchannel::negotiation
