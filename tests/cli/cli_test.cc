// Runs the real `backchannel` binary on the files in ../shared/domains and
// checks its JSON output and exit codes (docs/cli.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli/run_cli.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;

const std::string kDomains = "../shared/domains";

using RunResult = backchannel::testing::CliResult;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "bc_cli_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static RunResult Exec(const std::vector<std::string>& args) {
    return backchannel::testing::RunCli(args);
  }

  static std::string D(const std::string& rel) { return kDomains + "/" + rel; }

  fs::path dir_;
};

void ExpectScored(const Json& s, std::size_t issues) {
  ASSERT_TRUE(s.is_object()) << s;
  ASSERT_TRUE(s["package"].is_object());
  EXPECT_EQ(s["package"].size(), issues);
  ASSERT_TRUE(s["utilities"].is_array());
  EXPECT_EQ(s["utilities"].size(), 2u);
}

TEST_F(CliTest, AnalyzeJsonContractOnLaptop) {
  RunResult r = Exec({"analyze", "--domain", D("Laptop/laptop_domain.xml"), "--profile",
                      D("Laptop/laptop_buyer_utility.xml"), "--profile",
                      D("Laptop/laptop_seller_utility.xml"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_TRUE(j["outcomes"].is_string());
  EXPECT_EQ(j["outcomes"], "27");
  ASSERT_TRUE(j["pareto_count"].is_number_integer());
  EXPECT_EQ(j["pareto_count"], 4);
  ASSERT_EQ(j["pareto"].size(), 4u);
  for (const auto& p : j["pareto"]) ExpectScored(p, 3);
  for (const char* key : {"nash", "kalai_smorodinsky", "egalitarian", "utilitarian"}) {
    SCOPED_TRACE(key);
    ExpectScored(j[key], 3);
  }
  EXPECT_EQ(j["nash"]["package"]["Laptop"], "HP");
  EXPECT_TRUE(j["zopa"]["exists"].get<bool>());
  EXPECT_EQ(j["zopa"]["count"], "27");
}

// Every scenario of reference.txt: outcome and Pareto counts as documented.
TEST_F(CliTest, AnalyzeEveryReferenceScenario) {
  std::istringstream ref(ReadAll(D("reference.txt")));
  const std::regex header(R"(^=== (.*\S)\s+\[(\S+): (\S+) \| (\S+) \| (\S+)\]$)");
  const std::regex counts(R"(outcomes=(\d+)$)");
  const std::regex pareto(R"(^pareto_outcomes=(\d+))");
  std::string line;
  int scenarios = 0;
  std::vector<std::string> args;
  std::string outcomes;
  while (std::getline(ref, line)) {
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      const std::string dir = m[2];
      args = {"analyze",
              "--lenient",
              "--json",
              "--domain",
              D(dir + "/" + m[3].str()),
              "--profile",
              D(dir + "/" + m[4].str()),
              "--profile",
              D(dir + "/" + m[5].str())};
    } else if (line.rfind("issues=", 0) == 0 && std::regex_search(line, m, counts)) {
      outcomes = m[1];
    } else if (std::regex_search(line, m, pareto) && !args.empty()) {
      SCOPED_TRACE(args[4]);
      RunResult r = Exec(args);
      ASSERT_EQ(r.code, 0) << r.err;
      Json j = Json::parse(r.out);
      EXPECT_EQ(j["outcomes"], outcomes);
      EXPECT_EQ(j["pareto_count"], std::stoi(m[1]));
      args.clear();
      ++scenarios;
    }
  }
  EXPECT_EQ(scenarios, 13);
}

TEST_F(CliTest, AnalyzeWithOffersSuggestsImprovements) {
  const fs::path offers = dir_ / "offers.json";
  std::ofstream(offers) << R"({"format": "backchannel.offers", "version": 1, "offers": [
    [{"Laptop": "HP", "Harddisk": "120 Gb", "External Monitor": "23'' LCD"}],
    [{"Laptop": "Dell", "Harddisk": "60 Gb", "External Monitor": "20'' LCD"}]]})";
  RunResult r =
      Exec({"analyze", "--domain", D("Laptop/laptop_domain.xml"), "--profile",
            D("Laptop/laptop_buyer_utility.xml"), "--profile",
            D("Laptop/laptop_seller_utility.xml"), "--offers", offers.string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_TRUE(j["improvements"].is_array());
  EXPECT_FALSE(j["improvements"].empty());
  for (const auto& p : j["improvements"]) ExpectScored(p, 3);

  std::ofstream(offers) << R"({"format": "backchannel.offers", "version": 1, "offers": [
    [{"Laptop": "HP"}], []]})";
  r = Exec({"analyze", "--domain", D("Laptop/laptop_domain.xml"), "--profile",
            D("Laptop/laptop_buyer_utility.xml"), "--profile",
            D("Laptop/laptop_seller_utility.xml"), "--offers", offers.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("offers must be complete packages"));
}

TEST_F(CliTest, AnalyzeReadableReport) {
  RunResult r = Exec({"analyze", "--domain", D("NiceOrDie/NiceOrDie.xml"), "--profile",
                      D("NiceOrDie/NiceOrDie1.xml"), "--profile", D("NiceOrDie/NiceOrDie2.xml")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Pareto frontier: 3 packages"));
  EXPECT_THAT(r.out, HasSubstr("Nash"));
}

TEST_F(CliTest, StrictMalformedXmlIsExitTwoWithPosition) {
  RunResult r = Exec({"analyze", "--domain", D("Car/adg.xml"), "--profile", D("Car/adg_deal.xml"),
                      "--profile", D("Car/adg_deal2.xml"), "--json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("adg_deal.xml:46: <issue>: attributes construct error"));
  // --json: the failure is one JSON error document on stdout (docs/app-api.md).
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr("adg_deal.xml:46"));
}

TEST_F(CliTest, LenientReadsMalformedXmlWithWarning) {
  RunResult r = Exec({"analyze", "--lenient", "--domain", D("Car/adg.xml"), "--profile",
                      D("Car/adg_deal.xml"), "--profile", D("Car/adg_deal2.xml"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: "));
  EXPECT_EQ(Json::parse(r.out)["pareto_count"], 75);
}

TEST_F(CliTest, BadInputIsExitTwo) {
  const std::string domain = D("Laptop/laptop_domain.xml");
  const std::string p1 = D("Laptop/laptop_buyer_utility.xml");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const fs::path garbage = dir_ / "garbage.json";
  std::ofstream(garbage) << "{\"issuesValues\": 3";
  for (const Case& c : std::vector<Case>{
           {{"analyze", "--domain", "/nonexistent.xml", "--profile", p1, "--profile", p1},
            "no such file"},
           {{"analyze", "--domain", domain, "--profile", p1}, "at least two --profile"},
           {{"analyze", "--profile", p1, "--profile", p1}, "--domain is required"},
           {{"analyze", "--domain", domain, "--profile", p1, "--profile", p1, "--bogus"}, "bogus"},
           {{"analyze", "--domain", garbage.string(), "--profile", p1, "--profile", p1},
            "malformed JSON"},
           {{"domain", "show", garbage.string()}, "malformed JSON"},
           {{"domain", "show"}, "--domain FILE"},
           {{"frobnicate"}, "frobnicate"},
           {{}, "subcommand"},
       }) {
    RunResult r = Exec(c.args);
    SCOPED_TRACE(c.message);
    if (r.code == 1 && r.err.find("not available in this build") != std::string::npos) continue;
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
}

TEST_F(CliTest, DomainShow) {
  RunResult r = Exec({"domain", "show", D("ANL2023_domain09/domain09.json"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["name"], "domain09");
  EXPECT_EQ(j["outcomes"], "432");
  EXPECT_EQ(j["issues"].size(), 7u);
  r = Exec({"domain", "show", D("Travel/travel_domain.xml")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("188160 possible packages"));
}

TEST_F(CliTest, DomainConvertWritesNativeFilesThatReadBackTheSame) {
  const fs::path out = dir_ / "native";
  RunResult r = Exec({"domain", "convert", "--domain", D("Camera/camera_domain.xml"), "--profile",
                      D("Camera/camera_buyer_100.xml"), "--profile",
                      D("Camera/camera_seller_20.xml"), "--out-dir", out.string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json written = Json::parse(r.out);
  ASSERT_EQ(written["profiles"].size(), 2u);
  EXPECT_TRUE(fs::exists(out / "domain.json"));
  EXPECT_TRUE(fs::exists(out / "camera_buyer_100.profile.json"));
  Json domain = Json::parse(ReadAll(out / "domain.json"));
  EXPECT_EQ(domain["format"], "backchannel.domain");
  Json profile = Json::parse(ReadAll(out / "camera_seller_20.profile.json"));
  EXPECT_DOUBLE_EQ(profile["reservation"].get<double>(), 0.304352);
  RunResult a =
      Exec({"analyze", "--json", "--domain", D("Camera/camera_domain.xml"), "--profile",
            D("Camera/camera_buyer_100.xml"), "--profile", D("Camera/camera_seller_20.xml")});
  RunResult b = Exec({"analyze", "--json", "--domain", (out / "domain.json").string(), "--profile",
                      (out / "camera_buyer_100.profile.json").string(), "--profile",
                      (out / "camera_seller_20.profile.json").string()});
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  Json ja = Json::parse(a.out);
  Json jb = Json::parse(b.out);
  for (const char* key : {"outcomes", "pareto", "nash", "kalai_smorodinsky", "zopa"}) {
    EXPECT_EQ(ja[key], jb[key]) << key;
  }
}

TEST_F(CliTest, RehearseJson) {
  RunResult r = Exec({"rehearse", "--domain", D("Laptop/laptop_domain.xml"), "--profile",
                      D("Laptop/laptop_buyer_utility.xml"), "--profile",
                      D("Laptop/laptop_seller_utility.xml"), "--rounds", "20", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_TRUE(j["agents"].is_array());
  ASSERT_FALSE(j["agents"].empty());
  for (const auto& a : j["agents"]) {
    EXPECT_TRUE(a["agent"].is_string());
    EXPECT_TRUE(a["average_utility"].is_number());
    EXPECT_TRUE(a["agreement_rate"].is_number());
    EXPECT_TRUE(a["average_nash_distance"].is_number());
  }
  r = Exec({"rehearse", "--domain", D("Laptop/laptop_domain.xml"), "--profile",
            D("Laptop/laptop_buyer_utility.xml"), "--profile",
            D("Laptop/laptop_seller_utility.xml"), "--rounds", "0"});
  EXPECT_EQ(r.code, 2);
}

}  // namespace
