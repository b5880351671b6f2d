// Bargaining solutions picked from an exact Pareto frontier: Nash,
// Kalai-Smorodinsky (textbook), egalitarian and utilitarian, each among the
// individually rational packages (docs/analysis.md, "Solutions").
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_SOLUTIONS_H_
#define BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_SOLUTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/domain.h"
#include "negotiation/analysis/branch_and_bound.h"

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

// The same four solutions for any number of sides without the frontier, by
// branch and bound (branch_and_bound.h): for each objective the maximum M
// over the individually rational packages, then, in domain order, the
// lexicographically smallest package scoring at least M - eps that no
// package dominates (checked by one constrained search per side) — the same
// choice PickSolutions makes. Kalai-Smorodinsky's ideal point U_s is the
// maximum of u_s subject to every side's individual rationality, one
// constrained search per side.
struct SearchedSolutions {
  Solutions solutions;
  Certificate nash, kalai_smorodinsky, egalitarian, utilitarian;
  std::vector<double> ideal;            // empty when no package is rational
  bool rational_exists = false;         // some package is individually rational
  std::vector<std::string> incomplete;  // searches that ran out of nodes
};
// One of them: the package and its certificate; nullopt package when no
// package is individually rational. kKalaiSmorodinsky computes the ideal
// point first (into *ideal when given). `complete` false when a search ran
// out of nodes.
struct SearchedSolution {
  std::optional<ScoredPackage> package;
  Certificate certificate;
  bool complete = true;
};
SearchedSolution SearchSolution(const Domain& domain, const std::vector<Profile>& profiles,
                                Goal goal, std::uint64_t max_nodes,
                                std::vector<double>* ideal = nullptr);

SearchedSolutions SearchSolutions(const Domain& domain, const std::vector<Profile>& profiles,
                                  std::uint64_t max_nodes);

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_SOLUTIONS_H_
