#include "negotiation/analysis/zopa.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>

#include "negotiation/analysis/big_count.h"
#include "negotiation/analysis/common.h"

namespace backchannel::negotiation::internal {
namespace {

class Counter {
 public:
  Counter(const Domain& domain, const std::vector<Profile>& profiles, std::uint64_t max_nodes)
      : k_(profiles.size()), max_nodes_(max_nodes) {
    const std::size_t n = domain.issues.size();
    // Issues with the widest utility ranges first: their choice decides the
    // most, so subtrees collapse earlier.
    std::vector<double> range(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (const auto& p : profiles) {
        const auto [lo, hi] = std::minmax_element(p.evaluations[i].begin(), p.evaluations[i].end());
        range[i] += p.weights[i] * (*hi - *lo);
      }
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return range[a] > range[b]; });
    terms_.resize(n);
    for (std::size_t l = 0; l < n; ++l) {
      const std::size_t i = order[l];
      const std::size_t m = domain.issues[i].size();
      terms_[l].resize(m * k_);
      for (std::size_t o = 0; o < m; ++o) {
        for (std::size_t s = 0; s < k_; ++s) {
          terms_[l][o * k_ + s] = profiles[s].IssueUtility(i, static_cast<std::uint32_t>(o));
        }
      }
    }
    suffix_min_.assign((n + 1) * k_, 0.0);
    suffix_max_.assign((n + 1) * k_, 0.0);
    suffix_count_.assign(n + 1, BigCount(1));
    suffix_small_.assign(n + 1, std::uint64_t{1});
    for (std::size_t l = n; l-- > 0;) {
      const std::size_t m = terms_[l].size() / k_;
      for (std::size_t s = 0; s < k_; ++s) {
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        for (std::size_t o = 0; o < m; ++o) {
          lo = std::min(lo, terms_[l][o * k_ + s]);
          hi = std::max(hi, terms_[l][o * k_ + s]);
        }
        suffix_min_[l * k_ + s] = suffix_min_[(l + 1) * k_ + s] + lo;
        suffix_max_[l * k_ + s] = suffix_max_[(l + 1) * k_ + s] + hi;
      }
      suffix_count_[l] = suffix_count_[l + 1];
      suffix_count_[l].MultiplySmall(m);
      const auto& next = suffix_small_[l + 1];
      suffix_small_[l] = next.has_value() && *next <= kSmallLimit / m
                             ? std::optional<std::uint64_t>(*next * m)
                             : std::nullopt;
    }
    for (const auto& p : profiles) thresholds_.push_back(p.reservation - kUtilityEpsilon);
  }

  Result<ZopaCount> Run() {
    stack_.assign((terms_.size() + 1) * k_, 0.0);
    const bool complete = Visit(0);
    total_.Add(small_);
    out_.Add(out_small_);
    ZopaCount r;
    r.complete = complete;
    r.nodes = nodes_;
    r.lower = total_.ToString();
    BigCount upper = suffix_count_[0];
    upper.Subtract(out_);
    r.upper = upper.ToString();
    if (complete) r.count = r.lower;
    return r;
  }

 private:
  static constexpr std::uint64_t kSmallLimit = std::uint64_t{1} << 60;

  static void AddTo(BigCount& big, std::uint64_t& small, std::uint64_t v) {
    if (small > kSmallLimit - v) {
      big.Add(small);
      small = 0;
    }
    small += v;
  }
  void AddSmall(std::uint64_t v) { AddTo(total_, small_, v); }
  void AddOut(std::size_t l) {
    if (suffix_small_[l].has_value()) {
      AddTo(out_, out_small_, *suffix_small_[l]);
    } else {
      out_.Add(suffix_count_[l]);
    }
  }

  // Counts the completions of the partial package whose utilities are at
  // stack_[l * k_ ...] from level `l` on; false when the node budget ran out.
  bool Visit(std::size_t l) {
    if (++nodes_ > max_nodes_) return false;
    const double* partial = &stack_[l * k_];
    bool all_in = true;
    for (std::size_t s = 0; s < k_; ++s) {
      if (partial[s] + suffix_max_[l * k_ + s] < thresholds_[s]) {  // all out
        AddOut(l);
        return true;
      }
      if (partial[s] + suffix_min_[l * k_ + s] < thresholds_[s]) all_in = false;
    }
    if (all_in) {
      if (suffix_small_[l].has_value()) {
        AddSmall(*suffix_small_[l]);
      } else {
        total_.Add(suffix_count_[l]);
      }
      return true;
    }
    const std::vector<double>& t = terms_[l];
    const std::size_t m = t.size() / k_;
    if (l + 1 == terms_.size()) {  // last issue: count the options directly
      std::uint64_t c = 0;
      for (std::size_t o = 0; o < m; ++o) {
        bool in = true;
        for (std::size_t s = 0; s < k_ && in; ++s)
          in = partial[s] + t[o * k_ + s] >= thresholds_[s];
        c += in ? 1 : 0;
      }
      AddSmall(c);
      AddTo(out_, out_small_, m - c);
      return true;
    }
    for (std::size_t o = 0; o < m; ++o) {
      for (std::size_t s = 0; s < k_; ++s) stack_[(l + 1) * k_ + s] = partial[s] + t[o * k_ + s];
      if (!Visit(l + 1)) return false;
    }
    return true;
  }

  std::size_t k_;
  std::uint64_t max_nodes_;
  std::uint64_t nodes_ = 0;
  std::vector<std::vector<double>> terms_;  // per level: m x k issue terms
  std::vector<double> suffix_min_;          // (levels + 1) x k
  std::vector<double> suffix_max_;
  std::vector<BigCount> suffix_count_;
  std::vector<std::optional<std::uint64_t>> suffix_small_;
  std::vector<double> thresholds_;
  std::vector<double> stack_;  // partial utilities per level
  BigCount total_;
  std::uint64_t small_ = 0;
  BigCount out_;  // packages known to be outside
  std::uint64_t out_small_ = 0;
};

}  // namespace

Result<ZopaCount> CountIndividuallyRational(const Domain& domain,
                                            const std::vector<Profile>& profiles,
                                            std::uint64_t max_nodes) {
  Counter counter(domain, profiles, max_nodes);
  return counter.Run();
}

}  // namespace backchannel::negotiation::internal
