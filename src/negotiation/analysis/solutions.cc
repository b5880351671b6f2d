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

namespace {

std::vector<double> IdealPoint(const Domain& domain, const std::vector<Profile>& profiles,
                               SearchSpec spec, std::uint64_t max_nodes, std::uint64_t* nodes,
                               bool* complete) {
  // U_s = max u_s subject to u_t >= d_t - eps for every t: one constrained
  // search per side.
  std::vector<double> ideal;
  spec.goal = Goal::kSide;
  for (std::size_t s = 0; s < profiles.size(); ++s) {
    spec.side = s;
    SearchResult r = Maximize(domain, profiles, spec, max_nodes);
    *nodes += r.nodes;
    *complete = *complete && r.complete;
    ideal.push_back(r.best.has_value() ? r.value : r.bound);
  }
  return ideal;
}

}  // namespace

SearchedSolution SearchSolution(const Domain& domain, const std::vector<Profile>& profiles,
                                Goal goal, std::uint64_t max_nodes, std::vector<double>* ideal) {
  SearchSpec spec;
  for (const auto& p : profiles) spec.reservations.push_back(p.reservation);
  spec.floors = spec.reservations;  // individual rationality
  spec.goal = goal;
  std::uint64_t ideal_nodes = 0;
  bool ideal_complete = true;
  if (goal == Goal::kKalaiSmorodinsky) {
    spec.ideal = IdealPoint(domain, profiles, spec, max_nodes, &ideal_nodes, &ideal_complete);
    if (ideal != nullptr) *ideal = spec.ideal;
  }
  Solved s = SolveGoal(domain, profiles, spec, max_nodes);
  SearchedSolution out{std::move(s.package), s.certificate, s.complete && ideal_complete};
  out.certificate.nodes += ideal_nodes;
  out.certificate.proven = out.certificate.proven && ideal_complete;
  return out;
}

SearchedSolutions SearchSolutions(const Domain& domain, const std::vector<Profile>& profiles,
                                  std::uint64_t max_nodes) {
  SearchedSolutions out;
  auto run = [&](Goal goal, const char* what, std::optional<ScoredPackage>* package,
                 Certificate* certificate) {
    SearchedSolution s = SearchSolution(domain, profiles, goal, max_nodes,
                                        goal == Goal::kKalaiSmorodinsky ? &out.ideal : nullptr);
    if (!s.complete) {
      out.incomplete.push_back(std::string(what) + ": a search went over " +
                               std::to_string(max_nodes) + " nodes; best found " +
                               std::to_string(s.certificate.value) + ", upper bound " +
                               std::to_string(s.certificate.bound));
    }
    *package = std::move(s.package);
    *certificate = s.certificate;
  };
  run(Goal::kUtilitarian, "utilitarian", &out.solutions.utilitarian, &out.utilitarian);
  if (!out.solutions.utilitarian.has_value()) return out;  // nothing is individually rational
  out.rational_exists = true;
  run(Goal::kNash, "Nash", &out.solutions.nash, &out.nash);
  run(Goal::kEgalitarian, "egalitarian", &out.solutions.egalitarian, &out.egalitarian);
  run(Goal::kKalaiSmorodinsky, "Kalai-Smorodinsky", &out.solutions.kalai_smorodinsky,
      &out.kalai_smorodinsky);
  return out;
}

}  // namespace backchannel::negotiation::internal
