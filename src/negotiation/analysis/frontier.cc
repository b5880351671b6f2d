#include "negotiation/analysis/frontier.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>

#include "negotiation/analysis/common.h"

namespace backchannel::negotiation::internal {
namespace {

// Two objectives in O(n log n). With the points sorted by x descending and
// PM[i] the largest y among the first i+1, a point p is dominated iff
//   (a) some point has x > p.x + eps and y >= p.y - eps, or
//   (b) some point has x >= p.x - eps and y > p.y + eps,
// which is exactly Dominates() split on which coordinate is strictly better;
// both are prefix queries.
std::vector<std::size_t> NonDominated2(const std::vector<double>& pts) {
  const std::size_t n = pts.size() / 2;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (pts[2 * a] != pts[2 * b]) return pts[2 * a] > pts[2 * b];
    return pts[2 * a + 1] > pts[2 * b + 1];
  });
  std::vector<double> xs(n);
  std::vector<double> prefix_max(n);
  for (std::size_t r = 0; r < n; ++r) {
    xs[r] = pts[2 * order[r]];
    const double y = pts[2 * order[r] + 1];
    prefix_max[r] = r == 0 ? y : std::max(prefix_max[r - 1], y);
  }
  // Number of sorted points whose x satisfies pred, a prefix of the order.
  auto count_x_above = [&](double threshold, bool inclusive) {
    auto it =
        inclusive
            ? std::partition_point(xs.begin(), xs.end(), [&](double x) { return x >= threshold; })
            : std::partition_point(xs.begin(), xs.end(), [&](double x) { return x > threshold; });
    return static_cast<std::size_t>(it - xs.begin());
  };
  std::vector<std::size_t> keep;
  for (std::size_t r = 0; r < n; ++r) {
    const double x = xs[r];
    const double y = pts[2 * order[r] + 1];
    const std::size_t a = count_x_above(x + kUtilityEpsilon, /*inclusive=*/false);
    if (a > 0 && prefix_max[a - 1] >= y - kUtilityEpsilon) continue;
    const std::size_t b = count_x_above(x - kUtilityEpsilon, /*inclusive=*/true);
    if (b > 0 && prefix_max[b - 1] > y + kUtilityEpsilon) continue;
    keep.push_back(order[r]);
  }
  std::sort(keep.begin(), keep.end());
  return keep;
}

// Three objectives in O(n log n). Dominates(q, p) splits on the coordinate
// a in which q is strictly better: q_a > p_a + eps while the other two, b
// and c, are not worse by more than eps. For each a, a sweep over the points
// by a descending inserts every q with q_a > p_a + eps (a prefix, growing as
// p_a falls) into a Fenwick tree over the rank of q_b that keeps the largest
// q_c; p is dominated through a iff the tree's maximum over the ranks with
// q_b + eps >= p_b (a suffix of the ranks) has q_c + eps >= p_c. The three
// comparisons are the ones Greater() makes, so the result is exactly the
// pairwise test's.
std::vector<std::size_t> NonDominated3(const std::vector<double>& pts) {
  const std::size_t n = pts.size() / 3;
  std::vector<char> dominated(n, 0);
  std::vector<std::size_t> by_a(n);
  std::vector<std::size_t> by_b(n);
  std::vector<std::size_t> rank_b(n);
  std::vector<double> sorted_b(n);
  std::vector<double> tree(n + 1);
  constexpr double kNone = -std::numeric_limits<double>::infinity();
  for (std::size_t a = 0; a < 3; ++a) {
    const std::size_t b = a == 0 ? 1 : 0;
    const std::size_t c = a == 2 ? 1 : 2;
    auto at = [&](std::size_t i, std::size_t j) { return pts[3 * i + j]; };
    std::iota(by_a.begin(), by_a.end(), std::size_t{0});
    std::sort(by_a.begin(), by_a.end(),
              [&](std::size_t x, std::size_t y) { return at(x, a) > at(y, a); });
    std::iota(by_b.begin(), by_b.end(), std::size_t{0});
    std::sort(by_b.begin(), by_b.end(),
              [&](std::size_t x, std::size_t y) { return at(x, b) < at(y, b); });
    for (std::size_t r = 0; r < n; ++r) {
      rank_b[by_b[r]] = r;
      sorted_b[r] = at(by_b[r], b);
    }
    // Fenwick tree over reversed ranks: prefix max over reversed = suffix max.
    std::fill(tree.begin(), tree.end(), kNone);
    auto insert = [&](std::size_t rank, double v) {
      for (std::size_t x = n - rank; x <= n; x += x & (~x + 1)) tree[x] = std::max(tree[x], v);
    };
    auto suffix_max = [&](std::size_t rank) {  // max over ranks >= rank
      double m = kNone;
      for (std::size_t x = n - rank; x > 0; x -= x & (~x + 1)) m = std::max(m, tree[x]);
      return m;
    };
    std::size_t inserted = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const std::size_t p = by_a[r];
      while (inserted < n && Greater(at(by_a[inserted], a), at(p, a))) {
        insert(rank_b[by_a[inserted]], at(by_a[inserted], c));
        ++inserted;
      }
      if (dominated[p] != 0 || inserted == 0) continue;
      // First rank whose b is not worse than p_b by more than eps.
      const auto first = static_cast<std::size_t>(
          std::partition_point(sorted_b.begin(), sorted_b.end(),
                               [&](double qb) { return Greater(at(p, b), qb); }) -
          sorted_b.begin());
      if (first == n) continue;
      const double best_c = suffix_max(first);
      if (best_c != kNone && !Greater(at(p, c), best_c)) dominated[p] = 1;
    }
  }
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < n; ++i) {
    if (dominated[i] == 0) keep.push_back(i);
  }
  return keep;
}

// Any number of objectives: each point asks a k-d tree of all the points
// (bounding box maxima per node) whether some point dominates it. A subtree
// is skipped when its box maximum is worse than the point by more than eps
// in some coordinate (nothing in it is weakly as good there), or better by
// more than eps in none (nothing in it is strictly better anywhere); both
// use Greater(), so the answer is exactly the pairwise test's. Subtrees are
// tried larger box sum first, and the search stops at the first dominator.
// False when more than *work_left node visits and point tests would be
// needed.
class DominanceTree {
 public:
  DominanceTree(const std::vector<double>& pts, std::size_t k) : pts_(pts), k_(k) {
    const std::size_t n = pts.size() / k;
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    if (n > 0) Build(0, n);
  }

  // Whether some point dominates point p; nullopt when the work ran out.
  std::optional<bool> Dominated(std::size_t p, std::uint64_t* work_left) {
    work_left_ = work_left;
    p_ = &pts_[p * k_];
    out_of_work_ = false;
    const bool found = !nodes_.empty() && Visit(0);
    if (out_of_work_) return std::nullopt;
    return found;
  }

 private:
  static constexpr std::size_t kLeaf = 8;
  struct Node {
    std::size_t begin, end, left, right;  // left == 0: a leaf
    double sum;                           // sum of the box maxima
  };

  std::size_t Build(std::size_t begin, std::size_t end) {
    const std::size_t id = nodes_.size();
    nodes_.push_back(Node{begin, end, 0, 0, 0});
    max_.resize(max_.size() + k_, -std::numeric_limits<double>::infinity());
    std::vector<double> lo(k_, std::numeric_limits<double>::infinity());
    for (std::size_t r = begin; r < end; ++r) {
      for (std::size_t j = 0; j < k_; ++j) {
        const double v = pts_[order_[r] * k_ + j];
        max_[id * k_ + j] = std::max(max_[id * k_ + j], v);
        lo[j] = std::min(lo[j], v);
      }
    }
    for (std::size_t j = 0; j < k_; ++j) nodes_[id].sum += max_[id * k_ + j];
    if (end - begin <= kLeaf) return id;
    std::size_t dim = 0;
    for (std::size_t j = 1; j < k_; ++j) {
      if (max_[id * k_ + j] - lo[j] > max_[id * k_ + dim] - lo[dim]) dim = j;
    }
    const std::size_t mid = begin + (end - begin) / 2;
    std::nth_element(
        order_.begin() + static_cast<std::ptrdiff_t>(begin),
        order_.begin() + static_cast<std::ptrdiff_t>(mid),
        order_.begin() + static_cast<std::ptrdiff_t>(end),
        [&](std::size_t a, std::size_t b) { return pts_[a * k_ + dim] < pts_[b * k_ + dim]; });
    const std::size_t left = Build(begin, mid);
    const std::size_t right = Build(mid, end);
    nodes_[id].left = left;
    nodes_[id].right = right;
    return id;
  }

  bool Visit(std::size_t id) {
    if (*work_left_ == 0) {
      out_of_work_ = true;
      return false;
    }
    --*work_left_;
    const double* box = &max_[id * k_];
    bool better_somewhere = false;
    for (std::size_t j = 0; j < k_; ++j) {
      if (Greater(p_[j], box[j])) return false;
      if (Greater(box[j], p_[j])) better_somewhere = true;
    }
    if (!better_somewhere) return false;
    const Node& node = nodes_[id];
    if (node.left == 0) {
      const std::span<const double> pp(p_, k_);
      for (std::size_t r = node.begin; r < node.end; ++r) {
        if (Dominates(std::span<const double>(&pts_[order_[r] * k_], k_), pp)) return true;
      }
      return false;
    }
    const bool left_first = nodes_[node.left].sum >= nodes_[node.right].sum;
    const std::size_t first = left_first ? node.left : node.right;
    const std::size_t second = left_first ? node.right : node.left;
    return Visit(first) || (!out_of_work_ && Visit(second));
  }

  const std::vector<double>& pts_;
  std::size_t k_;
  std::vector<std::size_t> order_;
  std::vector<Node> nodes_;
  std::vector<double> max_;  // k per node
  std::uint64_t* work_left_ = nullptr;
  const double* p_ = nullptr;
  bool out_of_work_ = false;
};

bool NonDominatedK(const std::vector<double>& pts, std::size_t k, std::uint64_t* work_left,
                   std::vector<std::size_t>* out) {
  const std::size_t n = pts.size() / k;
  DominanceTree tree(pts, k);
  std::vector<std::size_t> keep;
  for (std::size_t p = 0; p < n; ++p) {
    const std::optional<bool> dominated = tree.Dominated(p, work_left);
    if (!dominated.has_value()) return false;
    if (!*dominated) keep.push_back(p);
  }
  *out = std::move(keep);
  return true;
}

}  // namespace

std::vector<std::size_t> NonDominated(const std::vector<double>& points, std::size_t k) {
  if (k == 1) {
    std::vector<std::size_t> keep;
    if (points.empty()) return keep;
    const double best = *std::max_element(points.begin(), points.end());
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (!Greater(best, points[i])) keep.push_back(i);
    }
    return keep;
  }
  if (k == 2) return NonDominated2(points);
  if (k == 3) return NonDominated3(points);
  std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::size_t> keep;
  NonDominatedK(points, k, &unlimited, &keep);
  return keep;
}

Result<std::vector<ScoredPackage>> ComputeFrontier(const Domain& domain,
                                                   const std::vector<Profile>& profiles,
                                                   std::size_t max_frontier, FrontierStats* stats,
                                                   std::uint64_t max_work) {
  const std::size_t k = profiles.size();
  const std::size_t issues = domain.issues.size();
  // Per step, the kept partial packages as (parent in previous step, option).
  std::vector<std::vector<std::uint32_t>> parents(issues);
  std::vector<std::vector<std::uint32_t>> options(issues);
  std::vector<double> values(k, 0.0);  // survivors' partial utilities, row-major
  FrontierStats local;
  const std::uint64_t initial_work = max_work;
  for (std::size_t i = 0; i < issues; ++i) {
    const std::size_t m = domain.issues[i].size();
    const std::size_t n = values.size() / k;
    std::vector<double> terms(m * k);
    for (std::size_t o = 0; o < m; ++o) {
      for (std::size_t s = 0; s < k; ++s) {
        terms[o * k + s] = profiles[s].IssueUtility(i, static_cast<std::uint32_t>(o));
      }
    }
    std::vector<double> candidates(n * m * k);
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t o = 0; o < m; ++o) {
        for (std::size_t s = 0; s < k; ++s) {
          candidates[(p * m + o) * k + s] = values[p * k + s] + terms[o * k + s];
        }
      }
    }
    local.peak_candidates = std::max(local.peak_candidates, n * m);
    const std::size_t step_bytes =
        candidates.size() * sizeof(double) * 2 + n * m * 3 * sizeof(std::size_t);
    std::vector<std::size_t> keep;
    if (k <= 3) {
      keep = NonDominated(candidates, k);
    } else if (!NonDominatedK(candidates, k, &max_work, &keep)) {
      return Status(StatusCode::kResourceExhausted,
                    "the Pareto frontier needs more than " + std::to_string(initial_work) +
                        " dominance tests (at issue '" + domain.issues[i].name + "', " +
                        std::to_string(n * m) + " candidates)");
    }
    if (keep.size() > max_frontier) {
      return Status(StatusCode::kResourceExhausted,
                    "the Pareto frontier keeps " + std::to_string(keep.size()) +
                        " partial packages after issue '" + domain.issues[i].name +
                        "', above the limit of " + std::to_string(max_frontier));
    }
    parents[i].reserve(keep.size());
    options[i].reserve(keep.size());
    std::vector<double> next(keep.size() * k);
    for (std::size_t r = 0; r < keep.size(); ++r) {
      parents[i].push_back(static_cast<std::uint32_t>(keep[r] / m));
      options[i].push_back(static_cast<std::uint32_t>(keep[r] % m));
      std::copy_n(&candidates[keep[r] * k], k, &next[r * k]);
    }
    local.stored_nodes += keep.size();
    local.peak_bytes = std::max(local.peak_bytes, step_bytes + local.stored_nodes * 8);
    values = std::move(next);
  }
  const std::size_t n = values.size() / k;
  std::vector<ScoredPackage> out(n);
  for (std::size_t r = 0; r < n; ++r) {
    Package pkg(issues);
    std::size_t idx = r;
    for (std::size_t i = issues; i-- > 0;) {
      pkg[i] = options[i][idx];
      idx = parents[i][idx];
    }
    out[r].package = std::move(pkg);
    out[r].utilities.assign(values.begin() + static_cast<std::ptrdiff_t>(r * k),
                            values.begin() + static_cast<std::ptrdiff_t>((r + 1) * k));
  }
  std::sort(out.begin(), out.end(), [](const ScoredPackage& a, const ScoredPackage& b) {
    if (a.utilities[0] != b.utilities[0]) return a.utilities[0] > b.utilities[0];
    return a.package < b.package;
  });
  if (stats != nullptr) *stats = local;
  return out;
}

}  // namespace backchannel::negotiation::internal
