// Requests to the application core (include/backchannel/app/request.h):
// decoding, validation, and the package text form.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backchannel/app/request.h"
#include "backchannel/crypto/encoding.h"
#include "testing/status_matchers.h"

namespace backchannel::app {
namespace {

using ::testing::HasSubstr;

TEST(AppRequest, DecodesAMoveWithAPackageObject) {
  auto r = DecodeRequest(R"({"op":"talks.move","talks":"geneva","move":"counter","target":2,)"
                         R"("package":{"nuclear":"suspension"},"revises":"d2"})");
  ASSERT_OK(r);
  const auto* move = std::get_if<TalksMoveRequest>(&*r);
  ASSERT_NE(move, nullptr);
  EXPECT_EQ(move->talks, "geneva");
  EXPECT_EQ(move->target, 2u);
  EXPECT_EQ(move->package.at("nuclear"), "suspension");
  EXPECT_EQ(move->revises, "d2");
  EXPECT_EQ(OpName(*r), "talks.move");
}

TEST(AppRequest, DecodesEveryChannelOpOfTheWebApp) {
  const std::vector<std::pair<const char*, const char*>> ops = {
      {R"({"op":"status"})", "status"},
      {R"({"op":"credential.import","credential":"abc"})", "credential.import"},
      {R"({"op":"trust.list"})", "trust.list"},
      {R"({"op":"trust.add","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","sides":["Iran"]})",
       "trust.add"},
      {R"({"op":"trust.remove","label":"Iran"})", "trust.remove"},
      {R"({"op":"pending"})", "pending"},
      {R"({"op":"invite","rotate":true})", "invite"},
      {R"({"op":"accept","code":"bc1-xyz","name":"Amb. X"})", "accept"},
      {R"({"op":"fingerprint","contact":"bob","compared":true})", "fingerprint"},
      {R"({"op":"outbox","contact":"bob","flush":true,"cancel":"ab12"})", "outbox"},
      {R"({"op":"conversation","contact":"bob"})", "conversation"},
  };
  for (const auto& [json, op] : ops) {
    auto r = DecodeRequest(json);
    ASSERT_OK(r) << json;
    EXPECT_EQ(OpName(*r), op);
  }
  auto trust =
      DecodeRequest(R"({"op":"trust.add","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",)"
                    R"("label":"Tehran","sides":["Iran"],"roles":["envoy","mediator"]})");
  ASSERT_OK(trust);
  const auto& t = std::get<TrustAddRequest>(*trust);
  EXPECT_EQ(t.label, "Tehran");
  EXPECT_EQ(t.roles, (std::vector<std::string>{"envoy", "mediator"}));
  EXPECT_EQ(t.key, identity::AuthorityPublicKey()) << "43 'A's: the base64url of 32 zero bytes";
  // The same key in hex decodes to the same typed value; so does a
  // non-zero one, byte for byte.
  std::array<std::uint8_t, 32> raw{};
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i * 7 + 1);
  const identity::AuthorityPublicKey key(raw);
  for (const std::string& text : {ToHex(key), ToBase64(key, Base64Variant::kUrlSafeNoPadding)}) {
    auto typed = DecodeRequest(R"({"op":"trust.add","key":")" + text + R"(","sides":["Iran"]})");
    ASSERT_OK(typed) << text;
    EXPECT_EQ(std::get<TrustAddRequest>(*typed).key, key) << text;
  }
  auto outbox = DecodeRequest(R"({"op":"outbox","flush":true,"cancel":"ab12"})");
  ASSERT_OK(outbox);
  EXPECT_TRUE(std::get<OutboxRequest>(*outbox).flush);
  EXPECT_EQ(std::get<OutboxRequest>(*outbox).cancel, "ab12");
}

TEST(AppRequest, PackageTextAndObjectDecodeTheSame) {
  auto a =
      DecodeRequest(R"({"op":"talks.move","talks":"t","move":"propose","package":"x = 1; y=2"})");
  auto b = DecodeRequest(
      R"({"op":"talks.move","talks":"t","move":"propose","package":{"x":"1","y":"2"}})");
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_EQ(std::get<TalksMoveRequest>(*a).package, std::get<TalksMoveRequest>(*b).package);
}

TEST(AppRequest, RefusesWithAMessageNamingTheProblem) {
  struct Case {
    const char* json;
    const char* why;
  };
  for (
      const Case& c : std::vector<Case>{
          {"", "one JSON object"},
          {"[1]", "one JSON object"},
          {R"({"text":"x"})", "op"},
          {R"({"op":"frobnicate"})", "unknown op"},
          {R"({"op":"send","contact":"x"})", "text is required"},
          {R"({"op":"send","contact":"x","text":"y","cc":"z"})", "unknown field 'cc'"},
          {R"({"op":"send","contact":7,"text":"y"})", "contact must be a string"},
          {R"({"op":"send","contact":"a\u0007b","text":"y"})", "control characters"},
          {R"({"op":"talks.move","talks":"a/b","move":"propose","package":"x=1"})", "talks"},
          {R"({"op":"talks.move","talks":"t","move":"propose"})", "package is required"},
          {R"({"op":"talks.move","talks":"t","move":"accept"})", "target"},
          {R"({"op":"talks.move","talks":"t","move":"accept","target":-1})", "positive"},
          {R"({"op":"talks.move","talks":"t","move":"dance","target":1})", "move must be"},
          {R"({"op":"talks.move","talks":"t","move":"propose","package":"x=1,x=2"})", "twice"},
          {R"({"op":"talks.verdict","talks":"t"})", "draft is required"},
          {R"({"op":"talks.move","talks":"t","move":"accept","target":2,"suggestion":"s1"})",
           "not both"},
          {R"({"op":"talks.move","talks":"t","move":"reject","target":2})", "reason is required"},
          {R"({"op":"talks.move","talks":"t","move":"accept","target":2,"conditions":["a@b"]})",
           "only an offer carries conditions"},
          {R"({"op":"talks.move","talks":"t","move":"propose","package":"x=1","conditions":"a@b"})",
           "conditions must be an array"},
          {R"({"op":"talks.move","talks":"t","move":"propose","package":"x=1","conditions":["ab"]})",
           "TEXT@GUARANTOR"},
          {R"({"op":"talks.move","talks":"t","move":"ratify","target":3})", "takes no target"},
          {R"({"op":"talks.move","talks":"t","move":"ratify","exploratory":true})",
           "always cleared"},
          {R"({"op":"talks.move","talks":"t","move":"withdraw","target":1,"suggestion":"s1"})",
           "only accept takes a suggestion"},
          {R"({"op":"talks.say","talks":"t","text":"x","cleared":"yes"})", "true or false"},
          {R"({"op":"trust.add","key":"zz","sides":["Iran"]})", "32-byte key"},
          {R"({"op":"trust.add","sides":["Iran"]})", "32-byte key"},
          {R"({"op":"trust.add","key":7,"sides":["Iran"]})", "must be a string"},
          {R"({"op":"trust.add","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})", "side"},
          {R"({"op":"trust.add","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",)"
           R"("sides":["Iran"],"roles":["king"]})",
           "not a role"},
          {R"({"op":"trust.remove"})", "label is required"},
          {R"({"op":"accept"})", "code is required"},
          {R"({"op":"accept","code":"bc1-a b"})", "printable ASCII"},
          {R"({"op":"credential.import","credential":7})", "must be a string"},
          {R"({"op":"fingerprint","contact":""})", "contact is required"},
          {R"({"op":"outbox","flush":1})", "true or false"},
          {R"({"op":"conversation","contact":"a","since":1})", "unknown field 'since'"},
          {R"({"op":"status","x":1})", "unknown field 'x'"},
      }) {
    SCOPED_TRACE(c.json);
    auto r = DecodeRequest(c.json);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.error().message()), HasSubstr(c.why));
  }
}

TEST(AppRequest, DecodesEveryFieldOfAMove) {
  auto r = DecodeRequest(
      R"({"op":"talks.move","talks":"t","move":"counter","target":4,"package":"x=1",)"
      R"("conditions":["ICRC supervision@Ms. Keller"],"exploratory":true,"revises":"d2"})");
  ASSERT_OK(r);
  const auto& m = std::get<TalksMoveRequest>(*r);
  EXPECT_EQ(m.conditions, std::vector<std::string>{"ICRC supervision@Ms. Keller"});
  EXPECT_TRUE(m.exploratory);
  EXPECT_EQ(m.revises, "d2");
  r = DecodeRequest(R"({"op":"talks.move","talks":"t","move":"accept","suggestion":"s1"})");
  ASSERT_OK(r);
  EXPECT_EQ(std::get<TalksMoveRequest>(*r).suggestion, "s1");
  r = DecodeRequest(R"({"op":"talks.move","talks":"t","move":"ratify"})");
  ASSERT_OK(r);
  r = DecodeRequest(R"({"op":"talks.say","talks":"t","text":"x","cleared":true})");
  ASSERT_OK(r);
  EXPECT_TRUE(std::get<TalksSayRequest>(*r).cleared);
}

TEST(AppRequest, RefusesOversizedInputBeforeParsing) {
  std::string big = R"({"op":"contacts","x":")" + std::string(kMaxRequestSize, 'a') + R"("})";
  auto r = DecodeRequest(big);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.error().message()), HasSubstr("at most"));
}

TEST(AppRequest, ValidatesStructsBuiltByAFaceTheSameWay) {
  SendRequest s{"", "hello"};
  EXPECT_FALSE(ValidateRequest(s).ok());
  s.contact = "Amb. Rahimi";
  EXPECT_OK(ValidateRequest(s));
  s.text = std::string(kMaxTextSize + 1, 'x');
  EXPECT_FALSE(ValidateRequest(s).ok());
}

TEST(AppRequest, PackageText) {
  auto p = ParsePackageText(" nuclear = suspension , sanctions=phased-lifting;");
  ASSERT_OK(p);
  EXPECT_EQ(p->size(), 2u);
  EXPECT_EQ(PackageText(*p), "nuclear = suspension; sanctions = phased-lifting");
  EXPECT_FALSE(ParsePackageText("").ok());
  EXPECT_FALSE(ParsePackageText("nuclear").ok());
  EXPECT_FALSE(ParsePackageText("=x").ok());
}

}  // namespace
}  // namespace backchannel::app
