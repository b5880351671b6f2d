// Internal helpers shared by the analysis files: input validation, the
// epsilon comparisons every part of the analysis uses, and package ordering.
//
// Thread safety: stateless functions.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_COMMON_H_
#define BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_COMMON_H_

#include <cstddef>
#include <span>
#include <vector>

#include "backchannel/common/status.h"
#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation::internal {

// OK when the domain is valid, there are at least `min_profiles` profiles and
// each fits the domain (Profile::Validate).
Status ValidateInputs(const Domain& domain, const std::vector<Profile>& profiles,
                      std::size_t min_profiles);
// OK when the package has one in-range option per issue.
Status ValidatePackage(const Domain& domain, const Package& package);

// a == b within kUtilityEpsilon.
inline bool Near(double a, double b) {
  return a - b <= kUtilityEpsilon && b - a <= kUtilityEpsilon;
}
// a > b by more than kUtilityEpsilon.
inline bool Greater(double a, double b) { return a > b + kUtilityEpsilon; }

// `a` strictly dominates `b`: no side worse by more than epsilon, one side
// better by more than epsilon. REQUIRES: equal sizes.
bool Dominates(std::span<const double> a, std::span<const double> b);

// Issue indices by decreasing utility range summed over the profiles (sum of
// w_si * (max e_si - min e_si)), ties in domain order: the order in which the
// searches branch, so that the issues that decide most come first.
std::vector<std::size_t> IssuesByRange(const Domain& domain, const std::vector<Profile>& profiles);

// Utilities of `package` for every profile, summed in domain order.
// Suffix extremes of per-level issue terms: `terms[l]` holds m x k values
// (option o, side s at o * k + s). On return `min` and `max` are (levels + 1)
// x k: entry l * k + s is the least / greatest utility side s can still gain
// from levels l.. on (0 past the last level). Bounds for a partial package.
void SuffixExtremes(const std::vector<std::vector<double>>& terms, std::size_t k,
                    std::vector<double>& min, std::vector<double>& max);

std::vector<double> Utilities(const std::vector<Profile>& profiles, const Package& package);

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_COMMON_H_
