// The exact Pareto frontier by a multi-objective dynamic programme over the
// issues with dominance pruning (docs/analysis.md, "Pareto frontier").
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_FRONTIER_H_
#define BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_FRONTIER_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation::internal {

// Work done by one computation, for benchmarks and docs.
struct FrontierStats {
  std::size_t peak_candidates = 0;  // largest candidate set of one step
  std::size_t stored_nodes = 0;     // back-pointers kept over all steps
  std::size_t peak_bytes = 0;       // estimate of the peak working memory
};

// Every non-dominated package (ties kept), sorted by side 0's utility
// descending, then package ascending. Utilities are summed in domain order,
// bit-identical to Profile::Utility.
// REQUIRES: ValidateInputs(domain, profiles, 1) is OK.
// Errors: kResourceExhausted when a step keeps more than `max_frontier`, or
// (four sides and more, where the filter is quadratic in the worst case)
// when the filters would need more than `max_work` tree visits and
// dominance tests in all.
Result<std::vector<ScoredPackage>> ComputeFrontier(
    const Domain& domain, const std::vector<Profile>& profiles, std::size_t max_frontier,
    FrontierStats* stats = nullptr,
    std::uint64_t max_work = std::numeric_limits<std::uint64_t>::max());

// Indices (ascending) of the points not dominated (common.h's Dominates) by
// any other point. `points` holds n points of k coordinates, row-major.
// O(n log n) for k <= 3; above, a k-d tree search per point, O(n^2 k) in
// the worst case.
std::vector<std::size_t> NonDominated(const std::vector<double>& points, std::size_t k);

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_FRONTIER_H_
