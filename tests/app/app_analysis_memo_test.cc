// The chart's engine results kept per basis (app/analysis_memo.h): the same
// answer as computing it, computed once per basis (asked twice, prepared
// then asked, asked from two threads at once), again for a changed profile
// or after Clear, and a basis the engine refuses refused the same way.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "backchannel/app/analysis_memo.h"
#include "backchannel/common/status.h"

namespace backchannel::app {
namespace {

using negotiation::Domain;
using negotiation::Profile;

Domain MemoTestDomain(std::size_t issues, std::size_t options) {
  Domain d;
  d.name = "memo";
  for (std::size_t i = 0; i < issues; ++i) {
    negotiation::Issue issue;
    issue.name = "i" + std::to_string(i);
    for (std::size_t o = 0; o < options; ++o) issue.options.push_back("o" + std::to_string(o));
    d.issues.push_back(std::move(issue));
  }
  return d;
}

// Side 0 likes high options, side 1 low ones, on issues of different weight
// for each: a frontier with more than one package.
std::vector<Profile> MemoTestProfiles(std::size_t issues, std::size_t options, double reservation) {
  std::vector<Profile> out;
  for (int side = 0; side < 2; ++side) {
    Profile p;
    p.name = side == 0 ? "A" : "B";
    p.reservation = reservation;
    double sum = 0;
    for (std::size_t i = 0; i < issues; ++i) {
      const double w = side == 0 ? static_cast<double>(i + 1) : static_cast<double>(issues - i);
      p.weights.push_back(w);
      sum += w;
      std::vector<double> e;
      for (std::size_t o = 0; o < options; ++o) {
        const std::size_t k = side == 0 ? o : options - 1 - o;
        e.push_back(static_cast<double>(k) / static_cast<double>(options - 1));
      }
      p.evaluations.push_back(std::move(e));
    }
    for (double& w : p.weights) w /= sum;
    out.push_back(std::move(p));
  }
  return out;
}

void ExpectSame(const ChartSolutions& a, const ChartSolutions& b) {
  EXPECT_EQ(a.frontier, b.frontier);
  EXPECT_EQ(a.frontier_complete, b.frontier_complete);
  EXPECT_EQ(a.nash, b.nash);
  EXPECT_EQ(a.kalai_smorodinsky, b.kalai_smorodinsky);
}

TEST(ChartSolutionsMemo, GivesTheEnginesAnswerAndComputesABasisOnce) {
  const Domain d = MemoTestDomain(4, 4);
  const auto profiles = MemoTestProfiles(4, 4, 0.2);
  auto direct = ComputeChartSolutions(d, profiles);
  ASSERT_TRUE(direct.ok()) << direct.error().ToString();
  EXPECT_GT(direct->frontier.size(), 1U);
  EXPECT_TRUE(direct->frontier_complete);
  ASSERT_TRUE(direct->nash.has_value());
  ASSERT_TRUE(direct->kalai_smorodinsky.has_value());

  ChartSolutionsMemo memo;
  auto first = memo.Get(d, profiles);
  ASSERT_TRUE(first.ok());
  ExpectSame(*first, *direct);
  EXPECT_EQ(memo.computed(), 1U);
  EXPECT_EQ(memo.hits(), 0U);
  auto again = memo.Get(d, profiles);
  ASSERT_TRUE(again.ok());
  ExpectSame(*again, *direct);
  EXPECT_EQ(memo.computed(), 1U);
  EXPECT_EQ(memo.hits(), 1U);

  // Another walk-away point is another basis.
  auto other = memo.Get(d, MemoTestProfiles(4, 4, 0.45));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(memo.computed(), 2U);
  auto want = ComputeChartSolutions(d, MemoTestProfiles(4, 4, 0.45));
  ASSERT_TRUE(want.ok());
  ExpectSame(*other, *want);

  // Cleared (the app's lock): computed again.
  memo.Clear();
  ASSERT_TRUE(memo.Get(d, profiles).ok());
  EXPECT_EQ(memo.computed(), 3U);
}

TEST(ChartSolutionsMemo, APreparedBasisIsFoundNotRecomputed) {
  const Domain d = MemoTestDomain(6, 5);
  const auto profiles = MemoTestProfiles(6, 5, 0.3);
  ChartSolutionsMemo memo;
  memo.Prepare(d, profiles);
  memo.Prepare(d, profiles);  // once queued, not queued again
  auto got = memo.Get(d, profiles);
  ASSERT_TRUE(got.ok());
  // Either the background had it (or was computing it) or it was still
  // queued and the asker took it over: found in the memo either way, and
  // computed exactly once in all.
  EXPECT_EQ(memo.hits(), 1U);
  EXPECT_LE(memo.computed(), 1U);
  auto want = ComputeChartSolutions(d, profiles);
  ASSERT_TRUE(want.ok());
  ExpectSame(*got, *want);
  // Fewer than two profiles: nothing to prepare (no entry made).
  memo.Prepare(d, {profiles[0]});
  EXPECT_FALSE(memo.Get(d, {profiles[0]}).ok());
  EXPECT_EQ(memo.hits(), 1U);
}

TEST(ChartSolutionsMemo, TwoAskersAtOnceShareOneComputation) {
  const Domain d = MemoTestDomain(8, 6);
  const auto profiles = MemoTestProfiles(8, 6, 0.3);
  ChartSolutionsMemo memo;
  Result<ChartSolutions> a = Status(StatusCode::kInternal, "not run");
  Result<ChartSolutions> b = Status(StatusCode::kInternal, "not run");
  std::thread t([&] { a = memo.Get(d, profiles); });
  b = memo.Get(d, profiles);
  t.join();
  ASSERT_TRUE(a.ok() && b.ok());
  ExpectSame(*a, *b);
  EXPECT_EQ(memo.computed(), 1U);
  EXPECT_EQ(memo.hits(), 1U);
}

TEST(ChartSolutionsMemo, ABasisTheEngineRefusesIsRefusedTheSameWayAgain) {
  const Domain d = MemoTestDomain(3, 3);
  auto profiles = MemoTestProfiles(3, 3, 0.3);
  profiles[1].evaluations.pop_back();  // does not fit the agenda
  ChartSolutionsMemo memo;
  auto first = memo.Get(d, profiles);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), StatusCode::kInvalidArgument);
  auto again = memo.Get(d, profiles);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(memo.computed(), 1U);
}

}  // namespace
}  // namespace backchannel::app
