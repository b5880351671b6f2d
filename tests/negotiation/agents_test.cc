// Rehearsal agents, the alternating-offers protocol and tournaments.
#include "backchannel/negotiation/agents.h"

#include <gtest/gtest.h>

#include <random>

#include "backchannel/negotiation/tournament.h"
#include "negotiation/testing/random_domain.h"

namespace backchannel::negotiation {
namespace {

Scenario RandomScenario(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Scenario s;
  s.name = "random" + std::to_string(seed);
  s.domain = testing::RandomDomain(rng, 4, 3, 5);
  s.side_a = testing::RandomProfile(rng, s.domain, 0, 0.3);
  s.side_b = testing::RandomProfile(rng, s.domain, 0, 0.3);
  return s;
}

TEST(Agents, UnknownNameIsAnError) {
  EXPECT_EQ(MakeAgent("nobody").status().code(), StatusCode::kInvalidArgument);
  for (const auto& n : AgentNames()) {
    auto a = MakeAgent(n);
    ASSERT_TRUE(a.ok()) << n;
    EXPECT_EQ((*a)->name(), n);
  }
}

TEST(Agents, TimeDependentAgentsAgreeAboveReservation) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed=" + std::to_string(seed));
    Scenario s = RandomScenario(seed);
    auto a = MakeAgent("boulware", seed);
    auto b = MakeAgent("conceder", seed + 1);
    ASSERT_TRUE(a.ok() && b.ok());
    auto r = RunSession(s.domain, s.side_a, s.side_b, **a, **b, 50);
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_TRUE(r->agreement);
    EXPECT_GE(s.side_a.Utility(*r->package), s.side_a.reservation);
    EXPECT_GE(s.side_b.Utility(*r->package), s.side_b.reservation);
    EXPECT_LE(r->rounds, 50);
    // No agent offers below its reservation value.
    for (const auto& o : r->offers_a) EXPECT_GE(s.side_a.Utility(o), s.side_a.reservation);
  }
}

TEST(Agents, HardlinersWithOpposedInterestsDoNotAgree) {
  Domain d;
  d.name = "split";
  Issue issue;
  issue.name = "split";
  issue.options = {"a", "b", "c"};
  d.issues.push_back(issue);
  Profile pa;
  pa.weights = {1};
  pa.evaluations = {{1, 0.5, 0}};
  Profile pb = pa;
  pb.evaluations = {{0, 0.5, 1}};
  auto a = MakeAgent("hardliner");
  auto b = MakeAgent("hardliner");
  ASSERT_TRUE(a.ok() && b.ok());
  auto r = RunSession(d, pa, pb, **a, **b, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->agreement);
  EXPECT_EQ(r->rounds, 10);
  EXPECT_EQ(r->offers_a.size(), 10u);
  EXPECT_EQ(r->offers_a.front(), Package{0});
  EXPECT_EQ(r->offers_b.front(), Package{2});
}

TEST(Agents, BadDeadlineIsAnError) {
  Scenario s = RandomScenario(1);
  auto a = MakeAgent("boulware");
  auto b = MakeAgent("conceder");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(RunSession(s.domain, s.side_a, s.side_b, **a, **b, 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(Tournament, CountsSessionsAndIsDeterministic) {
  std::vector<Scenario> scenarios = {RandomScenario(3), RandomScenario(4)};
  TournamentOptions opt;
  opt.deadline_rounds = 40;
  auto r1 = RunTournament(scenarios, opt);
  auto r2 = RunTournament(scenarios, opt);
  ASSERT_TRUE(r1.ok()) << r1.error();
  ASSERT_TRUE(r2.ok());
  const std::size_t n = AgentNames().size();
  EXPECT_EQ(r1->sessions.size(), 2 * n * n);
  ASSERT_EQ(r1->agents.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const AgentStats& st = r1->agents[i];
    EXPECT_EQ(st.agent, AgentNames()[i]);
    EXPECT_EQ(st.sessions, static_cast<int>(2 * 2 * n));
    EXPECT_GE(st.agreement_rate, 0.0);
    EXPECT_LE(st.agreement_rate, 1.0);
    EXPECT_GE(st.average_nash_distance, 0.0);
    EXPECT_EQ(st.average_utility, r2->agents[i].average_utility);
    EXPECT_EQ(st.agreements, r2->agents[i].agreements);
  }
  // Conceders agree with each other.
  for (const auto& rec : r1->sessions) {
    if (rec.agent_a == "conceder" && rec.agent_b == "conceder") {
      EXPECT_TRUE(rec.agreement);
    }
  }
}

TEST(Tournament, OptionsAndErrors) {
  std::vector<Scenario> scenarios = {RandomScenario(5)};
  TournamentOptions opt;
  opt.agents = {"boulware", "tit-for-tat"};
  opt.both_roles = false;
  opt.self_play = false;
  auto r = RunTournament(scenarios, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sessions.size(), 1u);
  opt.agents = {"boulware", "nobody"};
  EXPECT_EQ(RunTournament(scenarios, opt).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RunTournament({}, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace backchannel::negotiation
