#include "negotiation/analysis/zopa.h"

#include <algorithm>
#include <cmath>
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
    const std::vector<std::size_t> order = IssuesByRange(domain, profiles);
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
    SuffixExtremes(terms_, k_, suffix_min_, suffix_max_);
    suffix_count_.assign(n + 1, BigCount(1));
    suffix_small_.assign(n + 1, std::uint64_t{1});
    for (std::size_t l = n; l-- > 0;) {
      const std::size_t m = terms_[l].size() / k_;
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
    ChooseSplit();
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
    if (l == split_) {
      if (nodes_tree_.empty()) BuildTree();  // only when some prefix needs it
      return Query(0, partial);
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

  // Meet in the middle: the last levels from split_ on are enumerated once
  // into a k-d tree of their partial utility vectors (at most kTreeDoubles
  // doubles), each node with its bounding box and point count; a prefix
  // reaching split_ then counts its completions by one orthant query that
  // adds whole subtrees whose box is all in, skips those all out, and tests
  // points only in the leaves the thresholds cut.
  static constexpr std::size_t kTreeDoubles = std::size_t{1} << 22;
  static constexpr std::size_t kLeafPoints = 8;
  struct TreeNode {
    std::size_t begin = 0, end = 0;   // points [begin, end) of points_
    std::size_t left = 0, right = 0;  // children; 0: a leaf
  };

  // The tree holds at most kTreeDoubles doubles and about total^(2/3)
  // points, so that building it never dominates the queries.
  void ChooseSplit() {
    const std::size_t n = terms_.size();
    double total = 1;
    for (const auto& t : terms_) {
      const std::size_t points = t.size() / k_;  // exact: k_ utilities an option
      total *= static_cast<double>(points);
    }
    const double cap = std::max(4096.0, std::cbrt(total) * std::cbrt(total));
    std::size_t count = 1;
    std::size_t h = n;
    while (h > 0) {
      const std::size_t m = terms_[h - 1].size() / k_;
      if (count * m * k_ > kTreeDoubles || static_cast<double>(count * m) > cap) break;
      count *= m;
      --h;
    }
    if (n - h < 2) return;  // not worth it: the last issue is counted directly
    split_ = h;
    tree_points_ = count;
  }

  void BuildTree() {
    const std::size_t n = terms_.size();
    const std::size_t h = split_;
    const std::size_t count = tree_points_;
    points_.reserve(count * k_);
    std::vector<std::size_t> digit(n - h, 0);
    std::vector<double> sum(k_);
    while (true) {
      std::fill(sum.begin(), sum.end(), 0.0);
      for (std::size_t l = h; l < n; ++l) {
        for (std::size_t s = 0; s < k_; ++s) sum[s] += terms_[l][digit[l - h] * k_ + s];
      }
      points_.insert(points_.end(), sum.begin(), sum.end());
      std::size_t j = n - h;
      while (j > 0 && ++digit[j - 1] == terms_[h + j - 1].size() / k_) {
        digit[j - 1] = 0;
        --j;
      }
      if (j == 0) break;
    }
    order_.resize(count);
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    nodes_tree_.clear();
    box_.clear();
    Build(0, count);
    // Store the points in tree order, so that leaves are contiguous.
    std::vector<double> sorted(count * k_);
    for (std::size_t r = 0; r < count; ++r) {
      std::copy_n(&points_[order_[r] * k_], k_, &sorted[r * k_]);
    }
    points_ = std::move(sorted);
  }

  std::size_t Build(std::size_t begin, std::size_t end) {
    const std::size_t id = nodes_tree_.size();
    nodes_tree_.push_back(TreeNode{begin, end, 0, 0});
    box_.resize(box_.size() + 2 * k_);
    double* lo = &box_[id * 2 * k_];
    double* hi = lo + k_;
    std::fill(lo, lo + k_, std::numeric_limits<double>::infinity());
    std::fill(hi, hi + k_, -std::numeric_limits<double>::infinity());
    for (std::size_t r = begin; r < end; ++r) {
      for (std::size_t s = 0; s < k_; ++s) {
        lo[s] = std::min(lo[s], points_[order_[r] * k_ + s]);
        hi[s] = std::max(hi[s], points_[order_[r] * k_ + s]);
      }
    }
    if (end - begin <= kLeafPoints) return id;
    std::size_t dim = 0;
    for (std::size_t s = 1; s < k_; ++s) {
      if (hi[s] - lo[s] > hi[dim] - lo[dim]) dim = s;
    }
    const std::size_t mid = begin + (end - begin) / 2;
    std::nth_element(order_.begin() + static_cast<std::ptrdiff_t>(begin),
                     order_.begin() + static_cast<std::ptrdiff_t>(mid),
                     order_.begin() + static_cast<std::ptrdiff_t>(end),
                     [&](std::size_t a, std::size_t b) {
                       return points_[a * k_ + dim] < points_[b * k_ + dim];
                     });
    const std::size_t left = Build(begin, mid);
    const std::size_t right = Build(mid, end);
    nodes_tree_[id].left = left;
    nodes_tree_[id].right = right;
    return id;
  }

  // Counts the points b of tree node `id` with partial + b >= thresholds;
  // false when the node budget ran out.
  bool Query(std::size_t id, const double* partial) {
    if (++nodes_ > max_nodes_) return false;
    const TreeNode& node = nodes_tree_[id];
    const double* lo = &box_[id * 2 * k_];
    const double* hi = lo + k_;
    const std::uint64_t size = node.end - node.begin;
    bool all_in = true;
    for (std::size_t s = 0; s < k_; ++s) {
      if (partial[s] + hi[s] < thresholds_[s]) {
        AddTo(out_, out_small_, size);
        return true;
      }
      if (partial[s] + lo[s] < thresholds_[s]) all_in = false;
    }
    if (all_in) {
      AddSmall(size);
      return true;
    }
    if (node.left == 0) {
      std::uint64_t in = 0;
      for (std::size_t r = node.begin; r < node.end; ++r) {
        bool ok = true;
        for (std::size_t s = 0; s < k_ && ok; ++s) {
          ok = partial[s] + points_[r * k_ + s] >= thresholds_[s];
        }
        in += ok ? 1 : 0;
      }
      AddSmall(in);
      AddTo(out_, out_small_, size - in);
      return true;
    }
    return Query(node.left, partial) && Query(node.right, partial);
  }

  std::size_t split_ = std::numeric_limits<std::size_t>::max();
  std::size_t tree_points_ = 0;
  std::vector<double> points_;  // k per point; tree order after BuildTree
  std::vector<std::size_t> order_;
  std::vector<TreeNode> nodes_tree_;
  std::vector<double> box_;  // per tree node: k minima, then k maxima
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
