// The channel requests the web app's views send (app/channel_ops.h), decoded
// from JSON and run by app::Execute over real clients and the in-process
// relay: each answers its view, QR codes come as module matrices, a refused
// request changes nothing.
#include <gtest/gtest.h>

#include <algorithm>

#include "backchannel/app/talks_desk.h"
#include "backchannel/crypto/encoding.h"
#include "client/channel_fixture.h"

namespace backchannel::app {
namespace {

using ::backchannel::testing::StatusIs;
using client::ChannelFastTest;

class AppChannelOpsTest : public ChannelFastTest {
 protected:
  void SetUp() override {
    ChannelFastTest::SetUp();
    alice_ = Valid("alice", *us_, 1);
    bob_ = Valid("bob", *iran_, 2);
    ASSERT_TRUE(alice_ && bob_);
    alice_talks_ = std::make_unique<talks_client::TalksService>(*alice_);
    bob_talks_ = std::make_unique<talks_client::TalksService>(*bob_);
  }

  // Decodes `json` and runs it on `client`'s channel.
  Result<Json> Run(client::Client& client, talks_client::TalksService& talks,
                   std::string_view json) {
    BC_ASSIGN_OR_RETURN(Request request, DecodeRequest(json));
    Channel channel(client, talks);
    return Execute(channel, request);
  }
  Result<Json> Alice(std::string_view json) { return Run(*alice_, *alice_talks_, json); }
  Result<Json> Bob(std::string_view json) { return Run(*bob_, *bob_talks_, json); }

  static std::string KeyText(const identity::Authority& a) {
    return ToBase64(a.public_key(), Base64Variant::kUrlSafeNoPadding);
  }

  std::unique_ptr<client::Client> alice_, bob_;
  std::unique_ptr<talks_client::TalksService> alice_talks_, bob_talks_;
};

void ExpectQr(const Json& qr) {
  ASSERT_TRUE(qr.contains("size"));
  const int size = qr["size"];
  EXPECT_GE(size, 21) << "version 1 is the smallest symbol";
  ASSERT_EQ(qr["modules"].size(), static_cast<std::size_t>(size));
  for (const auto& row : qr["modules"]) {
    const std::string r = row;
    EXPECT_EQ(r.size(), static_cast<std::size_t>(size));
    EXPECT_EQ(r.find_first_not_of("01"), std::string::npos);
  }
  // The top-left finder pattern: a dark 7-module row.
  EXPECT_EQ(std::string(qr["modules"][0]).substr(0, 7), "1111111");
}

TEST_F(AppChannelOpsTest, StatusCarriesTheIdentityKeyAsAQrCode) {
  auto status = Alice(R"({"op":"status"})");
  ASSERT_OK(status);
  EXPECT_EQ((*status)["display_name"], "alice");
  EXPECT_EQ(std::string((*status)["identity_key"]).size(), 66U);
  ExpectQr((*status)["identity_qr"]);
}

TEST_F(AppChannelOpsTest, TrustAddListAndRemoveByLabel) {
  const std::string key = KeyText(*iran_);
  auto added = Alice(R"({"op":"trust.add","key":")" + key +
                     R"(","label":"Tehran","sides":["Iran"],"roles":["envoy"]})");
  ASSERT_OK(added);
  EXPECT_EQ((*added)["trusted"], "Tehran");
  EXPECT_TRUE((*added)["received"].empty());

  auto list = Alice(R"({"op":"trust.list"})");
  ASSERT_OK(list);
  bool found = false;
  for (const auto& a : (*list)["authorities"]) {
    if (a["label"] != "Tehran") continue;
    found = true;
    EXPECT_EQ(a["key"], key);
    EXPECT_EQ(a["sides"], Json::array({"Iran"}));
    EXPECT_EQ(a["roles"], Json::array({"envoy"}));
  }
  EXPECT_TRUE(found) << list->dump();

  auto removed = Alice(R"({"op":"trust.remove","label":"Tehran"})");
  ASSERT_OK(removed);
  EXPECT_THAT(Alice(R"({"op":"trust.remove","label":"Tehran"})").status(),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(AppChannelOpsTest, InviteAcceptFingerprintConversationAndOutbox) {
  auto invite = Alice(R"({"op":"invite"})");
  ASSERT_OK(invite);
  const std::string code = (*invite)["code"];
  EXPECT_EQ(code.substr(0, 4), "bc1-");
  ExpectQr((*invite)["qr"]);

  // The inviter's authority is not trusted yet: refused, nothing kept.
  EXPECT_THAT(Bob(R"({"op":"accept","code":")" + code + R"("})").status(),
              StatusIs(StatusCode::kUntrusted));
  EXPECT_TRUE((*Bob(R"({"op":"contacts"})"))["contacts"].empty());

  ASSERT_OK(
      Bob(R"({"op":"trust.add","key":")" + KeyText(*us_) + R"(","sides":["United States"]})"));
  auto accepted = Bob(R"({"op":"accept","code":")" + code + R"(","name":"Amb. Alice"})");
  ASSERT_OK(accepted);
  EXPECT_EQ((*accepted)["contact"], "Amb. Alice");

  // Alice sees a pending request until she trusts Iran.
  ASSERT_OK(alice_->Receive());
  auto pending = Alice(R"({"op":"pending"})");
  ASSERT_OK(pending);
  ASSERT_EQ((*pending)["pending"].size(), 1U);
  EXPECT_EQ((*pending)["pending"][0]["side"], "Iran");
  auto trusted = Alice(R"({"op":"trust.add","key":")" + KeyText(*iran_) + R"(","sides":["Iran"]})");
  ASSERT_OK(trusted);
  EXPECT_TRUE((*Alice(R"({"op":"pending"})"))["pending"].empty());

  auto number = Bob(R"({"op":"fingerprint","contact":"Amb. Alice","compared":true})");
  ASSERT_OK(number);
  EXPECT_EQ((*number)["compared"], true);
  const std::string digits = (*number)["safety_number"];
  EXPECT_EQ(
      std::count_if(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }), 60);
  EXPECT_EQ((*Bob(R"({"op":"contacts"})"))["contacts"][0]["safety_number_compared"], true);

  ASSERT_OK(Bob(R"({"op":"send","contact":"Amb. Alice","text":"salam"})"));
  auto conversation = Bob(R"({"op":"conversation","contact":"Amb. Alice"})");
  ASSERT_OK(conversation);
  ASSERT_FALSE((*conversation)["messages"].empty());
  EXPECT_EQ((*conversation)["messages"].back()["body"], "salam");
  EXPECT_EQ((*conversation)["messages"].back()["delivery"], "sent");

  auto outbox = Bob(R"({"op":"outbox","flush":true})");
  ASSERT_OK(outbox);
  EXPECT_TRUE((*outbox)["queued"].empty());
}

TEST_F(AppChannelOpsTest, RefusedRequestsChangeNothing) {
  auto before = Alice(R"({"op":"trust.list"})");
  ASSERT_OK(before);
  for (
      const char* bad : {
          R"({"op":"trust.add","key":"not-a-key","sides":["Iran"]})",
          R"({"op":"trust.add","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","sides":[]})",
          R"({"op":"trust.add","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","sides":["x"],"roles":["king"]})",
          R"({"op":"accept","code":"bc1- spaced"})",
          R"({"op":"accept","code":""})",
          R"({"op":"credential.import","credential":"a b"})",
          R"({"op":"fingerprint","contact":"bo\nb"})",
          R"({"op":"invite","rotate":"yes"})",
          R"({"op":"conversation"})",
      }) {
    EXPECT_THAT(Alice(bad).status(), StatusIs(StatusCode::kInvalidArgument)) << bad;
  }
  auto after = Alice(R"({"op":"trust.list"})");
  ASSERT_OK(after);
  EXPECT_EQ(*before, *after);
  EXPECT_TRUE((*Alice(R"({"op":"contacts"})"))["contacts"].empty());
}

// A contact replaced its delivery token (`invite --rotate`) and told us the
// new address in a message we had not received yet: the relay refuses the
// old token, so the send receives first (as inbox does) and the message
// goes out with the new address instead of waiting in the outbox.
TEST_F(AppChannelOpsTest, ASendAfterTheContactReplacedItsTokenReceivesTheNewAddressFirst) {
  Connect(*alice_, *bob_);
  auto told = alice_->RotateDeliveryToken();
  ASSERT_OK(told);
  EXPECT_EQ(*told, 1);

  auto sent = Bob(R"({"op":"send","contact":"alice","text":"after the rotation"})");
  ASSERT_OK(sent);
  EXPECT_EQ((*sent)["state"], "sent");
  EXPECT_TRUE((*Bob(R"({"op":"outbox"})"))["queued"].empty());
  // What the send received is in the timeline, as after an inbox.
  auto conversation = Bob(R"({"op":"conversation","contact":"alice"})");
  ASSERT_OK(conversation);
  bool told_line = false;
  for (const auto& m : (*conversation)["messages"]) {
    told_line = told_line || std::string(m["body"]).find("new address") != std::string::npos;
  }
  EXPECT_TRUE(told_line);

  auto received = alice_->Receive();
  ASSERT_OK(received);
  EXPECT_EQ(Bodies(*alice_, client::Direction::kIn, "bob"),
            std::vector<std::string>{"after the rotation"});
}

}  // namespace
}  // namespace backchannel::app
