// The application core's error values and the shared JSON shape
// (include/backchannel/app/error.h, json.h), checked against the schema file
// the faces' outputs are validated with (docs/app-api.schema.json).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "backchannel/app/error.h"
#include "backchannel/app/json.h"

namespace backchannel::app {
namespace {

Json Schema() {
  std::ifstream in(std::string(BC_SOURCE_DIR) + "/docs/app-api.schema.json");
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

std::set<std::string> SchemaCodes() {
  std::set<std::string> codes;
  const Json schema = Schema();  // a temporary would die before the loop
  for (const auto& c : schema["$defs"]["error"]["properties"]["code"]["enum"]) {
    codes.insert(c.get<std::string>());
  }
  return codes;
}

TEST(AppError, EveryStatusCodeHasAStableCodeTheSchemaLists) {
  const auto codes = SchemaCodes();
  for (int c = static_cast<int>(StatusCode::kInvalidArgument);
       c <= static_cast<int>(StatusCode::kInternal); ++c) {
    const Error e = ErrorFrom(Status(static_cast<StatusCode>(c), "m"));
    EXPECT_TRUE(codes.count(e.code)) << e.code << " is missing from the schema's error codes";
    EXPECT_EQ(e.message, "m");
  }
  EXPECT_TRUE(codes.count(UsageError("x").code));
}

TEST(AppError, OpeningRefinesMissingStoreAndWrongPassphrase) {
  EXPECT_EQ(ErrorFromOpen(NotFound("no store at /x/store.db")).code, "no_store");
  EXPECT_EQ(ErrorFromOpen(Status(StatusCode::kPermissionDenied, "wrong passphrase")).code,
            "wrong_passphrase");
  EXPECT_EQ(ErrorFromOpen(Corrupt("bad")).code, "corrupt");
  EXPECT_EQ(ErrorFrom(NotFound("no contact")).code, "not_found");
  const auto codes = SchemaCodes();
  EXPECT_TRUE(codes.count("no_store"));
  EXPECT_TRUE(codes.count("wrong_passphrase"));
}

TEST(AppJson, FailureIsOkFalseWithTheErrorLast) {
  const Json j = ErrorDocument(Error{"not_found", "no contact 'x'"});
  EXPECT_EQ(Dump(j, true),
            R"({"ok":false,"error":{"code":"not_found","message":"no contact 'x'"}})");
}

TEST(AppJson, SuccessPutsOkFirstAndDropsStrayEnvelopeKeys) {
  const Json j = Document(Json{{"b", 1}, {"ok", false}, {"error", "x"}, {"a", "t"}});
  EXPECT_EQ(Dump(j, true), R"({"ok":true,"b":1,"a":"t"})");
}

TEST(AppJson, BodyWithErrorKeepsTheBodyFields) {
  const Error e{"invalid_argument", "bad package"};
  const Json j = Document(Json{{"queued", 0}}, &e);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["queued"], 0);
  EXPECT_EQ(j["error"]["code"], "invalid_argument");
}

TEST(AppJson, InvalidUtf8IsReplacedNotThrown) {
  const Json j = Document(Json{{"text", std::string("a\xff")}});
  EXPECT_NO_THROW(Dump(j, true));
}

}  // namespace
}  // namespace backchannel::app
