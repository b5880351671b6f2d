// Properties of the ratchet under random delivery: any order within the skip
// bound decrypts every message exactly once; replays fail; the total bound on
// stored keys evicts the oldest first.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "session/session_pair.h"
#include "testing/status_matchers.h"

namespace backchannel::session {
namespace {

using ::backchannel::testing::StatusIs;

using testing::SessionPair;
using testing::Text;

TEST(RatchetPropertyTest, AnyDeliveryOrderDecryptsAndReplaysFail) {
  const unsigned seed = static_cast<unsigned>(::testing::UnitTest::GetInstance()->random_seed());
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " + std::to_string(round));
    std::mt19937 rng(seed + static_cast<unsigned>(round));
    SessionPair p;
    auto r = p.bob->Encrypt(Text("r"));
    ASSERT_TRUE(p.alice->Decrypt(*r).has_value());
    // Several turns: each side sends a burst, delivered shuffled, bursts
    // interleaved across turns.
    std::vector<std::pair<CiphertextMessage, Bytes>> to_bob;
    std::vector<std::pair<CiphertextMessage, Bytes>> to_alice;
    for (int turn = 0; turn < 4; ++turn) {
      const int n = 1 + static_cast<int>(rng() % 12);
      for (int i = 0; i < n; ++i) {
        Bytes text = Text("t" + std::to_string(turn) + "m" + std::to_string(i));
        if (turn % 2 == 0) {
          to_bob.emplace_back(*p.alice->Encrypt(text), text);
        } else {
          to_alice.emplace_back(*p.bob->Encrypt(text), text);
        }
      }
      // Deliver part of the pending messages now, the rest later.
      auto deliver = [&](auto& queue, Session& to, bool all) {
        std::shuffle(queue.begin(), queue.end(), rng);
        std::size_t k = all ? queue.size() : queue.size() / 2;
        for (std::size_t i = 0; i < k; ++i) {
          auto d = to.Decrypt(queue[i].first);
          ASSERT_TRUE(d.has_value()) << d.status();
          EXPECT_EQ(*d, queue[i].second);
          auto again = to.Decrypt(queue[i].first);
          ASSERT_FALSE(again.has_value());
          EXPECT_THAT(again, StatusIs(StatusCode::kDuplicateMessage));
        }
        queue.erase(queue.begin(), queue.begin() + static_cast<long>(k));
      };
      deliver(to_bob, *p.bob, turn == 3);
      deliver(to_alice, *p.alice, turn == 3);
    }
    EXPECT_TRUE(to_bob.empty());
    EXPECT_TRUE(to_alice.empty());
  }
}

TEST(RatchetPropertyTest, TotalBoundEvictsOldestSkippedKeys) {
  SessionOptions o;
  o.max_skip = 100;
  o.max_skipped_total = 10;
  SessionPair p(o);
  auto r = p.bob->Encrypt(Text("r"));
  ASSERT_TRUE(p.alice->Decrypt(*r).has_value());
  std::vector<CiphertextMessage> sent;
  for (int i = 0; i < 15; ++i) sent.push_back(*p.alice->Encrypt(Text(std::to_string(i))));
  // Deliver only the last: 14 keys skipped, 10 kept (counters 4..13).
  ASSERT_TRUE(p.bob->Decrypt(sent[14]).has_value());
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(p.bob->Decrypt(sent[static_cast<std::size_t>(i)]),
                StatusIs(StatusCode::kDuplicateMessage))
        << i;  // evicted: indistinguishable from a replay
  }
  for (int i = 4; i < 14; ++i) {
    auto d = p.bob->Decrypt(sent[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(d.has_value()) << i;
    EXPECT_EQ(*d, Text(std::to_string(i)));
  }
}

TEST(RatchetPropertyTest, OldChainMessagesDecryptAfterRatchetSteps) {
  SessionPair p;
  auto r = p.bob->Encrypt(Text("r"));
  ASSERT_TRUE(p.alice->Decrypt(*r).has_value());
  auto late = *p.alice->Encrypt(Text("late"));
  for (int turn = 0; turn < 3; ++turn) {  // ratchet forward without delivering `late`
    auto a = *p.alice->Encrypt(Text("a"));
    ASSERT_TRUE(p.bob->Decrypt(a).has_value());
    auto b = *p.bob->Encrypt(Text("b"));
    ASSERT_TRUE(p.alice->Decrypt(b).has_value());
  }
  auto d = p.bob->Decrypt(late);
  ASSERT_TRUE(d.has_value()) << d.status();
  EXPECT_EQ(*d, Text("late"));
}

}  // namespace
}  // namespace backchannel::session
