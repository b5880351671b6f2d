// The relay's rate limits with a clock the test drives: token buckets, the
// bounded per-key table, address groups, per-address connection counts.
#include "relay/server/rate_limit.h"

#include <gtest/gtest.h>

namespace backchannel::relay {
namespace {

LimitKey Key(std::uint8_t n) {
  LimitKey k{};
  k.fill(n);
  return k;
}

TEST(TokenBucketTest, BurstThenRate) {
  TokenBucket b({2, 3}, 0);  // 2/s, burst 3
  EXPECT_TRUE(b.Take(0));
  EXPECT_TRUE(b.Take(0));
  EXPECT_TRUE(b.Take(0));
  EXPECT_FALSE(b.Take(0));
  EXPECT_EQ(b.WaitMs(0), 500);
  EXPECT_FALSE(b.Take(499));
  EXPECT_TRUE(b.Take(500));
  EXPECT_FALSE(b.Full(500));
  EXPECT_TRUE(b.Full(2000));
  // A clock that goes back adds nothing.
  TokenBucket c({1, 1}, 1000);
  EXPECT_TRUE(c.Take(1000));
  EXPECT_FALSE(c.Take(10));
  EXPECT_FALSE(c.Take(1999));
  EXPECT_TRUE(c.Take(2000));
}

TEST(KeyedBucketsTest, EachKeyHasItsOwnBucket) {
  KeyedBuckets t({1, 2}, 100);
  EXPECT_TRUE(t.Take(Key(1), 0));
  EXPECT_TRUE(t.Take(Key(1), 0));
  EXPECT_FALSE(t.Take(Key(1), 0));
  EXPECT_TRUE(t.Take(Key(2), 0));
  EXPECT_TRUE(t.Take(Key(1), 1000));
}

TEST(KeyedBucketsTest, AFullTableForgetsOnlyRefilledKeysAndRefusesNewOnes) {
  KeyedBuckets t({1, 1}, 2);
  EXPECT_TRUE(t.Take(Key(1), 0));
  EXPECT_TRUE(t.Take(Key(2), 0));
  // Both still limited: a third key is refused, and it resets nobody.
  EXPECT_FALSE(t.Take(Key(3), 10));
  EXPECT_FALSE(t.Take(Key(1), 10));
  EXPECT_EQ(t.size(), 2u);
  // Within a second of the last sweep the table is not swept again.
  EXPECT_FALSE(t.Take(Key(3), 1005));
  // Once the buckets have refilled (and a second has passed since the last
  // sweep), they are forgotten to make room.
  EXPECT_TRUE(t.Take(Key(3), 2100));
  EXPECT_LE(t.size(), 2u);
}

TEST(AddressGroupTest, Ipv4IsWholeAndIpv6IsItsSlash64) {
  const LimitKey v4 = AddressGroupV4({192, 0, 2, 7});
  const std::array<std::uint8_t, 16> mapped = {0, 0, 0,    0,    0,   0, 0, 0,
                                               0, 0, 0xff, 0xff, 192, 0, 2, 7};
  EXPECT_EQ(AddressGroup(mapped), v4);
  EXPECT_NE(AddressGroupV4({192, 0, 2, 8}), v4);
  std::array<std::uint8_t, 16> a = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9, 9, 9};
  std::array<std::uint8_t, 16> b = a;
  b[15] = 1;  // same /64
  std::array<std::uint8_t, 16> c = a;
  c[7] = 5;  // another /64
  EXPECT_EQ(AddressGroup(a), AddressGroup(b));
  EXPECT_NE(AddressGroup(a), AddressGroup(c));
}

TEST(ConnectionCounterTest, CountsPerKeyAndForgetsAtZero) {
  ConnectionCounter c(2);
  EXPECT_TRUE(c.Open(Key(1)));
  EXPECT_TRUE(c.Open(Key(1)));
  EXPECT_FALSE(c.Open(Key(1)));
  EXPECT_TRUE(c.Open(Key(2)));
  EXPECT_EQ(c.Count(Key(1)), 2u);
  c.Close(Key(1));
  EXPECT_TRUE(c.Open(Key(1)));
  c.Close(Key(2));
  c.Close(Key(2));  // an extra close is harmless
  EXPECT_EQ(c.Count(Key(2)), 0u);
}

}  // namespace
}  // namespace backchannel::relay
