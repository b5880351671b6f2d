#include "relay/server/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace backchannel::relay {

TokenBucket::TokenBucket(RateLimit limit, std::int64_t now_ms)
    : limit_(limit), tokens_(limit.burst), last_ms_(now_ms) {}

void TokenBucket::Refill(std::int64_t now_ms) {
  if (now_ms <= last_ms_) return;  // a clock that went back adds nothing
  tokens_ = std::min(limit_.burst,
                     tokens_ + limit_.per_second * static_cast<double>(now_ms - last_ms_) / 1000);
  last_ms_ = now_ms;
}

bool TokenBucket::Take(std::int64_t now_ms) {
  Refill(now_ms);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

std::int64_t TokenBucket::WaitMs(std::int64_t now_ms) {
  Refill(now_ms);
  if (tokens_ >= 1 || limit_.per_second <= 0) return tokens_ >= 1 ? 0 : INT64_MAX;
  return static_cast<std::int64_t>(std::ceil((1 - tokens_) * 1000 / limit_.per_second));
}

bool TokenBucket::Full(std::int64_t now_ms) const {
  const double elapsed = now_ms > last_ms_ ? static_cast<double>(now_ms - last_ms_) : 0;
  return tokens_ + limit_.per_second * elapsed / 1000 >= limit_.burst;
}

KeyedBuckets::KeyedBuckets(RateLimit limit, std::size_t max_keys)
    : limit_(limit), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

bool KeyedBuckets::Take(const LimitKey& key, std::int64_t now_ms) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      if (last_sweep_ms_ && now_ms - *last_sweep_ms_ < kSweepIntervalMs) return false;
      last_sweep_ms_ = now_ms;
      std::erase_if(buckets_, [&](auto& kv) { return kv.second.Full(now_ms); });
      if (buckets_.size() >= max_keys_) return false;
    }
    it = buckets_.emplace(key, TokenBucket(limit_, now_ms)).first;
  }
  return it->second.Take(now_ms);
}

std::size_t KeyedBuckets::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return buckets_.size();
}

LimitKey AddressGroup(const std::array<std::uint8_t, 16>& ipv6) {
  static constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0,    0,
                                                                 0, 0, 0, 0, 0xff, 0xff};
  LimitKey key = ipv6;
  if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), ipv6.begin())) return key;
  std::fill(key.begin() + 8, key.end(), 0);  // the /64
  return key;
}

LimitKey AddressGroupV4(const std::array<std::uint8_t, 4>& ipv4) {
  LimitKey key{};
  key[10] = 0xff;
  key[11] = 0xff;
  std::copy(ipv4.begin(), ipv4.end(), key.begin() + 12);
  return key;
}

bool ConnectionCounter::Open(const LimitKey& key) {
  std::lock_guard<std::mutex> l(mu_);
  std::size_t& n = open_[key];
  if (n >= max_per_key_) {
    if (n == 0) open_.erase(key);
    return false;
  }
  ++n;
  return true;
}

void ConnectionCounter::Close(const LimitKey& key) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = open_.find(key);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

std::size_t ConnectionCounter::Count(const LimitKey& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = open_.find(key);
  return it == open_.end() ? 0 : it->second;
}

}  // namespace backchannel::relay
