// Exact bargaining analysis over additive profiles, without enumerating the
// outcome space. See docs/analysis.md for the algorithms, the exactness
// argument, their limits and the tie-breaking rules. In short:
//  - utilities are sums of the profile's issue terms in domain order (the same
//    double arithmetic as Profile::Utility), and two utilities within
//    kUtilityEpsilon of each other are treated as equal everywhere;
//  - among equally good packages the lexicographically smallest by option
//    index wins.
//
// Pure computation; no I/O. Thread safety: the functions are reentrant.
#ifndef BACKCHANNEL_NEGOTIATION_ANALYSIS_H_
#define BACKCHANNEL_NEGOTIATION_ANALYSIS_H_

#include <cstdint>
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
  // Exact, decimal: packages with u_i >= reservation_i for every side. Empty
  // when the count went over its budget (count_exact false); then
  // count_lower <= the count <= count_upper.
  std::string count;
  bool count_exact = true;
  std::string count_lower;
  std::string count_upper;
};

// Why a solution is optimal. "frontier": picked from the exact Pareto
// frontier (two sides). "branch and bound": the search of docs/analysis.md
// ("Many sides") ended with every pruned node's bound at most `bound`, and
// `bound` - `value` <= 1e-9 when proven: no individually rational package
// scores more than `bound`.
struct Certificate {
  std::string method;
  double value = 0;       // the objective at the reported package
  double bound = 0;       // proven upper bound on the objective (see above)
  double relaxation = 0;  // the bound at the root of the search
  std::uint64_t nodes = 0;
  bool proven = false;
};

struct AnalysisReport {
  std::string outcomes;               // exact outcome count, decimal
  std::vector<ScoredPackage> pareto;  // every non-dominated package, ties kept
  // False when the frontier went over its budget (pareto is then empty and
  // pareto_note says which budget).
  bool pareto_complete = true;
  std::string pareto_note;
  std::optional<ScoredPackage> nash;  // nullopt when no package is individually rational
  std::optional<ScoredPackage> kalai_smorodinsky;
  std::optional<ScoredPackage> egalitarian;
  std::optional<ScoredPackage> utilitarian;
  Certificate nash_certificate;
  Certificate kalai_smorodinsky_certificate;
  Certificate egalitarian_certificate;
  Certificate utilitarian_certificate;
  // Kalai-Smorodinsky's ideal point: U_s, side s's best utility among the
  // individually rational packages. Empty when there is none.
  std::vector<double> ideal;
  Zopa zopa;
  // One line per part that went over its budget; everything else in the
  // report is exact. Empty: the analysis is complete.
  std::vector<std::string> incomplete;
  bool complete() const { return incomplete.empty(); }
};

// Exact for any number of sides >= 2 (docs/analysis.md). No budget fails the
// whole: a part over its budget is listed in `incomplete` and the rest is
// still computed.
//  - the Pareto frontier: more than `max_frontier` partial packages kept after
//    an issue, or (four sides and more) more than `max_frontier_work`
//    dominance tests;
//  - the ZOPA count: more than `max_zopa_nodes` search nodes (the count is
//    then bracketed);
//  - each solution's search: more than `max_search_nodes` nodes (the
//    certificate is then not proven, its bound still holds).
// Solutions: for two sides picked from the frontier when it is complete; for
// more sides (or a frontier over budget) by branch and bound.
// Errors: kInvalidArgument when a profile does not fit the domain, or fewer
// than two profiles.
struct AnalysisOptions {
  std::size_t max_frontier = 5'000'000;
  std::uint64_t max_frontier_work = 200'000'000;
  std::uint64_t max_zopa_nodes = 100'000'000;
  std::uint64_t max_search_nodes = 50'000'000;
  // Only what a chart draws: the frontier, Nash and Kalai-Smorodinsky (each
  // the same as without it). No ZOPA count, and where the solutions are
  // searched (not picked from a complete two-side frontier) no egalitarian
  // or utilitarian one: left empty, and said so in `incomplete`.
  bool chart_only = false;
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

// Two utilities closer than this are equal (ties, dominance, optima).
inline constexpr double kUtilityEpsilon = 1e-9;

// Every package not strictly dominated (ties kept), sorted by utilities of
// side 0 descending, then package ascending. Any number of sides >= 1.
// Errors as Analyze, and kResourceExhausted over `max_frontier` or
// `max_frontier_work`.
Result<std::vector<ScoredPackage>> ParetoFrontier(const Domain& domain,
                                                  const std::vector<Profile>& profiles,
                                                  const AnalysisOptions& options = {});

// The package of maximal utility sum over ALL packages, individually rational
// or not (the "max_social_welfare" of ../shared/domains/reference.txt); the
// report's `utilitarian` is restricted to individually rational packages.
Result<ScoredPackage> MaxSocialWelfare(const Domain& domain, const std::vector<Profile>& profiles);

// Adjusted Winner (Brams and Taylor 1996) over the domain's divisible issues.
// Issue j is contested between side s's preferred option best_s(j) and the
// other side's; side s's stake in it is w_sj * (e_sj(best_s) - e_sj(best_t)),
// and its points are its stakes scaled to sum 100 over the divisible issues.
// Each issue first goes to the side with more points for it (side 0 on a
// tie); then the richer side gives issues, in increasing order of the ratio
// of its points to the other's, splitting the last one so that both end with
// equal points. share_side0[j] in [0, 1] is how far issue j is settled toward
// side 0's preferred option (1: fully side 0's, 0: fully side 1's). See
// docs/analysis.md ("Adjusted Winner") for the mapping and its properties:
// equitable, envy-free, efficient.
struct AdjustedWinnerResult {
  std::vector<std::string> issues;        // the divisible issues, domain order
  std::vector<std::uint32_t> preferred0;  // side 0's preferred option per issue
  std::vector<std::uint32_t> preferred1;  // side 1's preferred option per issue
  std::vector<double> points0;            // side 0's points per issue (sum 100)
  std::vector<double> points1;            // side 1's points per issue (sum 100)
  std::vector<double> share_side0;        // fraction of each issue side 0 gets
  double points_side0 = 0;                // side 0's points of its share
  double points_side1 = 0;                // side 1's points of its share
};
// Errors: kInvalidArgument when a profile does not fit the domain;
// kFailedPrecondition when no issue is divisible or a side has no stake in
// any divisible issue (it then prefers the other side's options everywhere).
Result<AdjustedWinnerResult> AdjustedWinner(const Domain& domain, const Profile& side0,
                                            const Profile& side1);

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_ANALYSIS_H_
