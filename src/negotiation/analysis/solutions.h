// Bargaining solutions picked from an exact Pareto frontier: Nash,
// Kalai-Smorodinsky (textbook), egalitarian and utilitarian, each among the
// individually rational packages (docs/analysis.md, "Solutions").
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_SOLUTIONS_H_
#define BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_SOLUTIONS_H_

#include <optional>
#include <vector>

#include "backchannel/negotiation/analysis.h"

namespace backchannel::negotiation::internal {

struct Solutions {
  std::optional<ScoredPackage> nash;
  std::optional<ScoredPackage> kalai_smorodinsky;
  std::optional<ScoredPackage> egalitarian;
  std::optional<ScoredPackage> utilitarian;
};

// `frontier`: every Pareto-optimal package (ComputeFrontier), `reservations`:
// d_i per side. All nullopt when no frontier package is individually
// rational, which happens exactly when no package at all is.
Solutions PickSolutions(const std::vector<ScoredPackage>& frontier,
                        const std::vector<double>& reservations);

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_SOLUTIONS_H_
