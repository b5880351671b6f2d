#include "negotiation/analysis/frontier.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
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

// Any number of objectives: a dominator's coordinate sum exceeds the
// dominated point's by more than -k*eps, so with the points sorted by sum
// descending only a prefix can dominate a point. Quadratic in the worst case.
std::vector<std::size_t> NonDominatedK(const std::vector<double>& pts, std::size_t k) {
  const std::size_t n = pts.size() / k;
  std::vector<double> sums(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) sums[i] += pts[i * k + j];
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sums[a] > sums[b]; });
  const double slack = static_cast<double>(k) * kUtilityEpsilon;
  std::vector<std::size_t> keep;
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t p = order[r];
    const std::span<const double> pp(&pts[p * k], k);
    bool dominated = false;
    for (std::size_t s = 0; s < n && !dominated; ++s) {
      const std::size_t q = order[s];
      if (sums[q] < sums[p] - slack) break;
      if (q != p && Dominates(std::span<const double>(&pts[q * k], k), pp)) dominated = true;
    }
    if (!dominated) keep.push_back(p);
  }
  std::sort(keep.begin(), keep.end());
  return keep;
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
  return NonDominatedK(points, k);
}

Result<std::vector<ScoredPackage>> ComputeFrontier(const Domain& domain,
                                                   const std::vector<Profile>& profiles,
                                                   std::size_t max_frontier, FrontierStats* stats) {
  const std::size_t k = profiles.size();
  const std::size_t issues = domain.issues.size();
  // Per step, the kept partial packages as (parent in previous step, option).
  std::vector<std::vector<std::uint32_t>> parents(issues);
  std::vector<std::vector<std::uint32_t>> options(issues);
  std::vector<double> values(k, 0.0);  // survivors' partial utilities, row-major
  FrontierStats local;
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
    std::vector<std::size_t> keep = NonDominated(candidates, k);
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
