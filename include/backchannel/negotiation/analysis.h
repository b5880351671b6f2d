// Exact bargaining analysis over additive profiles, without enumerating the
// outcome space. See docs/negotiation.md for the algorithms, their limits and
// the tie-breaking rules.
//
// Pure computation; no I/O. Thread safety: the functions are reentrant.
#ifndef BACKCHANNEL_NEGOTIATION_ANALYSIS_H_
#define BACKCHANNEL_NEGOTIATION_ANALYSIS_H_

#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation {

// A package with its utility for each profile, in profile order.
struct ScoredPackage {
  Package package;
  std::vector<double> utilities;
};

struct Zopa {
  bool exists = false;
  std::string count;  // exact, decimal: packages with u_i >= reservation_i for every side
};

struct AnalysisReport {
  std::string outcomes;                 // exact outcome count, decimal
  std::vector<ScoredPackage> pareto;    // every non-dominated package, ties kept
  std::optional<ScoredPackage> nash;    // nullopt when no package is individually rational
  std::optional<ScoredPackage> kalai_smorodinsky;
  std::optional<ScoredPackage> egalitarian;
  std::optional<ScoredPackage> utilitarian;
  Zopa zopa;
};

// Two sides: exact. More than two: see docs/negotiation.md for what stays exact.
// Errors: kInvalidArgument when a profile does not fit the domain, or fewer than
// two profiles; kResourceExhausted when the frontier exceeds `max_frontier`.
struct AnalysisOptions {
  std::size_t max_frontier = 5'000'000;
};
Result<AnalysisReport> Analyze(const Domain& domain, const std::vector<Profile>& profiles,
                               const AnalysisOptions& options = {});

// Packages that give every side at least the utility of the best offer it has
// received (offers[i] = packages side i received) and at least one side more:
// a mediator's single-text suggestions. At most `limit`, best first by sum.
Result<std::vector<ScoredPackage>> Improvements(const Domain& domain,
                                                const std::vector<Profile>& profiles,
                                                const std::vector<std::vector<Package>>& offers,
                                                std::size_t limit = 10);

// Adjusted Winner (Brams and Taylor) over the divisible issues of a
// two-option-per-side framing: each issue goes to the side that values it more
// (by points = weight), then transfers by ratio until equitable. Returns, per
// divisible issue, the share (0..1) that side 0 receives.
struct AdjustedWinnerResult {
  std::vector<std::string> issues;   // the divisible issues, domain order
  std::vector<double> share_side0;   // fraction of each issue side 0 gets
  double points_side0 = 0;
  double points_side1 = 0;
};
Result<AdjustedWinnerResult> AdjustedWinner(const Domain& domain, const Profile& side0,
                                            const Profile& side1);

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_ANALYSIS_H_
