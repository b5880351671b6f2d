// The introduction messages' codec (talks/introduction.h): round trips, and
// every malformed field refused whole, naming the field.
#include "backchannel/talks/introduction.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/status_matchers.h"

namespace backchannel::talks {
namespace {

using ::backchannel::testing::StatusIs;

const std::string kA = "05" + std::string(64, 'a');
const std::string kB = "05" + std::string(64, '1');

IntroductionMessage Cards() {
  IntroductionMessage m;
  m.type = IntroductionMessage::Type::kCards;
  m.talks = "geneva";
  m.cards = {{kA, "bc1-abc"}, {kB, "bc1-def"}};
  return m;
}

IntroductionMessage Intro() {
  IntroductionMessage m;
  m.type = IntroductionMessage::Type::kIntroduction;
  m.talks = "geneva";
  m.member = kA;
  m.name = "Zarif";
  m.invitation = "bc1-abc";
  m.credential = {1, 2, 3};
  return m;
}

Result<IntroductionMessage> Decode(const std::string& text) {
  return DecodeIntroduction(AsBytes(text));
}

TEST(IntroductionTest, RoundTrips) {
  for (const auto& m : {Cards(), Intro()}) {
    auto back = DecodeIntroduction(EncodeIntroduction(m));
    ASSERT_TRUE(back.has_value()) << back.status();
    EXPECT_EQ(*back, m);
  }
}

TEST(IntroductionTest, RefusesMalformedFieldsNamingThem) {
  const std::string cards = R"({"v":1,"type":"cards","talks":"geneva","cards":[)";
  struct Case {
    std::string text;
    std::string field;
  };
  const Case cases[] = {
      {"[]", "not a JSON object"},
      {R"({"type":"cards"})", "introduction.v"},
      {cards + "]}", "introduction.cards must hold"},
      {cards + R"({"member":"05ab","invitation":"bc1-x"}]})", "introduction.cards[0].member"},
      {cards + R"({"member":")" + kA + R"(","invitation":"bc1 x"}]})",
       "introduction.cards[0].invitation"},
      {cards + R"({"member":")" + kA + R"(","invitation":"a"},{"member":")" + kA +
           R"(","invitation":"b"}]})",
       "named twice"},
      {cards + R"({"member":")" + kA + R"(","invitation":"a","x":1}]})", "cards[0].x"},
      {R"({"v":1,"type":"introduction","talks":"g","member":")" + kA +
           R"(","name":"Z","invitation":"bc1-x","credential":"!!"})",
       "introduction.credential"},
      {R"({"v":1,"type":"introduction","talks":"g","member":")" + kA +
           R"(","name":"Z\u0007","invitation":"bc1-x","credential":"AQID"})",
       "introduction.name has control characters"},
      {R"({"v":1,"type":"hello","talks":"g"})", "introduction.type"},
  };
  for (const auto& c : cases) {
    auto m = Decode(c.text);
    ASSERT_FALSE(m.has_value()) << c.text;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidMessage) << c.text;
    EXPECT_NE(std::string(m.status().message()).find(c.field), std::string::npos)
        << m.status() << " for " << c.text;
  }
  EXPECT_THAT(Decode(R"({"v":2,"type":"cards","talks":"g","cards":[]})"),
              StatusIs(StatusCode::kUnsupportedVersion));
}

TEST(IntroductionTest, OneOfEachPairMakesTheCard) {
  EXPECT_TRUE(MakesCardFor(kA, kB));
  EXPECT_FALSE(MakesCardFor(kB, kA));
  EXPECT_FALSE(MakesCardFor(kA, kA));
}

TEST(IntroductionTest, AnIntroductionMustMatchTheRostersSeat) {
  const Member envoy{kA, "Crocker", "United States", Role::kEnvoy};
  EXPECT_TRUE(CheckIntroducedSeat(envoy, "Crocker", "envoy").ok());
  // Another role than the seat's.
  Status s = CheckIntroducedSeat(envoy, "Crocker", "mediator");
  EXPECT_EQ(s.code(), StatusCode::kUntrusted);
  EXPECT_EQ(std::string(s.message()),
            "an introduction of Crocker with a credential for a mediator, but the roster seats "
            "Crocker as an envoy");
  EXPECT_EQ(CheckIntroducedSeat(envoy, "Crocker", "track2").code(), StatusCode::kUntrusted);
  EXPECT_EQ(CheckIntroducedSeat(envoy, "Crocker", "principal").code(), StatusCode::kUntrusted);
  EXPECT_EQ(CheckIntroducedSeat(envoy, "Crocker", "").code(), StatusCode::kUntrusted);
  // Another name than the seat's.
  s = CheckIntroducedSeat(envoy, "Somebody", "envoy");
  EXPECT_EQ(s.code(), StatusCode::kUntrusted);
  EXPECT_NE(std::string(s.message()).find("under another name ('Somebody')"), std::string::npos);
  // A Track 2 participant needs a track2 credential; an envoy's is not one.
  const Member track2{kB, "Pugwash", "", Role::kTrack2};
  EXPECT_TRUE(CheckIntroducedSeat(track2, "Pugwash", "track2").ok());
  s = CheckIntroducedSeat(track2, "Pugwash", "envoy");
  EXPECT_EQ(s.code(), StatusCode::kUntrusted);
  EXPECT_NE(std::string(s.message()).find("as a track2 participant"), std::string::npos) << s;
  // Any role may sit as a guarantor.
  const Member icrc{kB, "ICRC", "", Role::kGuarantor};
  EXPECT_TRUE(CheckIntroducedSeat(icrc, "ICRC", "mediator").ok());
  EXPECT_TRUE(CheckIntroducedSeat(icrc, "ICRC", "envoy").ok());
  // A principal's seat needs a principal's credential.
  const Member state{kB, "State", "United States", Role::kPrincipal};
  EXPECT_TRUE(CheckIntroducedSeat(state, "State", "principal").ok());
  EXPECT_EQ(CheckIntroducedSeat(state, "State", "envoy").code(), StatusCode::kUntrusted);
}

}  // namespace
}  // namespace backchannel::talks
