#include "negotiation/agents/bid_space.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace backchannel::negotiation::internal {

BidSpace::BidSpace(const Domain& domain, const Profile& own, std::size_t max_bids,
                   std::mt19937_64& rng) {
  std::size_t count = 1;
  bool small = true;
  for (const auto& issue : domain.issues) {
    if (count > max_bids / issue.size()) {
      small = false;
      break;
    }
    count *= issue.size();
  }
  std::vector<Package> bids;
  if (small) {
    Package p(domain.issues.size(), 0);
    while (true) {
      bids.push_back(p);
      std::size_t i = p.size();
      while (i > 0 && ++p[i - 1] == domain.issues[i - 1].size()) {
        p[i - 1] = 0;
        --i;
      }
      if (i == 0) break;
    }
  } else {
    Package best;
    for (std::size_t i = 0; i < domain.issues.size(); ++i) {
      const auto& e = own.evaluations[i];
      best.push_back(static_cast<std::uint32_t>(std::max_element(e.begin(), e.end()) - e.begin()));
    }
    bids.push_back(best);
    for (std::size_t s = 0; s < max_bids; ++s) {
      Package p;
      for (const auto& issue : domain.issues) {
        p.push_back(static_cast<std::uint32_t>(
            std::uniform_int_distribution<std::size_t>(0, issue.size() - 1)(rng)));
      }
      bids.push_back(std::move(p));
    }
  }
  std::vector<double> u;
  u.reserve(bids.size());
  for (const auto& b : bids) u.push_back(own.Utility(b));
  std::vector<std::size_t> order(bids.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (u[a] != u[b]) return u[a] < u[b];
    return bids[a] > bids[b];  // the lexicographically smallest ends up last among equals
  });
  bids_.reserve(bids.size());
  utilities_.reserve(bids.size());
  for (std::size_t i : order) {
    bids_.push_back(bids[i]);
    utilities_.push_back(u[i]);
  }
}

std::size_t BidSpace::Select(double target, double window, const FrequencyModel& model) const {
  const auto lo = static_cast<std::size_t>(
      std::lower_bound(utilities_.begin(), utilities_.end(), target) - utilities_.begin());
  if (lo == utilities_.size()) return utilities_.size() - 1;
  const auto hi = static_cast<std::size_t>(
      std::upper_bound(utilities_.begin(), utilities_.end(), target + window) - utilities_.begin());
  if (hi <= lo || model.observed() == 0) return lo;
  std::size_t best = hi - 1;
  double best_value = model.Utility(bids_[best]);
  for (std::size_t i = hi - 1; i-- > lo;) {
    const double v = model.Utility(bids_[i]);
    if (v > best_value) {
      best = i;
      best_value = v;
    }
  }
  return best;
}

std::size_t BidSpace::SelectForAll(double target, double window,
                                   const std::vector<Profile>& estimates) const {
  const auto lo = static_cast<std::size_t>(
      std::lower_bound(utilities_.begin(), utilities_.end(), target) - utilities_.begin());
  if (lo == utilities_.size()) return utilities_.size() - 1;
  const auto hi = static_cast<std::size_t>(
      std::upper_bound(utilities_.begin(), utilities_.end(), target + window) - utilities_.begin());
  if (hi <= lo || estimates.empty()) return lo;
  auto worst = [&](const Package& bid) {
    double w = std::numeric_limits<double>::infinity();
    for (const Profile& e : estimates) w = std::min(w, e.Utility(bid));
    return w;
  };
  std::size_t best = hi - 1;
  double best_value = worst(bids_[best]);
  for (std::size_t i = hi - 1; i-- > lo;) {
    const double v = worst(bids_[i]);
    if (v > best_value) {
      best = i;
      best_value = v;
    }
  }
  return best;
}

}  // namespace backchannel::negotiation::internal
