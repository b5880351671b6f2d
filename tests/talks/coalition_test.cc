// Coalition sides (talks/coalition.h): the side a credential seats its holder
// on, and the check every member makes of a seat it can see; plus the codec
// of the definition's binding (omitted when empty, strict when present).
#include "backchannel/talks/coalition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "talks/talks_fixture.h"
#include "testing/status_matchers.h"

namespace backchannel::talks {
namespace {

using ::backchannel::testing::StatusIs;

// An authority key of 32 equal bytes: 0xaa… travels as "aaaa…".
AuthorityPublicKey KeyOfBytes(std::uint8_t b) {
  AuthorityPublicKey::Array bytes;
  bytes.fill(b);
  return AuthorityPublicKey(bytes);
}

const AuthorityPublicKey kFrance = KeyOfBytes(0xaa);
const AuthorityPublicKey kGermany = KeyOfBytes(0xbb);
const AuthorityPublicKey kUk = KeyOfBytes(0xcc);
const AuthorityPublicKey kIranKey = KeyOfBytes(0xdd);

Definition E3Talks() {
  Definition d;
  d.sides = {"E3", "Iran"};
  d.side_authorities = {{"E3", {kFrance, kGermany, kUk}}};
  return d;
}

TEST(CoalitionTest, EachBoundAuthoritySeatsOnTheCoalitionSide) {
  const Definition d = E3Talks();
  EXPECT_EQ(*SeatSide(d, kFrance, "France"), "E3");
  EXPECT_EQ(*SeatSide(d, kGermany, "Germany"), "E3");
  EXPECT_EQ(*SeatSide(d, kUk, "E3"), "E3");
  // An unbound side is its credential side's, as without coalitions.
  EXPECT_EQ(*SeatSide(d, kIranKey, "Iran"), "Iran");
}

TEST(CoalitionTest, AnotherAuthorityCannotClaimTheCoalitionSide) {
  // A credential that says "E3" from an authority the talks do not bind.
  EXPECT_THAT(SeatSide(E3Talks(), kIranKey, "E3"), StatusIs(StatusCode::kUntrusted));
  Definition twice = E3Talks();
  twice.side_authorities["Iran"] = {kFrance};
  EXPECT_THAT(SeatSide(twice, kFrance, "France"), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CoalitionTest, EveryMemberChecksTheSeatsItCanSee) {
  const Definition d = E3Talks();
  const Member araud{sim::MemberId(20), "Araud", "E3", Role::kEnvoy};
  EXPECT_OK(CheckSeat(d, araud, kFrance, "France"));
  Member berlin{sim::MemberId(21), "Berlin", "E3", Role::kPrincipal};
  EXPECT_OK(CheckSeat(d, berlin, kGermany, "Germany"));
  // Seated on the wrong side by the host: refused, naming who and where.
  berlin.side = "Iran";
  Status wrong = CheckSeat(d, berlin, kGermany, "Germany");
  EXPECT_THAT(wrong, StatusIs(StatusCode::kUntrusted));
  EXPECT_THAT(std::string(wrong.message()), ::testing::HasSubstr("Berlin"));
  // A stranger on the coalition side.
  const Member stranger{sim::MemberId(22), "Stranger", "E3", Role::kEnvoy};
  EXPECT_THAT(CheckSeat(d, stranger, kIranKey, "Iran"), StatusIs(StatusCode::kUntrusted));
  // Without bindings the seat must still be the credential's side.
  Definition plain = d;
  plain.side_authorities.clear();
  EXPECT_THAT(CheckSeat(plain, araud, kFrance, "France"), StatusIs(StatusCode::kUntrusted));
  // Members without a side pass whatever their credential.
  EXPECT_OK(
      CheckSeat(d, Member{sim::MemberId(23), "Grossi", "", Role::kMediator}, kIranKey, "IAEA"));
}

Message DefinitionMessage(const Definition& d) {
  Message m;
  m.body = d;
  m.talks = "vienna";
  m.mid = "create";
  m.from = sim::MemberId(1);
  m.scope = sim::Direct(sim::MemberId(1));
  sim::Body<Message::Definition>(m).title = "JCPOA";
  sim::Body<Message::Definition>(m).agenda = "{}";
  sim::Body<Message::Definition>(m).host = sim::MemberId(1);
  sim::Body<Message::Definition>(m).members = {
      Member{sim::MemberId(1), "Ashton", "", Role::kMediator}};
  return m;
}

TEST(CoalitionTest, TheBindingTravelsInTheDefinitionOnlyWhenThereIsOne) {
  const Message bound = DefinitionMessage(E3Talks());
  const Bytes bytes = EncodeMessage(bound);
  auto back = DecodeMessage(bytes);
  ASSERT_OK(back);
  EXPECT_EQ(sim::Body<Message::Definition>(*back).side_authorities, E3Talks().side_authorities);
  Definition none = E3Talks();
  none.side_authorities.clear();
  const Bytes plain = EncodeMessage(DefinitionMessage(none));
  EXPECT_EQ(std::string(plain.begin(), plain.end()).find("side_authorities"), std::string::npos);
  // On the wire each key is its 64 lower-case hex digits.
  EXPECT_THAT(
      std::string(bytes.begin(), bytes.end()),
      ::testing::HasSubstr(R"("E3":[")" + std::string(64, 'a') + R"(",")" + std::string(64, 'b') +
                           R"(",")" + std::string(64, 'c') + R"("])"));

  auto refused = [&](const std::function<void(nlohmann::ordered_json&)>& edit) {
    auto j = nlohmann::ordered_json::parse(bytes.begin(), bytes.end());
    edit(j["definition"]["side_authorities"]);
    const std::string text = j.dump();
    return DecodeMessage(Bytes(text.begin(), text.end())).status();
  };
  EXPECT_THAT(refused([](auto& b) { b = nlohmann::ordered_json::array(); }),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(refused([](auto& b) { b["E3"] = nlohmann::ordered_json::array(); }),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(refused([](auto& b) { b["E3"][0] = "not hex"; }),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(refused([](auto& b) { b["E3"][0] = std::string(64, 'A'); }),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(refused([](auto& b) { b["E3"][1] = b["E3"][0]; }),
              StatusIs(StatusCode::kInvalidMessage));
  // A key one byte short or long, or not a string: named at its JSON path.
  const Status short_key = refused([](auto& b) { b["E3"][1] = std::string(62, 'a'); });
  EXPECT_THAT(short_key, StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(std::string(short_key.message()), ::testing::HasSubstr("side_authorities.E3[1]"));
  EXPECT_THAT(refused([](auto& b) { b["E3"][2] = std::string(66, 'a'); }),
              StatusIs(StatusCode::kInvalidMessage));
  const Status number = refused([](auto& b) { b["E3"][2] = 7; });
  EXPECT_THAT(std::string(number.message()), ::testing::HasSubstr("side_authorities.E3[2]"));
}

TEST(CoalitionTest, TheFoldRefusesABindingOfAnUnknownSide) {
  Definition d = sim::Talks().TableDefinition();
  d.side_authorities = {{"E3", {kFrance}}};
  EXPECT_THAT(TalksState::Create(sim::kTalksId, d, d.host).status(),
              StatusIs(StatusCode::kInvalidArgument));
  d.side_authorities = {{sim::kUs, {kFrance}}};
  EXPECT_OK(TalksState::Create(sim::kTalksId, d, d.host).status());
}

}  // namespace
}  // namespace backchannel::talks
