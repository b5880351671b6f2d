// Analyze, ParetoFrontier, MaxSocialWelfare and Improvements: the public
// entry points of analysis.h, assembled from frontier, solutions and zopa.
#include <algorithm>
#include <string>

#include "backchannel/negotiation/analysis.h"
#include "negotiation/analysis/branch_and_bound.h"
#include "negotiation/analysis/common.h"
#include "negotiation/analysis/frontier.h"
#include "negotiation/analysis/solutions.h"
#include "negotiation/analysis/zopa.h"

namespace backchannel::negotiation {

Result<std::vector<ScoredPackage>> ParetoFrontier(const Domain& domain,
                                                  const std::vector<Profile>& profiles,
                                                  const AnalysisOptions& options) {
  BC_RETURN_IF_ERROR(internal::ValidateInputs(domain, profiles, 1));
  return internal::ComputeFrontier(domain, profiles, options.max_frontier, nullptr,
                                   options.max_frontier_work);
}

namespace {

Certificate FromFrontier(double value) {
  Certificate c;
  c.method = "frontier";
  c.value = value;
  c.bound = value;
  c.relaxation = value;
  c.proven = true;
  return c;
}

}  // namespace

Result<AnalysisReport> Analyze(const Domain& domain, const std::vector<Profile>& profiles,
                               const AnalysisOptions& options) {
  BC_RETURN_IF_ERROR(internal::ValidateInputs(domain, profiles, 2));
  const std::size_t k = profiles.size();
  AnalysisReport report;
  report.outcomes = domain.OutcomeCount();
  auto frontier = internal::ComputeFrontier(domain, profiles, options.max_frontier, nullptr,
                                            options.max_frontier_work);
  if (frontier.ok()) {
    report.pareto = std::move(*frontier);
  } else if (frontier.error().code() == StatusCode::kResourceExhausted) {
    report.pareto_complete = false;
    report.pareto_note = frontier.error().message();
    report.incomplete.push_back("Pareto frontier: " + report.pareto_note);
  } else {
    return frontier.error();
  }
  std::vector<double> reservations;
  reservations.reserve(k);
  for (const auto& p : profiles) reservations.push_back(p.reservation);
  if (k == 2 && report.pareto_complete) {
    internal::Solutions s = internal::PickSolutions(report.pareto, reservations);
    internal::SearchSpec spec;
    spec.reservations = reservations;
    spec.floors = reservations;
    auto certify = [&](const std::optional<ScoredPackage>& p, internal::Goal goal) {
      spec.goal = goal;
      return p.has_value() ? FromFrontier(internal::Score(spec, p->utilities)) : Certificate{};
    };
    report.nash_certificate = certify(s.nash, internal::Goal::kNash);
    report.egalitarian_certificate = certify(s.egalitarian, internal::Goal::kEgalitarian);
    report.utilitarian_certificate = certify(s.utilitarian, internal::Goal::kUtilitarian);
    if (s.nash.has_value()) {
      // The ideal point, as PickSolutions computes it.
      report.ideal.assign(k, -1e300);
      for (const auto& p : report.pareto) {
        bool ok = true;
        for (std::size_t i = 0; i < k && ok; ++i)
          ok = !internal::Greater(reservations[i], p.utilities[i]);
        if (!ok) continue;
        for (std::size_t i = 0; i < k; ++i)
          report.ideal[i] = std::max(report.ideal[i], p.utilities[i]);
      }
      spec.ideal = report.ideal;
    }
    report.kalai_smorodinsky_certificate =
        certify(s.kalai_smorodinsky, internal::Goal::kKalaiSmorodinsky);
    report.nash = std::move(s.nash);
    report.kalai_smorodinsky = std::move(s.kalai_smorodinsky);
    report.egalitarian = std::move(s.egalitarian);
    report.utilitarian = std::move(s.utilitarian);
  } else if (options.chart_only) {
    // Only the two a chart draws, each searched exactly as SearchSolutions
    // searches it (the same function, the same budget).
    auto searched = [&](internal::Goal goal, const char* what, std::vector<double>* ideal) {
      internal::SearchedSolution s =
          internal::SearchSolution(domain, profiles, goal, options.max_search_nodes, ideal);
      if (!s.complete) {
        report.incomplete.push_back(std::string(what) + ": a search went over " +
                                    std::to_string(options.max_search_nodes) +
                                    " nodes; best found " + std::to_string(s.certificate.value) +
                                    ", upper bound " + std::to_string(s.certificate.bound));
      }
      return s;
    };
    internal::SearchedSolution nash = searched(internal::Goal::kNash, "Nash", nullptr);
    report.nash = std::move(nash.package);
    report.nash_certificate = nash.certificate;
    internal::SearchedSolution ks =
        searched(internal::Goal::kKalaiSmorodinsky, "Kalai-Smorodinsky", &report.ideal);
    report.kalai_smorodinsky = std::move(ks.package);
    report.kalai_smorodinsky_certificate = ks.certificate;
  } else {
    internal::SearchedSolutions s =
        internal::SearchSolutions(domain, profiles, options.max_search_nodes);
    report.nash = std::move(s.solutions.nash);
    report.kalai_smorodinsky = std::move(s.solutions.kalai_smorodinsky);
    report.egalitarian = std::move(s.solutions.egalitarian);
    report.utilitarian = std::move(s.solutions.utilitarian);
    report.nash_certificate = s.nash;
    report.kalai_smorodinsky_certificate = s.kalai_smorodinsky;
    report.egalitarian_certificate = s.egalitarian;
    report.utilitarian_certificate = s.utilitarian;
    report.ideal = std::move(s.ideal);
    for (auto& line : s.incomplete) report.incomplete.push_back(std::move(line));
  }
  if (options.chart_only) {
    report.incomplete.emplace_back(
        k == 2 && report.pareto_complete
            ? "chart only: the ZOPA count was not computed"
            : "chart only: the ZOPA count and the egalitarian and utilitarian solutions were "
              "not computed");
    return report;
  }
  // Some package is individually rational iff the searches found one (or,
  // from the frontier: a dominating package is at least as good for all).
  report.zopa.exists = report.utilitarian.has_value();
  if (report.zopa.exists) {
    BC_ASSIGN_OR_RETURN(internal::ZopaCount count, internal::CountIndividuallyRational(
                                                       domain, profiles, options.max_zopa_nodes));
    report.zopa.count_exact = count.complete;
    report.zopa.count = std::move(count.count);
    report.zopa.count_lower = std::move(count.lower);
    report.zopa.count_upper = std::move(count.upper);
    if (!count.complete) {
      report.incomplete.push_back("ZOPA count: more than " +
                                  std::to_string(options.max_zopa_nodes) +
                                  " search nodes; between " + report.zopa.count_lower + " and " +
                                  report.zopa.count_upper + " packages");
    }
  } else {
    report.zopa.count = "0";
    report.zopa.count_lower = "0";
    report.zopa.count_upper = "0";
  }
  return report;
}

Result<ScoredPackage> MaxSocialWelfare(const Domain& domain, const std::vector<Profile>& profiles) {
  BC_RETURN_IF_ERROR(internal::ValidateInputs(domain, profiles, 1));
  // The sum is separable: the best option of each issue, the smallest index
  // among options within epsilon of that issue's best.
  ScoredPackage out;
  for (std::size_t i = 0; i < domain.issues.size(); ++i) {
    const std::size_t m = domain.issues[i].size();
    std::vector<double> sums(m, 0.0);
    for (std::size_t o = 0; o < m; ++o) {
      for (const auto& p : profiles) sums[o] += p.IssueUtility(i, static_cast<std::uint32_t>(o));
    }
    const double top = *std::max_element(sums.begin(), sums.end());
    std::uint32_t pick = 0;
    while (internal::Greater(top, sums[pick])) ++pick;
    out.package.push_back(pick);
  }
  out.utilities = internal::Utilities(profiles, out.package);
  return out;
}

Result<std::vector<ScoredPackage>> Improvements(const Domain& domain,
                                                const std::vector<Profile>& profiles,
                                                const std::vector<std::vector<Package>>& offers,
                                                std::size_t limit) {
  BC_RETURN_IF_ERROR(internal::ValidateInputs(domain, profiles, 2));
  if (offers.size() != profiles.size()) {
    return InvalidArgument("Improvements needs one list of received offers per profile (" +
                           std::to_string(profiles.size()) + "), got " +
                           std::to_string(offers.size()));
  }
  // The bar of side s: the utility of its best received offer, raised to its
  // reservation value (a suggestion below it would be refused anyway).
  std::vector<double> bar;
  for (std::size_t s = 0; s < profiles.size(); ++s) {
    double b = profiles[s].reservation;
    for (const Package& p : offers[s]) {
      BC_RETURN_IF_ERROR(internal::ValidatePackage(domain, p));
      b = std::max(b, profiles[s].Utility(p));
    }
    bar.push_back(b);
  }
  BC_ASSIGN_OR_RETURN(std::vector<ScoredPackage> frontier,
                      internal::ComputeFrontier(domain, profiles, AnalysisOptions{}.max_frontier));
  // Whatever weakly improves on the bars is weakly dominated by a frontier
  // package that does too, so the suggestions come from the frontier.
  std::vector<ScoredPackage> out;
  for (auto& p : frontier) {
    if (internal::Dominates(p.utilities, bar)) out.push_back(std::move(p));
  }
  auto sum = [](const ScoredPackage& p) {
    double s = 0;
    for (double u : p.utilities) s += u;
    return s;
  };
  std::sort(out.begin(), out.end(), [&](const ScoredPackage& a, const ScoredPackage& b) {
    const double sa = sum(a);
    const double sb = sum(b);
    if (sa != sb) return sa > sb;
    return a.package < b.package;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace backchannel::negotiation
