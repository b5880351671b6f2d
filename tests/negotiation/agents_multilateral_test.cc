// n-side rehearsal: the stacked alternating offers protocol, the per-
// counterpart opponent models and the multilateral tournament.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "backchannel/negotiation/agents.h"
#include "backchannel/negotiation/tournament.h"
#include "negotiation/analysis/common.h"
#include "negotiation/testing/random_domain.h"

namespace backchannel::negotiation {
namespace {

MultilateralScenario RandomScenario(std::uint64_t seed, std::size_t sides) {
  std::mt19937_64 rng(seed);
  MultilateralScenario s;
  s.name = "random" + std::to_string(seed);
  s.domain = testing::RandomDomain(rng, 4, 3, 5);
  for (std::size_t i = 0; i < sides; ++i) {
    s.profiles.push_back(testing::RandomProfile(rng, s.domain, 0, 0.3));
  }
  return s;
}

std::vector<std::unique_ptr<Agent>> MakeAll(const std::string& name, std::size_t n,
                                            std::uint64_t seed) {
  std::vector<std::unique_ptr<Agent>> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(std::move(*MakeAgent(name, seed + i)));
  return out;
}

std::vector<Agent*> Raw(const std::vector<std::unique_ptr<Agent>>& v) {
  std::vector<Agent*> out;
  for (const auto& a : v) out.push_back(a.get());
  return out;
}

TEST(Multilateral, ConcedersAgreeOnARationalPackageAcceptedByAll) {
  for (std::uint64_t seed = 1; seed <= 15; ++seed) {
    for (std::size_t n : {3u, 5u}) {
      SCOPED_TRACE("seed=" + std::to_string(seed) + " sides=" + std::to_string(n));
      MultilateralScenario s = RandomScenario(seed, n);
      auto agents = MakeAll("conceder", n, seed);
      auto r = RunMultilateralSession(s.domain, s.profiles, Raw(agents), 60);
      ASSERT_TRUE(r.ok()) << r.error();
      ASSERT_EQ(r->offers.size(), n);
      if (!r->agreement) continue;  // possible when there is no zone of agreement
      ASSERT_TRUE(r->package.has_value());
      // Every side accepted it, and each accepts only at or above its
      // reservation value.
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_GE(s.profiles[i].Utility(*r->package), s.profiles[i].reservation);
      }
    }
  }
}

TEST(Multilateral, HardlinersNeverAgreeWhenTheirBestPackagesDiffer) {
  MultilateralScenario s = RandomScenario(7, 3);
  auto agents = MakeAll("hardliner", 3, 7);
  auto r = RunMultilateralSession(s.domain, s.profiles, Raw(agents), 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rounds, 20);
  EXPECT_FALSE(r->agreement);
  for (const auto& offers : r->offers) EXPECT_EQ(offers.size(), 20u);
}

TEST(Multilateral, BadArgumentsAreErrors) {
  MultilateralScenario s = RandomScenario(3, 3);
  auto agents = MakeAll("boulware", 3, 3);
  EXPECT_EQ(RunMultilateralSession(s.domain, s.profiles, Raw(agents), 0).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<Agent*> two = {agents[0].get(), agents[1].get()};
  EXPECT_EQ(RunMultilateralSession(s.domain, s.profiles, two, 10).status().code(),
            StatusCode::kInvalidArgument);
  MultilateralScenario one = s;
  one.profiles.resize(1);
  EXPECT_EQ(RunMultilateralTournament(one).status().code(), StatusCode::kInvalidArgument);
}

TEST(Multilateral, TournamentSeatsEveryAgentOnEverySide) {
  MultilateralScenario s = RandomScenario(5, 4);
  TournamentOptions options;
  options.agents = {"conceder", "hardliner", "tit-for-tat"};
  options.deadline_rounds = 30;
  auto r = RunMultilateralTournament(s, options);
  ASSERT_TRUE(r.ok()) << r.error();
  // 3 self-play sessions + 3 agents x 2 others x 4 seats.
  EXPECT_EQ(r->sessions.size(), 3u + 3u * 2u * 4u);
  ASSERT_EQ(r->nash.size(), 4u);
  ASSERT_EQ(r->agents.size(), 3u);
  int seats = 0;
  for (const auto& a : r->agents) {
    seats += a.sessions;
    EXPECT_GE(a.agreement_rate, 0.0);
    EXPECT_LE(a.agreement_rate, 1.0);
  }
  EXPECT_EQ(seats, static_cast<int>(r->sessions.size() * 4));
  // Hardliners on every side never agree; utilities are then the reservations.
  const auto& all_hard = r->sessions[1 + 8];  // conceder block: 1 + 8 sessions first
  ASSERT_EQ(all_hard.agents, std::vector<std::string>(4, "hardliner"));
  if (!all_hard.agreement) {
    for (std::size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(all_hard.utilities[i], s.profiles[i].reservation);
    }
  }
  // Deterministic for a seed.
  auto again = RunMultilateralTournament(s, options);
  ASSERT_TRUE(again.ok());
  for (std::size_t i = 0; i < r->sessions.size(); ++i) {
    EXPECT_EQ(r->sessions[i].package, again->sessions[i].package);
  }
}

}  // namespace
}  // namespace backchannel::negotiation
