// Adjusted Winner (Brams and Taylor 1996, ch. 4) over the divisible issues.
// See analysis.h for the mapping of issues to points and docs/analysis.md for
// why the result is equitable, envy-free and efficient.
#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "backchannel/negotiation/analysis.h"
#include "negotiation/analysis/common.h"

namespace backchannel::negotiation {
namespace {

std::uint32_t Preferred(const Profile& p, std::size_t issue) {
  const auto& e = p.evaluations[issue];
  // First maximum: the smallest option index among the best.
  return static_cast<std::uint32_t>(std::max_element(e.begin(), e.end()) - e.begin());
}

}  // namespace

Result<AdjustedWinnerResult> AdjustedWinner(const Domain& domain, const Profile& side0,
                                            const Profile& side1) {
  BC_RETURN_IF_ERROR(internal::ValidateInputs(domain, {side0, side1}, 2));
  AdjustedWinnerResult r;
  std::vector<std::size_t> idx;
  std::vector<double> stake0;
  std::vector<double> stake1;
  for (std::size_t i = 0; i < domain.issues.size(); ++i) {
    if (!domain.issues[i].divisible) continue;
    const std::uint32_t b0 = Preferred(side0, i);
    const std::uint32_t b1 = Preferred(side1, i);
    idx.push_back(i);
    r.issues.push_back(domain.issues[i].name);
    r.preferred0.push_back(b0);
    r.preferred1.push_back(b1);
    stake0.push_back(side0.IssueUtility(i, b0) - side0.IssueUtility(i, b1));
    stake1.push_back(side1.IssueUtility(i, b1) - side1.IssueUtility(i, b0));
  }
  if (idx.empty()) return FailedPrecondition("Adjusted Winner needs a divisible issue");
  const double total0 = std::accumulate(stake0.begin(), stake0.end(), 0.0);
  const double total1 = std::accumulate(stake1.begin(), stake1.end(), 0.0);
  if (total0 <= kUtilityEpsilon || total1 <= kUtilityEpsilon) {
    return FailedPrecondition(
        "Adjusted Winner: a side has no stake in the divisible issues (it prefers the other "
        "side's options everywhere)");
  }
  const std::size_t n = idx.size();
  for (std::size_t j = 0; j < n; ++j) {
    r.points0.push_back(100.0 * stake0[j] / total0);
    r.points1.push_back(100.0 * stake1[j] / total1);
  }
  // Winner phase: each issue to the side with more points (side 0 on a tie).
  r.share_side0.assign(n, 0.0);
  double pts0 = 0;
  double pts1 = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (r.points0[j] >= r.points1[j]) {
      r.share_side0[j] = 1.0;
      pts0 += r.points0[j];
    } else {
      pts1 += r.points1[j];
    }
  }
  // Adjusting phase: the richer side gives its issues in increasing order of
  // (its points / the other's points), the one that crosses equality split.
  const bool rich0 = pts0 > pts1;
  std::vector<std::size_t> order;
  for (std::size_t j = 0; j < n; ++j) {
    if ((r.share_side0[j] == 1.0) == rich0) order.push_back(j);
  }
  auto ratio = [&](std::size_t j) {
    const double mine = rich0 ? r.points0[j] : r.points1[j];
    const double theirs = rich0 ? r.points1[j] : r.points0[j];
    return theirs <= 0 ? std::numeric_limits<double>::infinity() : mine / theirs;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ratio(a) < ratio(b); });
  double& rich = rich0 ? pts0 : pts1;
  double& poor = rich0 ? pts1 : pts0;
  for (std::size_t j : order) {
    if (rich - poor <= 0) break;
    const double mine = rich0 ? r.points0[j] : r.points1[j];
    const double theirs = rich0 ? r.points1[j] : r.points0[j];
    // Giving fraction f moves the gap by f * (mine + theirs).
    const double f = std::min(1.0, (rich - poor) / (mine + theirs));
    rich -= f * mine;
    poor += f * theirs;
    r.share_side0[j] = rich0 ? 1.0 - f : f;
    if (f < 1.0) break;
  }
  r.points_side0 = 0;
  r.points_side1 = 0;
  for (std::size_t j = 0; j < n; ++j) {
    r.points_side0 += r.share_side0[j] * r.points0[j];
    r.points_side1 += (1.0 - r.share_side0[j]) * r.points1[j];
  }
  return r;
}

}  // namespace backchannel::negotiation
