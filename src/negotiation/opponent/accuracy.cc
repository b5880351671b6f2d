// EvaluateModel: correlation of utilities and distance between frontiers.
#include <cmath>
#include <limits>
#include <random>

#include "backchannel/negotiation/opponent_model.h"
#include "negotiation/analysis/common.h"
#include "negotiation/analysis/frontier.h"

namespace backchannel::negotiation {
namespace {

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0;
  double my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0;
  double sxx = 0;
  double syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx <= 0 || syy <= 0) return 0.0;  // a constant series has no correlation
  return sxy / std::sqrt(sxx * syy);
}

// The outcome count, saturated at `cap` + 1.
std::size_t CappedCount(const Domain& domain, std::size_t cap) {
  std::size_t n = 1;
  for (const auto& issue : domain.issues) {
    if (n > (cap + 1) / issue.size() + 1) return cap + 1;
    n *= issue.size();
  }
  return n;
}

}  // namespace

Result<ModelAccuracy> EvaluateModel(const Domain& domain, const Profile& own, const Profile& truth,
                                    const Profile& estimate, const ModelAccuracyOptions& options) {
  BC_RETURN_IF_ERROR(internal::ValidateInputs(domain, {own, truth, estimate}, 3));
  ModelAccuracy acc;
  std::vector<double> t;
  std::vector<double> e;
  const std::size_t count = CappedCount(domain, options.max_outcomes);
  if (count <= options.max_outcomes) {
    Package p(domain.issues.size(), 0);
    while (true) {
      t.push_back(truth.Utility(p));
      e.push_back(estimate.Utility(p));
      std::size_t i = p.size();
      while (i > 0 && ++p[i - 1] == domain.issues[i - 1].size()) {
        p[i - 1] = 0;
        --i;
      }
      if (i == 0) break;
    }
  } else {
    acc.sampled = true;
    std::mt19937_64 rng(options.seed);
    Package p(domain.issues.size(), 0);
    for (std::size_t s = 0; s < options.max_outcomes; ++s) {
      for (std::size_t i = 0; i < p.size(); ++i) {
        p[i] = static_cast<std::uint32_t>(
            std::uniform_int_distribution<std::size_t>(0, domain.issues[i].size() - 1)(rng));
      }
      t.push_back(truth.Utility(p));
      e.push_back(estimate.Utility(p));
    }
  }
  acc.outcomes = t.size();
  acc.pearson = Pearson(t, e);

  constexpr std::size_t kMaxFrontier = 5'000'000;
  BC_ASSIGN_OR_RETURN(auto true_frontier,
                      internal::ComputeFrontier(domain, {own, truth}, kMaxFrontier));
  BC_ASSIGN_OR_RETURN(auto est_frontier,
                      internal::ComputeFrontier(domain, {own, estimate}, kMaxFrontier));
  acc.true_frontier_size = true_frontier.size();
  acc.estimated_frontier_size = est_frontier.size();
  double sum = 0;
  for (const auto& s : est_frontier) {
    const double u0 = own.Utility(s.package);
    const double u1 = truth.Utility(s.package);
    double best = std::numeric_limits<double>::infinity();
    for (const auto& f : true_frontier) {
      best = std::min(best, std::hypot(u0 - f.utilities[0], u1 - f.utilities[1]));
    }
    sum += best;
    acc.frontier_distance_max = std::max(acc.frontier_distance_max, best);
  }
  acc.frontier_distance_mean =
      est_frontier.empty() ? 0 : sum / static_cast<double>(est_frontier.size());
  return acc;
}

}  // namespace backchannel::negotiation
