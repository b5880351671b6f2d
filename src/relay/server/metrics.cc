#include "backchannel/relay/metrics.h"

#include <cstdio>
#include <sstream>

namespace backchannel::relay {

void Metrics::Reject(std::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rejected_.find(reason);
  if (it == rejected_.end()) it = rejected_.emplace(std::string(reason), 0).first;
  ++it->second;
}

std::uint64_t Metrics::Rejected(std::string_view reason) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = rejected_.find(reason);
  return it == rejected_.end() ? 0 : it->second;
}

void Metrics::ObserveStoreLatency(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
  ++latency_count_;
  latency_sum_ += seconds;
}

std::string Metrics::Render() const {
  std::ostringstream o;
  auto gauge = [&](const char* name, const char* help, std::int64_t v) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n"
      << name << ' ' << v << '\n';
  };
  auto counter = [&](const char* name, const char* help, std::uint64_t v) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n"
      << name << ' ' << v << '\n';
  };
  gauge("bc_connections", "Open client connections.", connections.load());
  gauge("bc_messages_queued", "Messages queued in all mailboxes.", queued.load());
  counter("bc_messages_accepted_total", "Messages made durable.", accepted.load());
  counter("bc_messages_delivered_total", "Messages pushed over WebSocket.", delivered.load());
  counter("bc_messages_acked_total", "Messages acknowledged and deleted.", acked.load());
  counter("bc_messages_expired_total", "Messages deleted by the TTL.", expired.load());
  counter("bc_internal_errors_total", "Exceptions caught by the I/O threads' last-resort handler.",
          internal_errors.load());
  std::lock_guard<std::mutex> lock(mu_);
  o << "# HELP bc_requests_rejected_total Refused requests by reason.\n"
       "# TYPE bc_requests_rejected_total counter\n";
  for (const auto& [reason, n] : rejected_) {
    o << "bc_requests_rejected_total{reason=\"" << reason << "\"} " << n << '\n';
  }
  o << "# HELP bc_store_latency_seconds Store call latency.\n"
       "# TYPE bc_store_latency_seconds histogram\n";
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    char le[32];
    std::snprintf(le, sizeof le, "%g", kBuckets[i]);
    o << "bc_store_latency_seconds_bucket{le=\"" << le << "\"} " << bucket_counts_[i] << '\n';
  }
  o << "bc_store_latency_seconds_bucket{le=\"+Inf\"} " << latency_count_ << '\n';
  o << "bc_store_latency_seconds_sum " << latency_sum_ << '\n';
  o << "bc_store_latency_seconds_count " << latency_count_ << '\n';
  return o.str();
}

}  // namespace backchannel::relay
