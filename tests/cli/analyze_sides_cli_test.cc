// `backchannel analyze` and `rehearse` with more than two profiles, as a real
// process: a complete analysis exits 0, a partial one (a part over its
// budget) exits 3 and still prints everything else, bad input exits 2.
// Tests run in the source tree (scenarios/p5plus1).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/run_cli.h"

namespace {

namespace fs = std::filesystem;

// The program under test is built like this test: unoptimised and sanitizer
// builds run the slow cases once, on smaller inputs where the case allows.
#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr bool kSlowBuild = true;
#else
constexpr bool kSlowBuild = false;
#endif
using Json = nlohmann::json;
using backchannel::testing::RunCli;

const char* const kSides[] = {"us", "uk", "france", "germany", "china", "russia", "iran"};

std::vector<std::string> P5plus1Args(std::vector<std::string> head, std::size_t sides) {
  head.insert(head.end(), {"--domain", "scenarios/p5plus1/agenda.json"});
  for (std::size_t i = 0; i < sides; ++i) {
    head.push_back("--profile");
    head.push_back(std::string("scenarios/p5plus1/") + kSides[i] + ".profile.json");
  }
  return head;
}

// A random `issues` x `options` domain and three profiles (reservation 0.3)
// in native JSON, under a fresh temporary directory.
fs::path WriteRandomDomain(std::uint64_t seed, int issues = 12, int options = 6) {
  const fs::path dir =
      fs::temp_directory_path() /
      ("bc_analyze_sides_" + std::to_string(::getpid()) + "_" + std::to_string(seed));
  fs::create_directories(dir);
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
  auto unit = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return static_cast<double>(x >> 11) / 9007199254740992.0;
  };
  const std::string name = "random " + std::to_string(issues) + "x" + std::to_string(options);
  Json domain{{"format", "backchannel.domain"}, {"version", 1}, {"name", name}};
  domain["issues"] = Json::array();
  for (int i = 0; i < issues; ++i) {
    Json names = Json::array();
    for (int o = 0; o < options; ++o) names.push_back("o" + std::to_string(o));
    domain["issues"].push_back(Json{{"name", "i" + std::to_string(i)},
                                    {"kind", "discrete"},
                                    {"options", names},
                                    {"divisible", false}});
  }
  std::ofstream(dir / "domain.json") << domain.dump();
  for (int s = 0; s < 3; ++s) {
    std::vector<double> w(static_cast<std::size_t>(issues));
    double sum = 0;
    for (double& v : w) sum += (v = 0.05 + unit());
    Json profile{{"format", "backchannel.profile"},
                 {"version", 1},
                 {"name", "side" + std::to_string(s)},
                 {"domain", name},
                 {"reservation", 0.3}};
    profile["issues"] = Json::array();
    for (int i = 0; i < issues; ++i) {
      std::vector<double> e(static_cast<std::size_t>(options));
      double top = 0;
      for (double& v : e) top = std::max(top, v = unit());
      Json ev = Json::object();
      for (int o = 0; o < options; ++o) ev["o" + std::to_string(o)] = e[o] / top;
      profile["issues"].push_back(
          Json{{"issue", "i" + std::to_string(i)}, {"weight", w[i] / sum}, {"evaluations", ev}});
    }
    std::ofstream(dir / ("p" + std::to_string(s) + ".json")) << profile.dump();
  }
  return dir;
}

std::vector<std::string> RandomArgs(const fs::path& dir, std::vector<std::string> head) {
  head.insert(head.end(), {"--domain", (dir / "domain.json").string()});
  for (int s = 0; s < 3; ++s) {
    head.push_back("--profile");
    head.push_back((dir / ("p" + std::to_string(s) + ".json")).string());
  }
  return head;
}

TEST(AnalyzeSidesCli, ThreeProfilesOnTwelveBySixIsCompleteAndExitsZero) {
  const fs::path dir = WriteRandomDomain(1);
  if (!kSlowBuild) {
    auto r = RunCli(RandomArgs(dir, {"analyze"}));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("2176782336 possible packages"), std::string::npos);
    EXPECT_NE(r.out.find("Pareto frontier: "), std::string::npos);
    EXPECT_EQ(r.out.find("not computed"), std::string::npos);
    EXPECT_EQ(r.out.find("Incomplete"), std::string::npos);
    std::size_t proven = 0;
    for (auto at = r.out.find("proven optimal"); at != std::string::npos;
         at = r.out.find("proven optimal", at + 1)) {
      ++proven;
    }
    EXPECT_EQ(proven, 4u) << r.out;
  }
  auto j = RunCli(RandomArgs(dir, {"analyze", "--json"}));
  ASSERT_EQ(j.code, 0) << j.err;
  Json doc = Json::parse(j.out);
  EXPECT_EQ(doc["outcomes"], "2176782336");
  EXPECT_EQ(doc["complete"], true);
  EXPECT_TRUE(doc["incomplete"].empty());
  EXPECT_TRUE(doc["zopa"]["count"].is_string());
  EXPECT_GT(doc["pareto_count"].get<int>(), 0);
  for (const char* key : {"nash", "kalai_smorodinsky", "egalitarian", "utilitarian"}) {
    ASSERT_TRUE(doc[key].is_object()) << key;
    EXPECT_EQ(doc[key]["utilities"].size(), 3u);
    EXPECT_EQ(doc["certificates"][key]["proven"], true) << key;
    EXPECT_EQ(doc["certificates"][key]["method"], "branch and bound") << key;
    EXPECT_LE(doc["certificates"][key]["bound"].get<double>() -
                  doc["certificates"][key]["value"].get<double>(),
              1e-9);
  }
  EXPECT_EQ(doc["ideal"].size(), 3u);
  fs::remove_all(dir);
}

TEST(AnalyzeSidesCli, APartOverBudgetExitsThreeAndPrintsTheRest) {
  const fs::path dir = WriteRandomDomain(2, 8, 5);
  auto r = RunCli(RandomArgs(dir, {"analyze", "--json", "--max-zopa-nodes", "5"}));
  ASSERT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("analysis incomplete: ZOPA count"), std::string::npos) << r.err;
  Json doc = Json::parse(r.out);
  EXPECT_EQ(doc["complete"], false);
  ASSERT_EQ(doc["incomplete"].size(), 1u);
  EXPECT_TRUE(doc["zopa"]["count"].is_null());
  EXPECT_TRUE(doc["zopa"]["count_lower"].is_string());
  EXPECT_TRUE(doc["zopa"]["count_upper"].is_string());
  EXPECT_TRUE(doc["nash"].is_object());
  EXPECT_GT(doc["pareto_count"].get<int>(), 0);
  // The frontier over its budget: also partial, the solutions still there.
  auto f = RunCli(RandomArgs(dir, {"analyze", "--max-frontier", "1"}));
  ASSERT_EQ(f.code, 3) << f.err;
  EXPECT_NE(f.out.find("Pareto frontier: not computed"), std::string::npos);
  EXPECT_NE(f.out.find("Incomplete (exit code 3"), std::string::npos);
  EXPECT_NE(f.out.find("Nash "), std::string::npos);
  fs::remove_all(dir);
}

TEST(AnalyzeSidesCli, P5plus1SevenSides) {
  auto r = RunCli(P5plus1Args({"analyze", "--json"}, 7));
  ASSERT_EQ(r.code, 0) << r.err;
  Json doc = Json::parse(r.out);
  EXPECT_EQ(doc["outcomes"], "9216");
  EXPECT_EQ(doc["profiles"].size(), 7u);
  EXPECT_EQ(doc["zopa"]["count"], "1553");
  EXPECT_EQ(doc["pareto_count"], 258);
  EXPECT_EQ(doc["certificates"]["nash"]["proven"], true);
  EXPECT_EQ(doc["nash"]["package"]["enrichment"], "capped-low-enriched");
}

TEST(AnalyzeSidesCli, RehearseWithThreeAndSevenProfiles) {
  auto r = RunCli(P5plus1Args(
      {"rehearse", "--json", "--rounds", "20", "--agent", "conceder", "--agent", "hardliner"}, 3));
  ASSERT_EQ(r.code, 0) << r.err;
  Json doc = Json::parse(r.out);
  EXPECT_EQ(doc["protocol"], "stacked alternating offers");
  EXPECT_EQ(doc["profiles"].size(), 3u);
  EXPECT_EQ(doc["sessions"], 2 + 2 * 1 * 3);
  EXPECT_EQ(doc["nash"].size(), 3u);
  ASSERT_EQ(doc["agents"].size(), 2u);
  for (const auto& a : doc["agents"]) {
    EXPECT_TRUE(a["average_utility"].is_number());
    EXPECT_TRUE(a["average_nash_distance"].is_number());
  }
  auto text = RunCli(P5plus1Args({"rehearse", "--rounds", "5", "--agent", "boulware"}, 7));
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("stacked alternating offers, 1 sessions"), std::string::npos) << text.out;
  auto one = RunCli(P5plus1Args({"rehearse"}, 1));
  EXPECT_EQ(one.code, 2);
  EXPECT_NE(one.err.find("at least two --profile"), std::string::npos);
}

}  // namespace
