// Exact optimisation over the packages of an additive domain for any number
// of sides, without enumerating them: a depth-first branch and bound over the
// issues with admissible bounds from the additive structure
// (docs/analysis.md, "Many sides").
//
// A node fixes the options of the first l issues (in the searcher's issue
// order); its partial utilities P_s and the suffix extremes of the remaining
// issues give a box  A_s <= u_s <= B_s  for every completion, and for a
// weight vector w >= 0 the separable maximum H(w) = w.P + sum over the open
// issues of max_o w.t_i(o) gives the half-space  w.u <= H(w).  The node's
// bound is the exact maximum of the goal over {box, half-space, floors}, a
// small continuous problem solved in closed form per goal. Every such bound
// is >= the score of every package below the node, so pruning nodes whose
// bound does not beat the incumbent never loses the optimum; at the end the
// largest pruned bound is at most the value found (+1e-12): the certificate.
// w is chosen once per search by minimising the root bound (a Lagrangian
// dual; for one side subject to the others' floors, w_t/w_s are the
// multipliers of the floors).
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_BRANCH_AND_BOUND_H_
#define BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_BRANCH_AND_BOUND_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation::internal {

enum class Goal {
  kNash,              // prod_s max(0, u_s - d_s)
  kKalaiSmorodinsky,  // min_s max(0, u_s - d_s) / (U_s - d_s), 1 where U_s - d_s <= eps
  kEgalitarian,       // min_s max(0, u_s - d_s)
  kUtilitarian,       // sum_s u_s
  kSide,              // u_side
};

struct SearchSpec {
  Goal goal = Goal::kNash;
  std::size_t side = 0;              // kSide only
  std::vector<double> reservations;  // d_s
  std::vector<double> ideal;         // U_s, kKalaiSmorodinsky only
  // A package is feasible iff !Greater(floors[s], u_s) for every side;
  // -infinity for no floor.
  std::vector<double> floors;
};

// The goal's score of utilities `u`, computed exactly as solutions.cc does.
double Score(const SearchSpec& spec, std::span<const double> u);

inline constexpr double kNoFloor = -std::numeric_limits<double>::infinity();

struct SearchResult {
  std::optional<ScoredPackage> best;  // nullopt when no feasible package beats `start`
  double value = 0;                   // score of best
  // Upper bound on the score of every feasible package: max(value, largest
  // pruned bound) when complete; when not, also the bounds of the open nodes.
  double bound = 0;
  double root_bound = 0;  // the relaxation at the root
  std::uint64_t nodes = 0;
  bool complete = true;  // false: the node budget ran out
};

// The maximum score over feasible packages. With `start` set, only packages
// scoring more than *start count, and with `stop_early` the search ends at
// the first one (a feasibility question). Utilities of the result are summed
// in domain order, bit-identical to Profile::Utility.
// REQUIRES: ValidateInputs(domain, profiles, 1) is OK; spec sized to profiles.
SearchResult Maximize(const Domain& domain, const std::vector<Profile>& profiles,
                      const SearchSpec& spec, std::uint64_t max_nodes,
                      std::optional<double> start = std::nullopt, bool stop_early = false);

// The lexicographically smallest feasible package (by option index, domain
// order) with !Greater(threshold, score) for which `accept` holds. `complete`
// is set false when the node budget ran out first.
std::optional<ScoredPackage> FirstAtLeast(const Domain& domain,
                                          const std::vector<Profile>& profiles,
                                          const SearchSpec& spec, double threshold,
                                          const std::function<bool(const ScoredPackage&)>& accept,
                                          std::uint64_t max_nodes, bool* complete);

// Whether some package dominates (common.h's Dominates) the utility vector
// `u`: per side s, is there a package no worse than u - eps everywhere and
// better than u_s + eps at s. nullopt when the budget ran out first.
std::optional<bool> IsDominated(const Domain& domain, const std::vector<Profile>& profiles,
                                const std::vector<double>& u, std::uint64_t max_nodes,
                                std::uint64_t* nodes = nullptr);

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_BRANCH_AND_BOUND_H_
