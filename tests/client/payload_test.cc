#include "backchannel/client/payload.h"

#include <gtest/gtest.h>

#include <variant>

#include "backchannel/client/relay_client.h"
#include "backchannel/common/encoding.h"
#include "backchannel/envelope/envelope.h"
#include "backchannel/session/memory_prekey_store.h"
#include "backchannel/session/session.h"
#include "testing/mailbox_ids.h"
#include "testing/status_matchers.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::B64u;
using ::backchannel::testing::StatusIs;
using ::backchannel::testing::TestDeliveryToken;
using ::backchannel::testing::TestMailboxId;
using ::testing::HasSubstr;

TEST(PayloadTest, TextRoundTrip) {
  const Payload p = Text{"hello \xc3\xa9"};
  auto d = DecodePayload(EncodePayload(p));
  ASSERT_TRUE(d.has_value()) << d.error();
  ASSERT_TRUE(std::holds_alternative<Text>(*d));
  EXPECT_EQ(std::get<Text>(*d).text, "hello \xc3\xa9");
  EXPECT_EQ(PayloadKindName(*d), "text");
}

TEST(PayloadTest, HelloAndResetRoundTrip) {
  const Address a{"127.0.0.1:443", FromHexFixed<CertificatePin>(std::string(64, 'f')).value(),
                  TestMailboxId(1), TestDeliveryToken(2)};
  const Payload hello = Hello{Bytes{1, 2, 3}, a, "hi", {}};
  auto h = DecodePayload(EncodePayload(hello));
  ASSERT_TRUE(h.has_value()) << h.error();
  ASSERT_TRUE(std::holds_alternative<Hello>(*h));
  EXPECT_EQ(std::get<Hello>(*h).text, "hi");
  EXPECT_EQ(std::get<Hello>(*h).credential, (Bytes{1, 2, 3}));
  EXPECT_EQ(std::get<Hello>(*h).reply, a);
  EXPECT_EQ(PayloadKindName(*h), "hello");

  const Payload reset = Reset{Bytes{4, 5}, a, "lost my phone"};
  auto r = DecodePayload(EncodePayload(reset));
  ASSERT_TRUE(r.has_value()) << r.error();
  ASSERT_TRUE(std::holds_alternative<Reset>(*r));
  EXPECT_EQ(std::get<Reset>(*r).reason, "lost my phone");
  EXPECT_EQ(std::get<Reset>(*r).reply.mailbox, TestMailboxId(1));
  EXPECT_EQ(*r, reset);
  // A reset's words are its "reason" on the wire, a hello's its "text".
  EXPECT_NE(AsString(EncodePayload(reset)).find(R"("reason":"lost my phone")"), std::string::npos);
  EXPECT_EQ(AsString(EncodePayload(reset)).find(R"("text")"), std::string::npos);
}

TEST(PayloadTest, EachKindReadsOnlyItsOwnWords) {
  // A "text" field in a reset is not its reason, a "reason" in a hello not
  // its text: one meaning per field.
  const std::string reply =
      R"("reply":{"relay":"a:1","pin":")" + std::string(64, 'f') +
      R"(","mailbox":"AQIDBAUGBwgJCgsMDQ4PEA","token":"AgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICE"})";
  auto r = DecodePayload(
      AsBytes(R"({"v":1,"kind":"reset","credential":"AQID","text":"not a reason",)" + reply + "}"));
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(std::get<Reset>(*r).reason, "");
  auto h = DecodePayload(
      AsBytes(R"({"v":1,"kind":"hello","credential":"AQID","reason":"not text",)" + reply + "}"));
  ASSERT_TRUE(h.has_value()) << h.error();
  EXPECT_EQ(std::get<Hello>(*h).text, "");
  // Too long words are refused in every kind that carries them.
  const std::string long_words(kMaxTextSize + 1, 'x');
  EXPECT_THAT(DecodePayload(AsBytes(R"({"v":1,"kind":"reset","credential":"AQID","reason":")" +
                                    long_words + "\"," + reply + "}"))
                  .status(),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(
      DecodePayload(AsBytes(R"({"v":1,"kind":"text","text":")" + long_words + "\"}")).status(),
      StatusIs(StatusCode::kInvalidMessage));
}

// A relay's pin rollover: the reply carries "next_pin" only when there is
// one (other replies keep their bytes), and it must differ from "pin".
TEST(PayloadTest, ReplyNextPinIsOptionalAndDistinct) {
  const auto pin = FromHexFixed<CertificatePin>(std::string(64, 'f')).value();
  const auto next = FromHexFixed<CertificatePin>(std::string(64, 'e')).value();
  Address a{"127.0.0.1:443", pin, TestMailboxId(1), TestDeliveryToken(2)};
  EXPECT_EQ(AsString(EncodePayload(Hello{Bytes{1}, a, "", {}})).find("next_pin"),
            std::string::npos);
  a.next_pin = next;
  const Payload hello = Hello{Bytes{1}, a, "", {}};
  EXPECT_NE(AsString(EncodePayload(hello)).find(R"("next_pin":")" + std::string(64, 'e') + "\""),
            std::string::npos);
  auto back = DecodePayload(EncodePayload(hello));
  ASSERT_OK(back);
  EXPECT_EQ(std::get<Hello>(*back).reply.next_pin, next);
  EXPECT_EQ(*back, hello);
  auto with_next = [&](const std::string& next_pin) {
    return DecodePayload(AsBytes(
        R"({"v":1,"kind":"hello","credential":"AQID","reply":{)"
        R"("relay":"a:1","pin":")" +
        std::string(64, 'f') +
        R"(","mailbox":"AQIDBAUGBwgJCgsMDQ4PEA","token":"AgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICE",)" +
        R"("next_pin":")" + next_pin + R"("}})"));
  };
  EXPECT_THAT(with_next(std::string(64, 'f')), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(with_next("zz"), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_OK(with_next(std::string(64, 'E')));
}

// The reply's mailbox id and token are typed as they are read: the
// base64url of exactly 16 and 32 bytes, anything else refused by name.
TEST(PayloadTest, ReplyWithAWrongLengthMailboxOrTokenIsRefusedByName) {
  const auto reply = [](const std::string& mailbox, const std::string& token) {
    return DecodePayload(AsBytes(R"({"v":1,"kind":"hello","credential":"AQID","reply":{)"
                                 R"("relay":"a:1","pin":")" +
                                 std::string(64, 'f') + R"(","mailbox":")" + mailbox +
                                 R"(","token":")" + token + R"("}})"));
  };
  const std::string mailbox = B64u(TestMailboxId(1));
  const std::string token = B64u(TestDeliveryToken(2));
  ASSERT_OK(reply(mailbox, token));
  const std::string mailbox_15 = ToBase64(Bytes(15, 1), Base64Variant::kUrlSafeNoPadding);
  const std::string mailbox_17 = ToBase64(Bytes(17, 1), Base64Variant::kUrlSafeNoPadding);
  const std::string token_31 = ToBase64(Bytes(31, 2), Base64Variant::kUrlSafeNoPadding);
  const std::string token_33 = ToBase64(Bytes(33, 2), Base64Variant::kUrlSafeNoPadding);
  for (const std::string& bad : {mailbox_15, mailbox_17, std::string(), std::string("m"), token}) {
    EXPECT_THAT(reply(bad, token),
                StatusIs(StatusCode::kInvalidMessage,
                         HasSubstr("payload reply mailbox is not the base64url of 16 bytes")))
        << bad;
  }
  for (const std::string& bad : {token_31, token_33, std::string(), std::string("t"), mailbox}) {
    EXPECT_THAT(reply(mailbox, bad),
                StatusIs(StatusCode::kInvalidMessage,
                         HasSubstr("payload reply token is not the base64url of 32 bytes")))
        << bad;
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
  EXPECT_EQ(
      code(
          R"({"v":1,"kind":"hello","credential":"AQID","reply":{"relay":"a:1","pin":"x",)"
          R"("mailbox":"AQIDBAUGBwgJCgsMDQ4PEA","token":"AgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICE"}})"),
      StatusCode::kInvalidMessage);
}

TEST(PayloadTest, EmptyTextRoundTrips) {
  const Payload p = Text{};
  auto d = DecodePayload(EncodePayload(p));
  ASSERT_TRUE(d.has_value()) << d.error();
  EXPECT_EQ(*d, p);
}

Payload AppPayload(std::string app, Bytes body) { return App{std::move(app), std::move(body)}; }

TEST(PayloadTest, AppRoundTrip) {
  for (const auto& p :
       {AppPayload("talks", {0, 1, 2, 255}), AppPayload("a", {}),
        AppPayload("x_y-9", Bytes(1000, 7)),
        AppPayload(std::string(kMaxAppNameSize, 'z'), Bytes(kMaxAppBodySize, 0xa5))}) {
    const Bytes encoded = EncodePayload(p);
    EXPECT_LE(encoded.size(), kMaxAppPayloadSize);
    auto d = DecodePayload(encoded);
    ASSERT_TRUE(d.has_value()) << d.error();
    EXPECT_EQ(*d, p);
  }
  EXPECT_EQ(AsString(EncodePayload(AppPayload("talks", {1, 2, 3}))),
            R"({"app":"talks","body":"AQID","kind":"app","v":1})");
  // The bound is exact: the largest body with the longest name.
  EXPECT_EQ(
      EncodePayload(AppPayload(std::string(kMaxAppNameSize, 'z'), Bytes(kMaxAppBodySize))).size(),
      kMaxAppPayloadSize);
}

TEST(PayloadTest, AppRejectsMalformedWithTheReason) {
  auto err = [](const std::string& s) { return DecodePayload(AsBytes(s)).error(); };
  auto app = [&](const std::string& fields) {
    return err(R"({"v":1,"kind":"app",)" + fields + "}");
  };
  const std::string name_msg = "payload app name is not 1..32 characters [a-z0-9_-]";
  for (const char* bad :
       {R"("app":"","body":"")", R"("app":"Talks","body":"")", R"("app":"a/b","body":"")",
        R"("app":"t k","body":"")", R"("app":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","body":"")"}) {
    Status s = app(bad);
    EXPECT_THAT(s, StatusIs(StatusCode::kInvalidMessage)) << bad;
    EXPECT_EQ(s.message(), name_msg) << bad;
  }
  EXPECT_EQ(app(R"("body":"")").message(), "payload lacks \"app\"");
  EXPECT_EQ(app(R"("app":7,"body":"")").message(), "payload \"app\" is not text");
  EXPECT_EQ(app(R"("app":"talks")").message(), "payload lacks \"body\"");
  EXPECT_EQ(app(R"("app":"talks","body":[1])").message(), "payload \"body\" is not text");
  EXPECT_EQ(app(R"("app":"talks","body":"AQID=")").message(), "payload app body is not base64url");
  EXPECT_EQ(app(R"("app":"talks","body":"a+b/")").message(), "payload app body is not base64url");
  const std::string too_long =
      ToBase64(Bytes(kMaxAppBodySize + 1), Base64Variant::kUrlSafeNoPadding);
  Status s = app(R"("app":"talks","body":")" + too_long + "\"");
  EXPECT_THAT(s, StatusIs(StatusCode::kInvalidMessage));
  EXPECT_EQ(s.message(), "payload app body is over 48128 bytes");
}

// The size bound of payload.h, measured: the largest app payload in the
// largest session message (a PreKeySignalMessage) seals into an envelope.
TEST(PayloadTest, LargestAppPayloadFitsTheLargestEnvelope) {
  auto bob = session::GenerateIdentityKeyPair();
  session::InMemoryPreKeyStore bob_keys;
  bob_keys.AddSigned(session::GenerateSignedPreKey(bob, 1));
  bob_keys.AddOneTime(session::GenerateOneTimePreKey(0xffffff));
  const auto bundle = bob_keys.MakeBundle(bob, 0x3fff, 1, 0xffffff);
  auto alice = session::GenerateIdentityKeyPair();
  auto session = session::Session::Initiate(alice, 0x3fff, bundle);
  ASSERT_TRUE(session.has_value()) << session.error();
  const Bytes plain =
      EncodePayload(AppPayload(std::string(kMaxAppNameSize, 'z'), Bytes(kMaxAppBodySize, 0xff)));
  auto ct = session->Encrypt(plain);
  ASSERT_TRUE(ct.has_value()) << ct.error();
  EXPECT_EQ(ct->type, session::CiphertextMessage::Type::kPreKey);
  EXPECT_LE(ct->bytes.size(), plain.size() + kMaxSessionOverhead);
  EXPECT_LE(ct->bytes.size(), envelope::kMaxCiphertextSize);
  envelope::InnerEnvelope inner;
  inner.sender_identity = alice.public_key;
  inner.content_type = ct->type;
  inner.ciphertext = ct->bytes;
  auto sealed = envelope::Seal(inner, bob.public_key);
  ASSERT_TRUE(sealed.has_value()) << sealed.error();
  EXPECT_EQ(sealed->size(), envelope::kBucketSizes.back());
}

TEST(PayloadTest, UnknownFieldsAreIgnored) {
  auto d = DecodePayload(AsBytes(R"({"v":1,"kind":"text","text":"x","extra":[1]})"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<Text>(*d).text, "x");
}

TEST(RelayClientTest, CanonicalRequestIsExactlyTheApiString) {
  EXPECT_EQ(
      CanonicalRequest("GET", "/v1/mailboxes/abc/messages?limit=5", "1700000000000", "bm9u", {}),
      "BC-REQ-1\nGET\n/v1/mailboxes/abc/messages?limit=5\n1700000000000\nbm9u\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RelayClientTest, BadAddressAndUnreachableRelay) {
  RelayClient bad_address({"127.0.0.1", FromHexFixed<CertificatePin>(std::string(64, 'a')).value(),
                           std::chrono::milliseconds(500)});
  EXPECT_THAT(bad_address.CreateMailbox({}), StatusIs(StatusCode::kInvalidArgument));
  RelayClient down({"127.0.0.1:1", FromHexFixed<CertificatePin>(std::string(64, 'a')).value(),
                    std::chrono::milliseconds(500)});
  EXPECT_THAT(down.CreateMailbox({}), StatusIs(StatusCode::kUnavailable));
  RelayClient no_auth({"127.0.0.1:1", FromHexFixed<CertificatePin>(std::string(64, 'a')).value(),
                       std::chrono::milliseconds(500)});
  EXPECT_THAT(no_auth.ListMessages(), StatusIs(StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace backchannel::client
