// Importers and the native format, against every file in ../shared/domains
// and hand-written bad inputs.
#include "backchannel/negotiation/io.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>

namespace backchannel::negotiation {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const char kDomains[] = "../shared/domains";

std::string D(const std::string& rel) { return std::string(kDomains) + "/" + rel; }

bool IsDomainFile(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.find("domain") != std::string::npos && name.find("_domain_") == std::string::npos
             ? true
             : name == "adg.xml" || name == "NiceOrDie.xml";
}

// The domain a profile file belongs to, in the same directory.
fs::path DomainFor(const fs::path& profile) {
  const fs::path dir = profile.parent_path();
  const std::string name = profile.filename().string();
  if (name.rfind("FiftyFifty-", 0) == 0) {
    return dir / (name.substr(0, std::string("FiftyFifty-A").size()) + "-domain.xml");
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    if (IsDomainFile(e.path())) return e.path();
  }
  return {};
}

struct Loaded {
  int domains = 0;
  int profiles = 0;
  std::vector<std::string> failures;
};

Loaded LoadEverything(ParseMode mode) {
  Loaded out;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(kDomains)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string ext = f.extension().string();
    if (ext != ".xml" && ext != ".json") continue;  // README.md, reference.txt
    if (f.filename() == "specials.json") continue;  // reference output, not an input
    std::vector<std::string> warnings;
    ImportOptions opts{mode, &warnings};
    if (IsDomainFile(f)) {
      auto d = LoadDomain(f.string(), opts);
      if (d) {
        ++out.domains;
      } else {
        out.failures.push_back(d.error().ToString());
      }
      continue;
    }
    auto d = LoadDomain(DomainFor(f).string(), {ParseMode::kLenient, nullptr});
    if (!d) {
      out.failures.push_back(f.string() + ": no domain: " + d.error().ToString());
      continue;
    }
    auto p = LoadProfile(*d, f.string(), opts);
    if (p) {
      ++out.profiles;
    } else {
      out.failures.push_back(p.error().ToString());
    }
  }
  return out;
}

TEST(IoTest, EveryFileLoadsLeniently) {
  Loaded l = LoadEverything(ParseMode::kLenient);
  EXPECT_THAT(l.failures, ::testing::IsEmpty());
  EXPECT_EQ(l.domains, 14);
  EXPECT_EQ(l.profiles, 46);
}

TEST(IoTest, EveryFileButTheMalformedOneLoadsStrictly) {
  Loaded l = LoadEverything(ParseMode::kStrict);
  ASSERT_EQ(l.failures.size(), 1u);
  EXPECT_THAT(l.failures[0], HasSubstr("adg_deal.xml:46"));
}

TEST(IoTest, StrictReportsFileLineAndElementOfMalformedXml) {
  auto d = LoadDomain(D("Car/adg.xml"));
  ASSERT_TRUE(d) << d.error();
  auto p = LoadProfile(*d, D("Car/adg_deal.xml"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.error().message()),
              HasSubstr("../shared/domains/Car/adg_deal.xml:46: <issue>: attributes construct "
                        "error (column 58)"));
}

TEST(IoTest, LenientReadsMalformedXmlAsGeniusDoes) {
  auto d = LoadDomain(D("Car/adg.xml"));
  ASSERT_TRUE(d);
  std::vector<std::string> warnings;
  auto p = LoadProfile(*d, D("Car/adg_deal.xml"), {ParseMode::kLenient, &warnings});
  ASSERT_TRUE(p) << p.error();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("adg_deal.xml:46: <issue>: missing blank between attributes"));
  // Airconditioning (issue 3) keeps its own evaluations: 100 99 96 83 0.
  auto ac = d->IssueIndex("Airconditioning");
  ASSERT_TRUE(ac);
  EXPECT_DOUBLE_EQ(p->evaluations[*ac][0], 1.0);
  EXPECT_DOUBLE_EQ(p->evaluations[*ac][3], 0.83);
  EXPECT_DOUBLE_EQ(p->weights[*ac], 0.17);
}

TEST(IoTest, LaptopWeightsAreNormalised) {
  auto d = LoadDomain(D("Laptop/laptop_domain.xml"));
  ASSERT_TRUE(d);
  auto p = LoadProfile(*d, D("Laptop/laptop_seller_utility.xml"));
  ASSERT_TRUE(p) << p.error();
  const double sum = std::accumulate(p->weights.begin(), p->weights.end(), 0.0);
  EXPECT_NEAR(sum, 1.0, 1e-12);
  auto b = LoadProfile(*d, D("Laptop/laptop_buyer_utility.xml"));
  ASSERT_TRUE(b);
  // Raw weights 0.4452125771655631 + 0.37808251708013424 + 0.1767567099260568.
  const double raw = 0.4452125771655631 + 0.37808251708013424 + 0.1767567099260568;
  EXPECT_NEAR(raw, 1.000052, 1e-6);
  EXPECT_NEAR(b->weights[0], 0.4452125771655631 / raw, 1e-15);
  // Evaluations divided by the issue's max: HP (30) is 1, Dell (12) is 0.4.
  EXPECT_DOUBLE_EQ(b->evaluations[0][2], 1.0);
  EXPECT_DOUBLE_EQ(b->evaluations[0][0], 0.4);
  ASSERT_TRUE(b->discount);
  EXPECT_DOUBLE_EQ(*b->discount, 0.42441038);
}

TEST(IoTest, EnglandZimbabweHasNoAgreementAsAnOrdinaryOption) {
  auto d = LoadDomain(D("EnglandZimbabwe/EnglandZimbabwe_domain.xml"));
  ASSERT_TRUE(d);
  auto fund = d->IssueIndex("Size of Fund");
  ASSERT_TRUE(fund);
  auto no = d->OptionIndex(*fund, "No agreement");
  ASSERT_TRUE(no);
  auto p = LoadProfile(*d, D("EnglandZimbabwe/England.xml"));
  ASSERT_TRUE(p) << p.error();
  EXPECT_GT(p->evaluations[*fund][*no], 0.0);
}

TEST(IoTest, UncertainProfileReadsAdditivePartAndReservationWithANote) {
  auto d = LoadDomain(D("EnglandZimbabwe/EnglandZimbabwe_domain.xml"));
  ASSERT_TRUE(d);
  std::vector<std::string> warnings;
  auto p = LoadProfile(*d, D("EnglandZimbabwe/England10.xml"), {ParseMode::kStrict, &warnings});
  ASSERT_TRUE(p) << p.error();
  EXPECT_DOUBLE_EQ(p->reservation, 0.00617677);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("UNCERTAIN"));
  EXPECT_THAT(warnings[0], HasSubstr("<comparisons>"));
  // Size of Fund: "$10 billion" scores 9, the max: 1.
  EXPECT_DOUBLE_EQ(p->evaluations[0][2], 1.0);
}

TEST(IoTest, CameraDomainReadsDiscountInsideValueElementOfTemplate) {
  auto d = LoadDomain(D("Camera/camera_domain.xml"));
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->issues.size(), 6u);
  EXPECT_EQ(d->OutcomeCount(), "3600");
}

TEST(IoTest, GeniusWebProfile) {
  auto d = LoadDomain(D("ANL2023_domain09/domain09.json"));
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->name, "domain09");
  ASSERT_EQ(d->issues.size(), 7u);
  EXPECT_EQ(d->issues[0].name, "issueA");  // file order, not sorted
  EXPECT_EQ(d->issues[6].name, "issueG");
  auto p = LoadProfile(*d, D("ANL2023_domain09/profileA.json"));
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->name, "profileA");
  EXPECT_DOUBLE_EQ(p->evaluations[1][1], 0.35526);
  EXPECT_DOUBLE_EQ(p->reservation, 0.0);
  // The embedded domain is the same.
  auto embedded = LoadDomain(D("ANL2023_domain09/profileA.json"));
  ASSERT_TRUE(embedded);
  EXPECT_EQ(DomainToJson(*embedded), DomainToJson(*d));
}

TEST(IoTest, GeniusWebReservationIsUtilityOfReservationBid) {
  const std::string domain_json = R"({"name":"d","issuesValues":{
      "a":{"values":["x","y"]},"b":{"values":["p","q"]}}})";
  auto d = ParseDomain(domain_json, "d.json");
  ASSERT_TRUE(d) << d.error();
  const std::string profile_json = R"({"LinearAdditiveUtilitySpace":{
      "issueUtilities":{"a":{"DiscreteValueSetUtilities":{"valueUtilities":{"x":0.5,"y":1}}},
                        "b":{"DiscreteValueSetUtilities":{"valueUtilities":{"p":1,"q":0}}}},
      "issueWeights":{"a":0.25,"b":0.75},
      "reservationBid":{"issuevalues":{"a":"x","b":"p"}},
      "name":"pa"}})";
  auto p = ParseProfile(*d, profile_json, "p.json");
  ASSERT_TRUE(p) << p.error();
  EXPECT_DOUBLE_EQ(p->reservation, 0.25 * 0.5 + 0.75);
}

TEST(IoTest, GeniusIntegerIssueIsMaterialisedWithClampedLinearEvaluator) {
  const std::string domain_xml = R"(<negotiation_template><utility_space><objective name="r">
<issue index="1" name="Price" type="integer" lowerbound="10" upperbound="14"/>
<issue index="2" name="Colour" type="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
</objective></utility_space></negotiation_template>)";
  auto d = ParseDomain(domain_xml, "int.xml");
  ASSERT_TRUE(d) << d.error();
  ASSERT_EQ(d->issues[0].kind, IssueKind::kInteger);
  EXPECT_EQ(d->issues[0].options, (std::vector<std::string>{"10", "11", "12", "13", "14"}));
  EXPECT_EQ(d->name, "r");
  const std::string profile_xml = R"(<utility_space><objective name="r">
<issue index="1" name="Price" type="integer" lowerbound="10" upperbound="14">
  <evaluator ftype="linear" slope="0.5" offset="-0.25"/></issue>
<issue index="2" name="Colour" type="discrete"><item index="1" value="red" evaluation="5"/></issue>
<weight index="1" value="3"/><weight index="2" value="1"/>
</objective><reservation value="0.1"/></utility_space>)";
  auto p = ParseProfile(*d, profile_xml, "intp.xml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->evaluations[0], (std::vector<double>{0.0, 0.25, 0.75, 1.0, 1.0}));
  EXPECT_EQ(p->evaluations[1], (std::vector<double>{1.0, 0.0}));  // blue missing: 0
  EXPECT_DOUBLE_EQ(p->weights[0], 0.75);
  EXPECT_DOUBLE_EQ(p->reservation, 0.1);
}

TEST(IoTest, NativeRoundTripIsExact) {
  for (const auto& [domain, profile] : std::map<std::string, std::string>{
           {"Laptop/laptop_domain.xml", "Laptop/laptop_buyer_utility.xml"},
           {"Travel/travel_domain.xml", "Travel/travel_chox.xml"},
           {"ANL2023_domain00/domain00.json", "ANL2023_domain00/profileB.json"},
           {"Camera/camera_domain.xml", "Camera/camera_seller_20.xml"}}) {
    auto d = LoadDomain(D(domain));
    ASSERT_TRUE(d) << d.error();
    auto p = LoadProfile(*d, D(profile));
    ASSERT_TRUE(p) << p.error();
    d->issues[0].divisible = true;
    const std::string dj = DomainToJson(*d);
    const std::string pj = ProfileToJson(*d, *p);
    auto d2 = ParseDomain(dj, "native-domain.json");
    ASSERT_TRUE(d2) << d2.error();
    auto p2 = ParseProfile(*d2, pj, "native-profile.json");
    ASSERT_TRUE(p2) << p2.error();
    EXPECT_TRUE(d2->issues[0].divisible);
    EXPECT_EQ(DomainToJson(*d2), dj);
    EXPECT_EQ(ProfileToJson(*d2, *p2), pj);
    EXPECT_EQ(p2->weights, p->weights);
    EXPECT_EQ(p2->evaluations, p->evaluations);
    EXPECT_EQ(p2->reservation, p->reservation);
    EXPECT_EQ(p2->discount, p->discount);
  }
}

TEST(IoTest, NativeIntegerIssueRoundTrips) {
  const std::string dj = R"({"format":"backchannel.domain","version":1,"name":"n","issues":[
      {"name":"days","kind":"integer","lower":1,"upper":3,"divisible":true}]})";
  auto d = ParseDomain(dj, "n.json");
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->issues[0].kind, IssueKind::kInteger);
  EXPECT_TRUE(d->issues[0].divisible);
  auto d2 = ParseDomain(DomainToJson(*d), "again.json");
  ASSERT_TRUE(d2);
  EXPECT_EQ(d2->issues[0].options, (std::vector<std::string>{"1", "2", "3"}));
  const std::string pj = R"({"format":"backchannel.profile","version":1,"name":"p",
      "issues":[{"issue":"days","weight":1,"linear":{"slope":0.5,"offset":0}}]})";
  auto p = ParseProfile(*d, pj, "p.json");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->evaluations[0], (std::vector<double>{0.0, 0.5, 1.0}));
}

struct BadInput {
  const char* name;
  bool profile;
  const char* text;
  StatusCode code;
  const char* message;
};

const Domain& SmallDomain() {
  static const Domain d = [] {
    Domain out;
    out.name = "small";
    out.issues.push_back({"a", IssueKind::kDiscrete, {"x", "y"}, 0, 0, false});
    return out;
  }();
  return d;
}

const std::string kDeepJson(200, '[');

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, IsASpecificError) {
  const BadInput& in = GetParam();
  Status s = in.profile ? ParseProfile(SmallDomain(), in.text, "bad").status()
                        : ParseDomain(in.text, "bad").status();
  ASSERT_FALSE(s.ok()) << in.name;
  EXPECT_EQ(s.code(), in.code) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(in.message)) << s;
}

INSTANTIATE_TEST_SUITE_P(
    Io, BadInputTest,
    ::testing::Values(
        BadInput{"empty", false, "", StatusCode::kInvalidArgument, "not a recognised file"},
        BadInput{"text", false, "hello", StatusCode::kInvalidArgument, "not a recognised file"},
        BadInput{"truncated_json", false, "{\"format\": \n\"backchannel.domain\",",
                 StatusCode::kInvalidArgument, "bad:2: malformed JSON"},
        BadInput{"deep_json", false, kDeepJson.c_str(), StatusCode::kInvalidArgument,
                 "nested deeper than 64"},
        BadInput{"json_array", false, "[1]", StatusCode::kInvalidArgument,
                 "expected a JSON object"},
        BadInput{"unknown_json", false, "{\"x\":1}", StatusCode::kInvalidArgument,
                 "unrecognised JSON"},
        BadInput{"native_version", false,
                 R"({"format":"backchannel.domain","version":9,"name":"n","issues":[]})",
                 StatusCode::kUnsupportedVersion, "version 9 is not supported"},
        BadInput{"native_no_issues", false,
                 R"({"format":"backchannel.domain","version":1,"name":"n","issues":[]})",
                 StatusCode::kInvalidArgument, "/issues: expected a non-empty array"},
        BadInput{"native_dup_option", false,
                 R"({"format":"backchannel.domain","version":1,"name":"n","issues":[
                     {"name":"a","options":["x","x"]}]})",
                 StatusCode::kInvalidArgument, "/issues/0/options/1: option 'x' repeated"},
        BadInput{"native_unknown_field_strict", false,
                 R"({"format":"backchannel.domain","version":1,"name":"n","colour":1,
                     "issues":[{"name":"a","options":["x"]}]})",
                 StatusCode::kInvalidArgument, "/colour: unknown field"},
        BadInput{"native_bad_kind", false,
                 R"({"format":"backchannel.domain","version":1,"name":"n","issues":[
                     {"name":"a","kind":"real"}]})",
                 StatusCode::kInvalidArgument, "/issues/0/kind: expected \"discrete\""},
        BadInput{"native_huge_range", false,
                 R"({"format":"backchannel.domain","version":1,"name":"n","issues":[
                     {"name":"a","kind":"integer","lower":0,"upper":9000000000000000000}]})",
                 StatusCode::kInvalidArgument, "too large"},
        BadInput{"domain_as_profile", true,
                 R"({"format":"backchannel.domain","version":1,"name":"n","issues":[]})",
                 StatusCode::kInvalidArgument, "this is a domain, not a profile"},
        BadInput{"native_eval_range", true,
                 R"({"format":"backchannel.profile","version":1,"name":"p","issues":[
                     {"issue":"a","weight":1,"evaluations":{"x":1.5}}]})",
                 StatusCode::kInvalidArgument,
                 "/issues/0/evaluations/x: expected a number in [0, 1]"},
        BadInput{"native_unknown_option", true,
                 R"({"format":"backchannel.profile","version":1,"name":"p","issues":[
                     {"issue":"a","weight":1,"evaluations":{"z":1}}]})",
                 StatusCode::kInvalidArgument, "no option 'z' in issue 'a'"},
        BadInput{"native_zero_weights", true,
                 R"({"format":"backchannel.profile","version":1,"name":"p","issues":[
                     {"issue":"a","weight":0,"evaluations":{"x":1}}]})",
                 StatusCode::kInvalidArgument, "weights sum to 0"},
        BadInput{"xml_not_genius", false, "<html/>", StatusCode::kInvalidArgument,
                 "bad:1: <html>: not a GENIUS file"},
        BadInput{"xml_unclosed", false, "<utility_space>\n<objective>",
                 StatusCode::kInvalidArgument, "bad:2"},
        BadInput{"xml_doctype", false, "<!DOCTYPE a [<!ENTITY x \"y\">]><utility_space/>",
                 StatusCode::kInvalidArgument, "document type declarations are not supported"},
        BadInput{"xml_no_issues", false, "<utility_space><objective/></utility_space>",
                 StatusCode::kInvalidArgument, "<objective>: has no issues"},
        BadInput{
            "xml_issue_without_name", false,
            "<utility_space><objective>\n<issue type=\"discrete\"/></objective></utility_space>",
            StatusCode::kInvalidArgument, "bad:2: <issue>: issue has no name"},
        BadInput{"xml_real_issue", false,
                 "<utility_space><objective><issue name=\"p\" type=\"real\"/></objective>"
                 "</utility_space>",
                 StatusCode::kInvalidArgument, "unsupported issue type 'real'"},
        BadInput{"xml_bad_evaluation", true,
                 "<utility_space><objective><issue index=\"1\" name=\"a\">\n"
                 "<item value=\"x\" evaluation=\"lots\"/></issue><weight index=\"1\" "
                 "value=\"1\"/></objective></utility_space>",
                 StatusCode::kInvalidArgument,
                 "bad:2: <item value='x'>: missing or non-numeric evaluation"},
        BadInput{"xml_unknown_issue", true,
                 "<utility_space><objective><issue index=\"1\" name=\"b\">"
                 "<item value=\"x\" evaluation=\"1\"/></issue></objective></utility_space>",
                 StatusCode::kInvalidArgument, "issue not in the domain"},
        BadInput{"xml_bad_reservation", true,
                 "<utility_space><objective><issue index=\"1\" name=\"a\">"
                 "<item value=\"x\" evaluation=\"1\"/></issue><weight index=\"1\" value=\"1\"/>"
                 "</objective><reservation value=\"2\"/></utility_space>",
                 StatusCode::kInvalidArgument, "<reservation>: value is not a number in [0, 1]"},
        BadInput{"geniusweb_no_weights", true,
                 R"({"LinearAdditiveUtilitySpace":{"issueUtilities":{
                     "a":{"DiscreteValueSetUtilities":{"valueUtilities":{"x":1}}}}}})",
                 StatusCode::kInvalidArgument, "/LinearAdditiveUtilitySpace/issueWeights"},
        BadInput{"geniusweb_bad_values", false, R"({"issuesValues":{"a":{"values":[true]}}})",
                 StatusCode::kInvalidArgument, "/issuesValues/a/values: a value is neither"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

TEST(IoTest, MissingFileIsNotFound) {
  auto d = LoadDomain("/nonexistent/file.xml");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), StatusCode::kNotFound);
}

TEST(IoTest, LenientToleratesUnknownNativeFieldsWithWarning) {
  std::vector<std::string> warnings;
  auto d = ParseDomain(R"({"format":"backchannel.domain","version":1,"name":"n","colour":1,
                           "issues":[{"name":"a","options":["x"]}]})",
                       "n.json", {ParseMode::kLenient, &warnings});
  ASSERT_TRUE(d) << d.error();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("n.json: /colour: unknown field; ignored"));
}

}  // namespace
}  // namespace backchannel::negotiation
