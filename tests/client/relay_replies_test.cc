// The decoders of what a relay says (src/client/relay_replies.h): a relay is
// not trusted, so every malformed reply is an error value with a reason,
// never an exception, and no id that could change a request path passes.
#include "client/relay_replies.h"

#include <gtest/gtest.h>

#include "backchannel/crypto/encoding.h"
#include "testing/mailbox_ids.h"
#include "testing/status_matchers.h"

namespace backchannel::client::internal {
namespace {

using ::backchannel::testing::B64u;
using ::backchannel::testing::StatusIs;
using ::backchannel::testing::TestDeliveryToken;
using ::backchannel::testing::TestMailboxId;
using ::testing::HasSubstr;

TEST(RelayRepliesTest, PushedFramesOfTheWrongShapeAreErrorsNotExceptions) {
  for (const char* frame : {R"({"type":5})", R"({"type":null})", R"({})", R"([1,2])", "not json",
                            R"({"type":"message","id":7,"envelope":"AA"})",
                            R"({"type":"message","id":"abc","envelope":5})",
                            R"({"type":"message","id":"../../x","envelope":"AA"})",
                            R"({"type":"message","id":"a\r\nb","envelope":"AA"})",
                            R"({"type":"message","id":"abc","envelope":"***"})"}) {
    auto r = DecodePushFrame(frame);
    EXPECT_THAT(r, StatusIs(StatusCode::kInvalidMessage)) << frame;
  }
}

TEST(RelayRepliesTest, KnownFramesDecodeAndUnknownTypesAreIgnored) {
  auto m = DecodePushFrame(R"({"type":"message","id":"m-1_x","received_ms":12,"envelope":"AQI"})");
  ASSERT_OK(m);
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->kind, PushEvent::Kind::kMessage);
  EXPECT_EQ((*m)->message.id, "m-1_x");
  EXPECT_EQ((*m)->message.received_ms, 12);
  EXPECT_EQ((*m)->message.envelope, (Bytes{1, 2}));
  auto low = DecodePushFrame(R"({"type":"prekeys_low","one_time_remaining":"three"})");
  ASSERT_OK(low);
  ASSERT_TRUE(low->has_value());
  EXPECT_EQ((*low)->kind, PushEvent::Kind::kPrekeysLow);
  EXPECT_EQ((*low)->one_time_remaining, 0) << "a non-integer count reads as 0";
  auto later = DecodePushFrame(R"({"type":"something_new"})");
  ASSERT_OK(later);
  EXPECT_FALSE(later->has_value());
}

TEST(RelayRepliesTest, PinsAreTwoDistinctHexPins) {
  const std::string a(64, 'a');
  const std::string b(64, 'B');  // either case, as FromHexFixed reads it
  auto one = DecodeRelayPins(R"({"current":")" + a + R"("})");
  ASSERT_OK(one);
  EXPECT_EQ(ToHex(one->current), a);
  EXPECT_FALSE(one->next.has_value());
  auto two = DecodeRelayPins(R"({"current":")" + a + R"(","next":")" + b + R"("})");
  ASSERT_OK(two);
  ASSERT_TRUE(two->next.has_value());
  EXPECT_EQ(ToHex(*two->next), std::string(64, 'b'));
  EXPECT_THAT(DecodeRelayPins(R"({"current":")" + a + R"(","next":")" + a + R"("})"),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(DecodeRelayPins(R"({"current":"abc"})"), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(DecodeRelayPins(R"({"next":")" + a + R"("})"), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(DecodeRelayPins(R"({"current":")" + a + R"(","next":5})"),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(DecodeRelayPins("[]"), StatusIs(StatusCode::kInvalidMessage));
}

TEST(RelayRepliesTest, BatchesBundlesAndStatusRefuseWhatIsOutOfRange) {
  EXPECT_THAT(DecodeMessageBatch(R"({"messages":{}})"), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(DecodeMessageBatch(R"({"messages":[1]})"), StatusIs(StatusCode::kInvalidMessage));
  auto empty = DecodeMessageBatch(R"({"messages":[],"one_time_remaining":18446744073709551615})");
  ASSERT_OK(empty);
  EXPECT_EQ(empty->one_time_remaining, -1) << "an out-of-range count is 'not said'";
  EXPECT_THAT(DecodeBundleReply(R"({"bundle":"AA","one_time":{"id":4294967296,"key":"AA"}})"),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(DecodeCreatedMailbox(R"({"mailbox":"a/b","delivery_token":"t"})"),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(DecodePostedId(std::string(R"({"id":")") + std::string(65, 'a') + "\"}"),
              StatusIs(StatusCode::kInvalidMessage));
  auto status = DecodeMailboxStatus(R"({"queued":3,"prekeys_low":"yes"})");
  ASSERT_OK(status);
  EXPECT_EQ(status->queued, 3);
  EXPECT_FALSE(status->prekeys_low);
}

// A created mailbox and a rotated token are typed as they arrive: the
// base64url of exactly 16 and 32 bytes, anything else refused by name.
TEST(RelayRepliesTest, MailboxIdsAndTokensMustHaveTheirExactSize) {
  const std::string mailbox = B64u(TestMailboxId(1));
  const std::string token = B64u(TestDeliveryToken(2));
  auto created = DecodeCreatedMailbox(R"({"mailbox":")" + mailbox + R"(","delivery_token":")" +
                                      token + R"("})");
  ASSERT_OK(created);
  EXPECT_EQ(created->mailbox, TestMailboxId(1));
  EXPECT_TRUE(ConstantTimeEqual(created->delivery_token, TestDeliveryToken(2)));
  auto rotated = DecodeRotatedToken(R"({"delivery_token":")" + token + R"("})");
  ASSERT_OK(rotated);
  EXPECT_TRUE(ConstantTimeEqual(*rotated, TestDeliveryToken(2)));

  const std::string short_mailbox = ToBase64(Bytes(15, 1), Base64Variant::kUrlSafeNoPadding);
  EXPECT_THAT(DecodeCreatedMailbox(R"({"mailbox":")" + short_mailbox + R"(","delivery_token":")" +
                                   token + R"("})"),
              StatusIs(StatusCode::kInvalidMessage,
                       HasSubstr("\"mailbox\" is not the base64url of 16 bytes")));
  EXPECT_THAT(DecodeCreatedMailbox(R"({"mailbox":")" + mailbox + R"(","delivery_token":")" +
                                   mailbox + R"("})"),
              StatusIs(StatusCode::kInvalidMessage,
                       HasSubstr("\"delivery_token\" is not the base64url of 32 bytes")));
  EXPECT_THAT(DecodeRotatedToken(R"({"delivery_token":")" + token + "A\"}"),
              StatusIs(StatusCode::kInvalidMessage,
                       HasSubstr("\"delivery_token\" is not the base64url of 32 bytes")));
  EXPECT_THAT(DecodeRotatedToken(R"({"delivery_token":"a/b"})"),
              StatusIs(StatusCode::kInvalidMessage));
}

TEST(RelayRepliesTest, ErrorRepliesMapToCodesAndQuoteAtMostTwoHundredBytes) {
  EXPECT_THAT(RelayReplyError(503, R"({"error":"unavailable"})"),
              StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(RelayReplyError(507, "{}"), StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(RelayReplyError(403, "{}"), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(RelayReplyError(404, "{}"), StatusIs(StatusCode::kNotFound));
  const Status long_one = RelayReplyError(400, std::string(5000, 'x'));
  EXPECT_LE(long_one.message().size(), 230U);
  const Status typed = RelayReplyError(429, R"({"error":["not","a","string"],"message":7})");
  EXPECT_THAT(typed, StatusIs(StatusCode::kResourceExhausted));
  EXPECT_EQ(typed.message(), "relay: http_429");
}

}  // namespace
}  // namespace backchannel::client::internal
