// Rate limits the relay applies to peers it cannot trust: a token bucket, and
// a bounded table of buckets keyed by a 16-byte value (a client address group
// or a mailbox id). Time is passed in (milliseconds on any monotonic scale),
// so tests drive it without sleeping.
//
// Thread safety: TokenBucket is not synchronized; KeyedBuckets is (one mutex).
#ifndef BACKCHANNEL_RELAY_SERVER_RATE_LIMIT_H_
#define BACKCHANNEL_RELAY_SERVER_RATE_LIMIT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include "backchannel/relay/limits.h"

namespace backchannel::relay {

class TokenBucket {
 public:
  TokenBucket(RateLimit limit, std::int64_t now_ms);
  // Takes one token; false (nothing taken) when none is left.
  bool Take(std::int64_t now_ms);
  // Milliseconds until a token is available (0: one is available now).
  std::int64_t WaitMs(std::int64_t now_ms);
  // True when the bucket is full at `now_ms`: forgetting it changes nothing.
  bool Full(std::int64_t now_ms) const;

 private:
  void Refill(std::int64_t now_ms);
  RateLimit limit_;
  double tokens_;
  std::int64_t last_ms_;
};

using LimitKey = std::array<std::uint8_t, 16>;

// A token bucket per key, at most `max_keys` of them. Keys whose bucket has
// refilled are forgotten when room is needed (which changes no decision);
// when every tracked key is still limited, a new key is refused, so a flood
// of keys costs bounded memory and cannot reset anyone's bucket.
class KeyedBuckets {
 public:
  KeyedBuckets(RateLimit limit, std::size_t max_keys);
  bool Take(const LimitKey& key, std::int64_t now_ms);
  std::size_t size() const;

 private:
  // A full table is swept at most this often, so a flood of new keys cannot
  // make every refusal an O(max_keys) scan.
  static constexpr std::int64_t kSweepIntervalMs = 1000;
  RateLimit limit_;
  std::size_t max_keys_;
  mutable std::mutex mu_;
  std::map<LimitKey, TokenBucket> buckets_;    // guarded by mu_
  std::optional<std::int64_t> last_sweep_ms_;  // guarded by mu_
};

// The unit the per-address limits count: an IPv4 address (stored as an
// IPv4-mapped IPv6 address), or the /64 prefix of an IPv6 address, which is
// what one subscriber or one host usually holds.
LimitKey AddressGroup(const std::array<std::uint8_t, 16>& ipv6);
LimitKey AddressGroupV4(const std::array<std::uint8_t, 4>& ipv4);

// Open connections per address group, at most `max_per_key` each. Entries
// exist only while connections are open, so the table is bounded by the
// server's own connection limit.
class ConnectionCounter {
 public:
  explicit ConnectionCounter(std::size_t max_per_key) : max_per_key_(max_per_key) {}
  // Counts a connection; false (nothing counted) when the group is at its
  // limit.
  bool Open(const LimitKey& key);
  void Close(const LimitKey& key);
  std::size_t Count(const LimitKey& key) const;

 private:
  std::size_t max_per_key_;
  mutable std::mutex mu_;
  std::map<LimitKey, std::size_t> open_;  // guarded by mu_
};

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_SERVER_RATE_LIMIT_H_
