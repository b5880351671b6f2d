// The opponent model's accuracy on the provided domains (every scenario of
// ../shared/domains/reference.txt): side 2 bids as a Boulware agent with its
// true profile against a hardliner for 100 rounds, side 1 estimates side 2's
// profile from those offers, and the estimate is compared with the truth.
// Prints the table quoted in docs/analysis.md.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

#include "backchannel/negotiation/agents.h"
#include "backchannel/negotiation/io.h"
#include "backchannel/negotiation/opponent_model.h"

namespace backchannel::negotiation {
namespace {

TEST(OpponentAccuracy, ProvidedDomains) {
  std::ifstream in("../shared/domains/reference.txt");
  ASSERT_TRUE(in.good()) << "run from the repository root";
  const std::regex header(R"(^=== (.+?)\s+\[([^:]+): ([^|]+?) \| ([^|]+?) \| ([^\]]+?)\]\s*$)");
  std::string line;
  int scenarios = 0;
  double pearson_sum = 0;
  std::printf("%-26s %8s %8s %10s %10s\n", "scenario", "offers", "pearson", "front_mean",
              "front_max");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, header)) continue;
    const std::string dir = "../shared/domains/" + m[2].str() + "/";
    ImportOptions lenient{ParseMode::kLenient, nullptr};
    auto d = LoadDomain(dir + m[3].str(), lenient);
    ASSERT_TRUE(d.ok()) << d.error();
    auto own = LoadProfile(*d, dir + m[4].str(), lenient);
    auto truth = LoadProfile(*d, dir + m[5].str(), lenient);
    ASSERT_TRUE(own.ok() && truth.ok());
    auto me = MakeAgent("hardliner");
    auto them = MakeAgent("boulware", 7);
    ASSERT_TRUE(me.ok() && them.ok());
    auto session = RunSession(*d, *own, *truth, **me, **them, 100);
    ASSERT_TRUE(session.ok()) << session.error();
    auto estimate = EstimateProfile(*d, session->offers_b);
    ASSERT_TRUE(estimate.ok());
    auto acc = EvaluateModel(*d, *own, *truth, *estimate);
    ASSERT_TRUE(acc.ok()) << acc.error();
    std::printf("%-26s %8zu %8.3f %10.4f %10.4f\n", m[1].str().c_str(), session->offers_b.size(),
                acc->pearson, acc->frontier_distance_mean, acc->frontier_distance_max);
    EXPECT_GE(acc->pearson, -1.0);
    EXPECT_LE(acc->pearson, 1.0);
    pearson_sum += acc->pearson;
    ++scenarios;
  }
  EXPECT_GE(scenarios, 13);
  // On average the estimate correlates clearly with the truth.
  EXPECT_GT(pearson_sum / scenarios, 0.3);
}

}  // namespace
}  // namespace backchannel::negotiation
