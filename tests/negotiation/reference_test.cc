// The analysis on every scenario of ../shared/domains/reference.txt (values
// computed there by brute-force enumeration): Pareto counts exactly, ZOPA
// counts exactly, Nash, Kalai-Smorodinsky and max social welfare to 1e-6.
// Runs with the repository root as working directory.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/io.h"

namespace backchannel::negotiation {
namespace {

constexpr char kReference[] = "../shared/domains/reference.txt";
constexpr char kDomains[] = "../shared/domains/";

struct Pair {
  double a = 0;
  double b = 0;
};

struct Expected {
  std::string name;
  std::string folder;
  std::string domain_file;
  std::string profile1;
  std::string profile2;
  std::string outcomes;
  std::size_t pareto = 0;
  std::size_t pareto_points = 0;
  std::string rational;
  std::optional<double> nash_product;
  Pair nash;
  int nash_ties = 0;
  std::optional<double> ks_min;
  Pair ks;
  int ks_ties = 0;
  double msw_sum = 0;
  Pair msw;
};

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Pair ParsePair(const std::string& line, const std::string& key) {
  std::smatch m;
  const std::regex re(key + "=\\(([-0-9.eE]+), ([-0-9.eE]+)\\)");
  Pair p;
  if (std::regex_search(line, m, re)) {
    p.a = std::stod(m[1]);
    p.b = std::stod(m[2]);
  }
  return p;
}

std::optional<std::string> Field(const std::string& line, const std::string& key) {
  std::smatch m;
  const std::regex re("(^|[ :])" + key + "=([^ ]+)");
  if (!std::regex_search(line, m, re)) return std::nullopt;
  return m[2].str();
}

std::vector<Expected> ParseReference() {
  std::ifstream in(kReference);
  std::vector<Expected> out;
  std::string line;
  const std::regex header(R"(^=== (.+?)\s+\[([^:]+): ([^|]+)\|([^|]+)\|([^\]]+)\]\s*$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      Expected e;
      e.name = Trim(m[1]);
      e.folder = Trim(m[2]);
      e.domain_file = Trim(m[3]);
      e.profile1 = Trim(m[4]);
      e.profile2 = Trim(m[5]);
      out.push_back(std::move(e));
      continue;
    }
    if (out.empty()) continue;
    Expected& e = out.back();
    if (line.rfind("issues=", 0) == 0) {
      e.outcomes = Field(line, "outcomes").value_or("");
    } else if (line.rfind("pareto_outcomes=", 0) == 0) {
      e.pareto = std::stoul(Field(line, "pareto_outcomes").value_or("0"));
      e.pareto_points = std::stoul(Field(line, "pareto_distinct_points").value_or("0"));
    } else if (line.rfind("individually_rational_outcomes=", 0) == 0) {
      e.rational = Field(line, "individually_rational_outcomes").value_or("");
    } else if (line.rfind("nash:", 0) == 0) {
      if (auto p = Field(line, "product")) {
        e.nash_product = std::stod(*p);
        e.nash = ParsePair(line, "u");
        e.nash_ties = std::stoi(Field(line, "ties").value_or("1"));
      }
    } else if (line.rfind("kalai_smorodinsky:", 0) == 0) {
      if (auto g = Field(line, "min_norm_gain")) {
        e.ks_min = std::stod(*g);
        e.ks = ParsePair(line, "u");
        e.ks_ties = std::stoi(Field(line, "ties").value_or("1"));
      }
    } else if (line.rfind("max_social_welfare:", 0) == 0) {
      e.msw_sum = std::stod(Field(line, "sum").value_or("0"));
      e.msw = ParsePair(line, "u");
    }
  }
  return out;
}

TEST(Reference, FileParses) {
  const auto all = ParseReference();
  ASSERT_GE(all.size(), 13u) << "cannot read " << kReference << " (run from the repo root)";
  for (const auto& e : all) {
    EXPECT_GT(e.pareto, 0u) << e.name;
    EXPECT_FALSE(e.outcomes.empty()) << e.name;
    EXPECT_TRUE(e.nash_product.has_value()) << e.name;
    EXPECT_TRUE(e.ks_min.has_value()) << e.name;
    EXPECT_GT(e.msw_sum, 0) << e.name;
  }
}

class ReferenceScenario : public ::testing::TestWithParam<Expected> {};

TEST_P(ReferenceScenario, MatchesBruteForce) {
  const Expected& e = GetParam();
  const std::string dir = std::string(kDomains) + e.folder + "/";
  std::vector<std::string> warnings;
  ImportOptions lenient{ParseMode::kLenient, &warnings};
  auto domain = LoadDomain(dir + e.domain_file, lenient);
  ASSERT_TRUE(domain.ok()) << domain.error();
  auto p1 = LoadProfile(*domain, dir + e.profile1, lenient);
  ASSERT_TRUE(p1.ok()) << p1.error();
  auto p2 = LoadProfile(*domain, dir + e.profile2, lenient);
  ASSERT_TRUE(p2.ok()) << p2.error();
  const std::vector<Profile> profiles = {*p1, *p2};

  auto report = Analyze(*domain, profiles);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->outcomes, e.outcomes);
  EXPECT_EQ(report->pareto.size(), e.pareto);
  std::set<std::pair<long long, long long>> points;
  for (const auto& s : report->pareto) {
    points.insert({std::llround(s.utilities[0] * 1e8), std::llround(s.utilities[1] * 1e8)});
  }
  EXPECT_EQ(points.size(), e.pareto_points);
  if (!e.rational.empty()) {
    EXPECT_EQ(report->zopa.count, e.rational);
  }

  ASSERT_EQ(report->nash.has_value(), e.nash_product.has_value());
  if (report->nash) {
    const auto& u = report->nash->utilities;
    EXPECT_NEAR((u[0] - p1->reservation) * (u[1] - p2->reservation), *e.nash_product, 1e-6);
    if (e.nash_ties == 1) {
      EXPECT_NEAR(u[0], e.nash.a, 1e-6);
      EXPECT_NEAR(u[1], e.nash.b, 1e-6);
    }
  }
  ASSERT_EQ(report->kalai_smorodinsky.has_value(), e.ks_min.has_value());
  if (report->kalai_smorodinsky && e.ks_ties == 1) {
    EXPECT_NEAR(report->kalai_smorodinsky->utilities[0], e.ks.a, 1e-6);
    EXPECT_NEAR(report->kalai_smorodinsky->utilities[1], e.ks.b, 1e-6);
  }
  auto msw = MaxSocialWelfare(*domain, profiles);
  ASSERT_TRUE(msw.ok());
  EXPECT_NEAR(msw->utilities[0] + msw->utilities[1], e.msw_sum, 1e-6);
  EXPECT_NEAR(msw->utilities[0], e.msw.a, 1e-6);
  EXPECT_NEAR(msw->utilities[1], e.msw.b, 1e-6);
  // The report's utilitarian is restricted to individually rational packages;
  // it equals the unrestricted one when that one is individually rational.
  if (e.msw.a >= p1->reservation - 1e-9 && e.msw.b >= p2->reservation - 1e-9) {
    ASSERT_TRUE(report->utilitarian.has_value());
    EXPECT_NEAR(report->utilitarian->utilities[0] + report->utilitarian->utilities[1], e.msw_sum,
                1e-6);
  }
}

std::string ScenarioName(const ::testing::TestParamInfo<Expected>& info) {
  std::string n;
  for (char c : info.param.name) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(AllScenarios, ReferenceScenario, ::testing::ValuesIn(ParseReference()),
                         ScenarioName);

}  // namespace
}  // namespace backchannel::negotiation
