#include "negotiation/analysis/common.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

namespace backchannel::negotiation::internal {

Status ValidateInputs(const Domain& domain, const std::vector<Profile>& profiles,
                      std::size_t min_profiles) {
  BC_RETURN_IF_ERROR(domain.Validate());
  if (profiles.size() < min_profiles) {
    return InvalidArgument("the analysis needs at least " + std::to_string(min_profiles) +
                           " profiles, got " + std::to_string(profiles.size()));
  }
  for (const auto& p : profiles) BC_RETURN_IF_ERROR(p.Validate(domain));
  return Status::Ok();
}

Status ValidatePackage(const Domain& domain, const Package& package) {
  if (package.size() != domain.issues.size()) {
    return InvalidArgument("a package has " + std::to_string(package.size()) + " options for " +
                           std::to_string(domain.issues.size()) + " issues");
  }
  for (std::size_t i = 0; i < package.size(); ++i) {
    if (package[i] >= domain.issues[i].size()) {
      return InvalidArgument("a package has option index " + std::to_string(package[i]) +
                             " out of range for issue '" + domain.issues[i].name + "'");
    }
  }
  return Status::Ok();
}

bool Dominates(std::span<const double> a, std::span<const double> b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Greater(b[i], a[i])) return false;
    if (Greater(a[i], b[i])) better = true;
  }
  return better;
}

std::vector<std::size_t> IssuesByRange(const Domain& domain, const std::vector<Profile>& profiles) {
  const std::size_t n = domain.issues.size();
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
  return order;
}

std::vector<double> Utilities(const std::vector<Profile>& profiles, const Package& package) {
  std::vector<double> u;
  u.reserve(profiles.size());
  for (const auto& p : profiles) u.push_back(p.Utility(package));
  return u;
}

void SuffixExtremes(const std::vector<std::vector<double>>& terms, std::size_t k,
                    std::vector<double>& min, std::vector<double>& max) {
  const std::size_t n = terms.size();
  min.assign((n + 1) * k, 0.0);
  max.assign((n + 1) * k, 0.0);
  for (std::size_t l = n; l-- > 0;) {
    const std::size_t m = terms[l].size() / k;
    for (std::size_t s = 0; s < k; ++s) {
      double lo = std::numeric_limits<double>::infinity();
      double hi = -lo;
      for (std::size_t o = 0; o < m; ++o) {
        lo = std::min(lo, terms[l][o * k + s]);
        hi = std::max(hi, terms[l][o * k + s]);
      }
      min[l * k + s] = min[(l + 1) * k + s] + lo;
      max[l * k + s] = max[(l + 1) * k + s] + hi;
    }
  }
}

}  // namespace backchannel::negotiation::internal
