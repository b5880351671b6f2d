// The talks requests of issue 18 (request.h, talks_request.cc): every op
// decodes with its fields, and bad input is refused with a message naming
// the field, before any operation runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backchannel/app/request.h"
#include "testing/status_matchers.h"

namespace backchannel::app {
namespace {

using ::backchannel::testing::StatusIs;
using ::testing::HasSubstr;

TEST(AppTalksRequest, DecodesEveryOpWithItsName) {
  const std::string key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  for (const char* json : {
           R"({"op":"talks.create","talks":"t","title":"T","domain":"{}","sides":["A","B"]})",
           R"({"op":"talks.invite","talks":"t","contact":"Zarif","role":"envoy"})",
           R"({"op":"talks.join","talks":"t","profile":"{}","rule":"approve=State"})",
           R"({"op":"talks.agenda","talks":"t"})",
           R"({"op":"talks.profile.compose","talks":"t","weights":{"a":1},"values":{"a":{"x":1}},)"
           R"("reservation":0.2})",
           R"({"op":"talks.evaluate","talks":"t","package":{"a":"x"}})",
           R"({"op":"talks.share","talks":"t"})",
           R"({"op":"talks.suggest","talks":"t","solution":"ks","caucus":"Iran",)"
           R"("conditions":["ICRC supervision@ICRC delegate"],"note":"n"})",
           R"({"op":"talks.idea","talks":"t","package":{"a":"x"},"note":"n"})",
           R"({"op":"talks.condition","talks":"t","condition":"c1","status":"met","note":"n"})",
           R"({"op":"talks.suspend","talks":"t","reason":"r"})",
           R"({"op":"talks.resume","talks":"t"})",
           R"({"op":"talks.analysis","talks":"t","cap":20000})",
           R"({"op":"record.verify","talks":"t"})",
           R"({"op":"record.export","talks":"t","format":"json"})",
       }) {
    SCOPED_TRACE(json);
    auto r = DecodeRequest(json);
    ASSERT_OK(r);
    const auto op = Json::parse(json)["op"].get<std::string>();
    EXPECT_EQ(OpName(*r), op);
  }
  auto create = DecodeRequest(
      R"({"op":"talks.create","talks":"t","title":"T","domain":"{}","sides":["A","B"],)"
      R"("side_authorities":{"A":[")" +
      key + R"("]}})");
  ASSERT_OK(create);
  EXPECT_EQ(std::get<TalksCreateRequest>(*create).side_authorities.at("A").size(), 1u);
  EXPECT_EQ(std::get<TalksCreateRequest>(*create).side_authorities.at("A")[0],
            identity::AuthorityPublicKey())
      << "decoded where it entered: 43 'A's are 32 zero bytes";
  auto analysis = DecodeRequest(R"({"op":"talks.analysis","talks":"t"})");
  ASSERT_OK(analysis);
  EXPECT_EQ(std::get<TalksAnalysisRequest>(*analysis).cap, kDefaultAnalysisCap);
  auto partial = DecodeRequest(R"({"op":"talks.evaluate","talks":"t","package":{}})");
  ASSERT_OK(partial);  // an empty package is a package builder's first state
}

TEST(AppTalksRequest, RefusesBadInputNamingTheField) {
  struct Case {
    std::string json;
    std::string why;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"op":"talks.create","talks":"t","title":"T","domain":"{}","sides":["A"]})",
            "sides"},
           {R"({"op":"talks.create","talks":"t","title":"T","domain":"{}","sides":["A","A"]})",
            "twice"},
           {R"({"op":"talks.create","talks":"t","title":"T","sides":["A","B"]})", "domain"},
           {R"({"op":"talks.create","talks":"t","title":"T","domain":"{}","sides":["A","B"],)"
            R"("side_authorities":{"C":["x"]}})",
            "not one of the sides"},
           {R"({"op":"talks.create","talks":"t","title":"T","domain":"{}","sides":["A","B"],)"
            R"("side_authorities":{"A":["zz"]}})",
            "32-byte key"},
           {R"({"op":"talks.invite","talks":"t","contact":"Zarif","role":"king"})", "role"},
           {R"({"op":"talks.invite","talks":"t","role":"envoy"})", "contact is required"},
           {R"({"op":"talks.agenda"})", "talks"},
           {R"({"op":"talks.profile.compose","talks":"t","weights":{"a":"1"}})", "numbers"},
           {R"({"op":"talks.profile.compose","talks":"t","weights":{"a":1},"reservation":2})",
            "reservation"},
           {R"({"op":"talks.profile.compose","talks":"t","weights":{"a":-1}})", "weights"},
           {R"({"op":"talks.profile.compose","talks":"t","weights":{"a":1},)"
            R"("values":{"a":{"x":1.5}}})",
            "values"},
           {R"({"op":"talks.evaluate","talks":"t","package":{"a":1}})", "strings"},
           {R"({"op":"talks.suggest","talks":"t","solution":"best"})", "solution"},
           {R"({"op":"talks.suggest","talks":"t","conditions":["no guarantor"]})",
            "TEXT@GUARANTOR"},
           {R"({"op":"talks.idea","talks":"t"})", "package is required"},
           {R"({"op":"talks.condition","talks":"t","condition":"c1","status":"maybe"})",
            "met or failed"},
           {R"({"op":"talks.suspend","talks":"t","why":"x"})", "unknown field 'why'"},
           {R"({"op":"talks.analysis","talks":"t","cap":0})", "cap must be"},
           {R"({"op":"talks.analysis","talks":"t","cap":20001})", "cap must be"},
           {R"({"op":"talks.analysis","talks":"t","cap":-5})", "positive integer"},
           {R"({"op":"record.export","talks":"t","format":"pdf"})", "md or json"},
           {R"({"op":"record.verify","talks":"a/b"})", "talks"},
       }) {
    SCOPED_TRACE(c.json);
    auto r = DecodeRequest(c.json);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.error().message()), HasSubstr(c.why));
  }
}

TEST(AppTalksRequest, ValidatesStructsBuiltByAFaceTheSameWay) {
  TalksAnalysisRequest a;
  a.talks = "t";
  EXPECT_OK(ValidateRequest(a));
  a.cap = kMaxAnalysisCap + 1;
  EXPECT_FALSE(ValidateRequest(a).ok());
  TalksEvaluateRequest e;
  EXPECT_FALSE(ValidateRequest(e).ok()) << "talks is required";
  // Keys arrive typed (the CLI decodes its arguments); the sides they bind
  // are still checked.
  TalksCreateRequest c{"t", "T", "{}", {"A", "B"}, "", {}};
  c.side_authorities["A"].push_back(identity::AuthorityPublicKey());
  EXPECT_OK(ValidateRequest(c));
  c.side_authorities["C"].push_back(identity::AuthorityPublicKey());
  EXPECT_THAT(ValidateRequest(c),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not one of the sides")));
  c.side_authorities.erase("C");
  c.side_authorities["B"];
  EXPECT_THAT(ValidateRequest(c),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("lists no key")));
}

}  // namespace
}  // namespace backchannel::app
