// Relay metrics in Prometheus text format (docs/relay-api.md, "Metrics").
//
// Counters and gauges are atomics; the rejection counters by reason and the
// store-latency histogram are guarded by one mutex.
// Thread safety: every method is safe to call concurrently.
#ifndef BACKCHANNEL_RELAY_METRICS_H_
#define BACKCHANNEL_RELAY_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace backchannel::relay {

class Metrics {
 public:
  std::atomic<std::int64_t> connections{0};
  // Queued messages: the store's count at start, then + accepted - acked -
  // expired.
  std::atomic<std::int64_t> queued{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> acked{0};
  std::atomic<std::uint64_t> expired{0};
  // Exceptions caught by the I/O threads' last-resort handler (each a bug).
  std::atomic<std::uint64_t> internal_errors{0};

  void Reject(std::string_view reason);
  std::uint64_t Rejected(std::string_view reason) const;
  // Records one store call that took `seconds`.
  void ObserveStoreLatency(double seconds);

  // The whole exposition, "text/plain; version=0.0.4".
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,   0.1,   0.25,   0.5,   1.0};
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t, std::less<>> rejected_;  // guarded by mu_
  std::array<std::uint64_t, kBuckets.size()> bucket_counts_{};  // guarded by mu_
  std::uint64_t latency_count_ = 0;                             // guarded by mu_
  double latency_sum_ = 0;                                      // guarded by mu_
};

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_METRICS_H_
