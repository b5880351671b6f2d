#include "backchannel/client/payload.h"

#include <gtest/gtest.h>

#include "backchannel/client/relay_client.h"

namespace backchannel::client {
namespace {

TEST(PayloadTest, TextRoundTrip) {
  Payload p{Payload::Kind::kText, "hello \xc3\xa9", {}, {}};
  auto d = DecodePayload(EncodePayload(p));
  ASSERT_TRUE(d.has_value()) << d.error();
  EXPECT_EQ(d->kind, Payload::Kind::kText);
  EXPECT_EQ(d->text, p.text);
}

TEST(PayloadTest, HelloAndResetRoundTrip) {
  Address a{"127.0.0.1:443", std::string(64, 'f'), "mbox", "tok"};
  for (auto kind : {Payload::Kind::kHello, Payload::Kind::kReset}) {
    Payload p{kind, "why", Bytes{1, 2, 3}, a};
    auto d = DecodePayload(EncodePayload(p));
    ASSERT_TRUE(d.has_value()) << d.error();
    EXPECT_EQ(d->kind, kind);
    EXPECT_EQ(d->text, "why");
    EXPECT_EQ(d->credential, (Bytes{1, 2, 3}));
    ASSERT_TRUE(d->reply.has_value());
    EXPECT_EQ(d->reply->mailbox, "mbox");
    EXPECT_EQ(d->reply->delivery_token, "tok");
  }
}

TEST(PayloadTest, RejectsMalformed) {
  auto code = [](std::string_view s) { return DecodePayload(AsBytes(s)).error().code(); };
  EXPECT_EQ(code(""), StatusCode::kInvalidMessage);
  EXPECT_EQ(code("[1]"), StatusCode::kInvalidMessage);
  EXPECT_EQ(code(R"({"kind":"text","text":"x"})"), StatusCode::kInvalidMessage);
  EXPECT_EQ(code(R"({"v":2,"kind":"text","text":"x"})"), StatusCode::kUnsupportedVersion);
  EXPECT_EQ(code(R"({"v":1,"kind":"shout","text":"x"})"), StatusCode::kInvalidMessage);
  EXPECT_EQ(code(R"({"v":1,"kind":"text"})"), StatusCode::kInvalidMessage);
  EXPECT_EQ(code(R"({"v":1,"kind":"text","text":5})"), StatusCode::kInvalidMessage);
  EXPECT_EQ(code(R"({"v":1,"kind":"hello","credential":"AQID"})"), StatusCode::kInvalidMessage);
  EXPECT_EQ(code(R"({"v":1,"kind":"hello","credential":"!!","reply":{}})"),
            StatusCode::kInvalidMessage);
  EXPECT_EQ(code(R"({"v":1,"kind":"hello","credential":"AQID","reply":{"relay":"a:1","pin":"x",)"
                 R"("mailbox":"m","token":"t"}})"),
            StatusCode::kInvalidMessage);
}

TEST(PayloadTest, UnknownFieldsAreIgnored) {
  auto d = DecodePayload(AsBytes(R"({"v":1,"kind":"text","text":"x","extra":[1]})"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->text, "x");
}

TEST(RelayClientTest, CanonicalRequestIsExactlyTheApiString) {
  EXPECT_EQ(
      CanonicalRequest("GET", "/v1/mailboxes/abc/messages?limit=5", "1700000000000", "bm9u", {}),
      "BC-REQ-1\nGET\n/v1/mailboxes/abc/messages?limit=5\n1700000000000\nbm9u\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RelayClientTest, BadPinAndUnreachableRelay) {
  RelayClient bad_pin({"127.0.0.1:1", "zz", std::chrono::milliseconds(500)});
  EXPECT_EQ(bad_pin.CreateMailbox({}).error().code(), StatusCode::kInvalidArgument);
  RelayClient down({"127.0.0.1:1", std::string(64, 'a'), std::chrono::milliseconds(500)});
  EXPECT_EQ(down.CreateMailbox({}).error().code(), StatusCode::kUnavailable);
  RelayClient no_auth({"127.0.0.1:1", std::string(64, 'a'), std::chrono::milliseconds(500)});
  EXPECT_EQ(no_auth.ListMessages().error().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace backchannel::client
