#include "negotiation/analysis/solutions.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "negotiation/analysis/common.h"

namespace backchannel::negotiation::internal {
namespace {

// The candidate with the largest score M; every candidate scoring at least
// M - epsilon ties, and the lexicographically smallest package among them
// wins. Two passes, so the choice does not depend on the scan order.
std::optional<ScoredPackage> Best(const std::vector<const ScoredPackage*>& candidates,
                                  const std::function<double(const ScoredPackage&)>& score) {
  if (candidates.empty()) return std::nullopt;
  std::vector<double> scores;
  scores.reserve(candidates.size());
  for (const ScoredPackage* c : candidates) scores.push_back(score(*c));
  const double top = *std::max_element(scores.begin(), scores.end());
  const ScoredPackage* best = nullptr;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (Greater(top, scores[i])) continue;
    if (best == nullptr || candidates[i]->package < best->package) best = candidates[i];
  }
  return *best;
}

}  // namespace

Solutions PickSolutions(const std::vector<ScoredPackage>& frontier,
                        const std::vector<double>& reservations) {
  const std::size_t k = reservations.size();
  std::vector<const ScoredPackage*> rational;
  for (const auto& p : frontier) {
    bool ok = true;
    for (std::size_t s = 0; s < k && ok; ++s) ok = !Greater(reservations[s], p.utilities[s]);
    if (ok) rational.push_back(&p);
  }
  Solutions out;
  if (rational.empty()) return out;
  auto gain = [&](const ScoredPackage& p, std::size_t s) {
    return std::max(0.0, p.utilities[s] - reservations[s]);
  };
  out.nash = Best(rational, [&](const ScoredPackage& p) {
    double prod = 1.0;
    for (std::size_t s = 0; s < k; ++s) prod *= gain(p, s);
    return prod;
  });
  // Kalai-Smorodinsky: U_s is side s's best utility among individually
  // rational packages, attained on the frontier. A side with no room above
  // its reservation (U_s - d_s <= eps) counts as fully satisfied (ratio 1).
  std::vector<double> ideal(k, -std::numeric_limits<double>::infinity());
  for (const ScoredPackage* p : rational) {
    for (std::size_t s = 0; s < k; ++s) ideal[s] = std::max(ideal[s], p->utilities[s]);
  }
  out.kalai_smorodinsky = Best(rational, [&](const ScoredPackage& p) {
    double worst = std::numeric_limits<double>::infinity();
    for (std::size_t s = 0; s < k; ++s) {
      const double room = ideal[s] - reservations[s];
      worst = std::min(worst, room <= kUtilityEpsilon ? 1.0 : gain(p, s) / room);
    }
    return worst;
  });
  out.egalitarian = Best(rational, [&](const ScoredPackage& p) {
    double worst = std::numeric_limits<double>::infinity();
    for (std::size_t s = 0; s < k; ++s) worst = std::min(worst, gain(p, s));
    return worst;
  });
  out.utilitarian = Best(rational, [&](const ScoredPackage& p) {
    double sum = 0;
    for (std::size_t s = 0; s < k; ++s) sum += p.utilities[s];
    return sum;
  });
  return out;
}

}  // namespace backchannel::negotiation::internal
