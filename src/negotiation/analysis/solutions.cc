#include "negotiation/analysis/solutions.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "negotiation/analysis/branch_and_bound.h"
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

namespace {

struct Solved {
  std::optional<ScoredPackage> package;
  Certificate certificate;
  bool complete = true;
};

Solved SolveGoal(const Domain& domain, const std::vector<Profile>& profiles, const SearchSpec& spec,
                 std::uint64_t max_nodes) {
  Solved out;
  out.certificate.method = "branch and bound";
  SearchResult r = Maximize(domain, profiles, spec, max_nodes);
  out.certificate.nodes = r.nodes;
  out.certificate.relaxation = r.root_bound;
  out.certificate.bound = r.bound;
  out.complete = r.complete;
  if (!r.best.has_value()) return out;
  // The tie-break: the first package in lexicographic order within eps of
  // the maximum that nothing dominates.
  std::uint64_t nodes = 0;
  bool checks_complete = true;
  const std::function<bool(const ScoredPackage&)> accept = [&](const ScoredPackage& p) {
    const std::optional<bool> dominated =
        IsDominated(domain, profiles, p.utilities, max_nodes, &nodes);
    if (!dominated.has_value()) {
      checks_complete = false;
      return true;
    }
    return !*dominated;
  };
  bool first_complete = true;
  std::optional<ScoredPackage> pick =
      FirstAtLeast(domain, profiles, spec, r.value, accept, max_nodes, &first_complete);
  out.certificate.nodes += nodes;
  out.complete = out.complete && first_complete && checks_complete && pick.has_value();
  out.package = pick.has_value() ? std::move(pick) : std::move(r.best);
  out.certificate.value = Score(spec, out.package->utilities);
  out.certificate.proven = r.complete && out.certificate.bound <= r.value + kUtilityEpsilon;
  return out;
}

}  // namespace

SearchedSolutions SearchSolutions(const Domain& domain, const std::vector<Profile>& profiles,
                                  std::uint64_t max_nodes) {
  const std::size_t k = profiles.size();
  SearchedSolutions out;
  SearchSpec spec;
  for (const auto& p : profiles) spec.reservations.push_back(p.reservation);
  spec.floors = spec.reservations;  // individual rationality
  auto note = [&](const char* what, const Solved& s) {
    if (!s.complete) {
      out.incomplete.push_back(std::string(what) + ": the search went over " +
                               std::to_string(max_nodes) + " nodes; best found " +
                               std::to_string(s.certificate.value) + ", upper bound " +
                               std::to_string(s.certificate.bound));
    }
  };
  spec.goal = Goal::kUtilitarian;
  Solved util = SolveGoal(domain, profiles, spec, max_nodes);
  note("utilitarian", util);
  out.utilitarian = util.certificate;
  if (!util.package.has_value()) return out;  // nothing is individually rational
  out.rational_exists = true;
  out.solutions.utilitarian = std::move(util.package);
  spec.goal = Goal::kNash;
  Solved nash = SolveGoal(domain, profiles, spec, max_nodes);
  note("Nash", nash);
  out.nash = nash.certificate;
  out.solutions.nash = std::move(nash.package);
  spec.goal = Goal::kEgalitarian;
  Solved egal = SolveGoal(domain, profiles, spec, max_nodes);
  note("egalitarian", egal);
  out.egalitarian = egal.certificate;
  out.solutions.egalitarian = std::move(egal.package);
  // The ideal point: max u_s subject to u_t >= d_t - eps for every t.
  std::uint64_t ideal_nodes = 0;
  bool ideal_complete = true;
  spec.goal = Goal::kSide;
  for (std::size_t s = 0; s < k; ++s) {
    spec.side = s;
    SearchResult r = Maximize(domain, profiles, spec, max_nodes);
    ideal_nodes += r.nodes;
    ideal_complete = ideal_complete && r.complete;
    out.ideal.push_back(r.best.has_value() ? r.value : r.bound);
  }
  if (!ideal_complete) {
    out.incomplete.push_back("Kalai-Smorodinsky ideal point: a search went over " +
                             std::to_string(max_nodes) + " nodes");
  }
  spec.goal = Goal::kKalaiSmorodinsky;
  spec.ideal = out.ideal;
  Solved ks = SolveGoal(domain, profiles, spec, max_nodes);
  note("Kalai-Smorodinsky", ks);
  out.kalai_smorodinsky = ks.certificate;
  out.kalai_smorodinsky.nodes += ideal_nodes;
  out.kalai_smorodinsky.proven = out.kalai_smorodinsky.proven && ideal_complete;
  out.solutions.kalai_smorodinsky = std::move(ks.package);
  return out;
}

}  // namespace backchannel::negotiation::internal
