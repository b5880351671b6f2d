// The feeler message codec (message.h): canonical round trips, and every
// malformed input refused with a specific error. With BC_FEELERS_CORPUS=<dir>
// set, the full-run test writes the fuzzers' seeds: <dir>/feelers_offer/,
// feelers_response/, feelers_finish/ (the wire), feelers_state/ (the sealed
// state's plaintext at each step) and feelers_budget/.
#include "backchannel/feelers/message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "feelers/exchange_harness.h"
#include "testing/status_matchers.h"

namespace backchannel::feelers {
namespace {

using ::backchannel::testing::StatusIs;
using ::testing::HasSubstr;
using testing::Side;
using testing::TopicBytes;

constexpr std::int64_t kNow = 1'800'000'000;

struct Transcript {
  std::vector<Bytes> wire;
  std::vector<Bytes> states;
  Bytes budget;
  Bytes bob_state;  // Bob's stored state at the end (Alice's unshared topic must not be in it)
};

Transcript FullRun() {
  Side a("alice", 0xa1, 0xb0, TopicBytes({"oil exports", "prisoner swap"}));
  Side b("bob", 0xb0, 0xa1, TopicBytes({"prisoner swap"}));
  Transcript run;
  EXPECT_OK(a.Start(kNow));
  while (!a.outbox.empty() || !b.outbox.empty()) {
    Side& from = a.outbox.empty() ? b : a;
    Side& to = &from == &a ? b : a;
    Bytes m = from.outbox.front();
    from.outbox.pop_front();
    run.wire.push_back(m);
    EXPECT_OK(to.Deliver(m, kNow));
    run.states.push_back(to.x->Encode().ExposeCopy());
  }
  EXPECT_EQ(a.x->phase(), Phase::kDone);
  run.budget = a.budget.Encode();
  run.bob_state = b.x->Encode().ExposeCopy();
  return run;
}

TEST(FeelerMessageTest, EveryMessageOfARunRoundTripsCanonically) {
  const Transcript run = FullRun();
  ASSERT_EQ(run.wire.size(), 6u);
  std::map<MessageType, int> types;
  for (const Bytes& b : run.wire) {
    auto t = PeekMessageType(b);
    ASSERT_OK(t);
    ++types[*t];
    switch (*t) {
      case MessageType::kOffer:
        EXPECT_EQ(EncodeOffer(DecodeOffer(b).value()), b);
        break;
      case MessageType::kResponse:
        EXPECT_EQ(EncodeResponse(DecodeResponse(b).value()), b);
        break;
      case MessageType::kFinish:
        EXPECT_EQ(EncodeFinish(DecodeFinish(b).value()), b);
        break;
    }
  }
  EXPECT_EQ(types[MessageType::kOffer], 2);
  EXPECT_EQ(types[MessageType::kResponse], 2);
  EXPECT_EQ(types[MessageType::kFinish], 2);
  // No topic's text appears in anything that crosses the wire, or in what
  // the counterpart stores (its state holds only its own topics).
  for (const Bytes& b : run.wire) {
    for (std::string_view topic : {"oil exports", "prisoner swap"}) {
      EXPECT_EQ(AsString(b).find(topic), std::string_view::npos);
    }
  }
  EXPECT_EQ(AsString(run.bob_state).find("oil exports"), std::string_view::npos);
  // Sizes are fixed by k: nothing in them depends on how many topics are real.
  EXPECT_EQ(run.wire[2].size(), 2u + 32 + 32 + 1 + 8 * 32);
  EXPECT_EQ(run.wire[4].size(), 2u + 32 + 1 + 8 * 32 + 64);

  const char* dir = std::getenv("BC_FEELERS_CORPUS");
  if (dir == nullptr) return;
  namespace fs = std::filesystem;
  auto write = [](const fs::path& path, ByteView bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << AsString(bytes);
  };
  const char* names[] = {"", "feelers_offer", "feelers_response", "feelers_finish"};
  std::map<MessageType, int> n;
  for (const Bytes& b : run.wire) {
    const MessageType t = PeekMessageType(b).value();
    write(fs::path(dir) / names[static_cast<int>(t)] / ("run-" + std::to_string(++n[t]) + ".bin"),
          b);
  }
  for (std::size_t i = 0; i < run.states.size(); ++i) {
    write(fs::path(dir) / "feelers_state" / ("step-" + std::to_string(i + 1) + ".bin"),
          run.states[i]);
  }
  write(fs::path(dir) / "feelers_budget" / "one-contact.bin", run.budget);
}

TEST(FeelerMessageTest, MalformedOffersAreRefusedWithTheReason) {
  Offer o;
  o.nonce.fill(3);
  const Bytes good = EncodeOffer(o);
  ASSERT_OK(DecodeOffer(good));
  auto with = [&](std::size_t at, std::uint8_t v) {
    Bytes b = good;
    b[at] = v;
    return DecodeOffer(b);
  };
  EXPECT_THAT(DecodeOffer({}), StatusIs(StatusCode::kInvalidMessage, HasSubstr("empty")));
  EXPECT_THAT(with(0, 2), StatusIs(StatusCode::kUnsupportedVersion));
  EXPECT_THAT(with(1, 2), StatusIs(StatusCode::kInvalidMessage, HasSubstr("type")));
  EXPECT_THAT(with(2, 9), StatusIs(StatusCode::kInvalidMessage, HasSubstr("domain")));
  EXPECT_THAT(with(3, 3), StatusIs(StatusCode::kInvalidMessage, HasSubstr("variant")));
  EXPECT_THAT(with(4, 12), StatusIs(StatusCode::kInvalidMessage, HasSubstr("k is not")));
  EXPECT_THAT(with(good.size() - 1, 2),
              StatusIs(StatusCode::kInvalidMessage, HasSubstr("answer flag")));
  Bytes zero = good;
  std::fill(zero.begin() + 5, zero.begin() + 37, 0);
  EXPECT_THAT(DecodeOffer(zero), StatusIs(StatusCode::kInvalidMessage, HasSubstr("zero nonce")));
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_THAT(DecodeOffer(trailing), StatusIs(StatusCode::kInvalidMessage, HasSubstr("trailing")));
  EXPECT_THAT(DecodeOffer(ByteView(good).first(20)),
              StatusIs(StatusCode::kInvalidMessage, HasSubstr("truncated")));
}

TEST(FeelerMessageTest, MalformedResponsesAndFinishesAreRefusedWithTheReason) {
  const Transcript run = FullRun();
  const Bytes response = run.wire[2];
  const Bytes finish = run.wire[4];
  ASSERT_OK(DecodeResponse(response));
  ASSERT_OK(DecodeFinish(finish));
  EXPECT_THAT(DecodeResponse(finish), StatusIs(StatusCode::kInvalidMessage, HasSubstr("type")));
  Bytes b = response;
  std::fill(b.begin() + 34, b.begin() + 66, 0);  // the public key: identity
  EXPECT_THAT(DecodeResponse(b), StatusIs(StatusCode::kInvalidMessage, HasSubstr("public key")));
  b = response;
  b[66] = 16;  // count says 16, 8 follow
  EXPECT_THAT(DecodeResponse(b), StatusIs(StatusCode::kInvalidMessage, HasSubstr("truncated")));
  b = response;
  b[66] = 7;
  EXPECT_THAT(DecodeResponse(b), StatusIs(StatusCode::kInvalidMessage, HasSubstr("8, 16, 32")));
  b = response;
  std::copy(b.begin() + 67, b.begin() + 99, b.begin() + 99);  // element 1 = element 0
  EXPECT_THAT(DecodeResponse(b), StatusIs(StatusCode::kInvalidMessage, HasSubstr("duplicate")));
  b = response;
  std::fill(b.begin() + 67 + 32 * 3, b.begin() + 67 + 32 * 4, 0xff);
  b[67 + 32 * 4 - 1] = 0x7f;  // non-canonical encoding
  EXPECT_THAT(DecodeResponse(b), StatusIs(StatusCode::kInvalidMessage, HasSubstr("canonical")));
  b = response;
  b.push_back(1);
  EXPECT_THAT(DecodeResponse(b), StatusIs(StatusCode::kInvalidMessage, HasSubstr("trailing")));
  // Finish: a proof scalar at or above the group order.
  b = finish;
  std::fill(b.end() - 32, b.end(), 0xff);
  EXPECT_THAT(DecodeFinish(b),
              StatusIs(StatusCode::kInvalidMessage, HasSubstr("non-canonical proof")));
  EXPECT_THAT(DecodeFinish(ByteView(finish).first(finish.size() - 1)),
              StatusIs(StatusCode::kInvalidMessage, HasSubstr("truncated")));
  EXPECT_THAT(PeekMessageType(Bytes{1, 4}), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(PeekMessageType(Bytes{7, 1}), StatusIs(StatusCode::kUnsupportedVersion));
}

}  // namespace
}  // namespace backchannel::feelers
