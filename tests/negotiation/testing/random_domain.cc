#include "negotiation/testing/random_domain.h"

#include <algorithm>
#include <string>

#include "negotiation/analysis/common.h"

namespace backchannel::negotiation::testing {

Domain RandomDomain(std::mt19937_64& rng, std::size_t issues, std::size_t min_options,
                    std::size_t max_options) {
  Domain d;
  d.name = "random";
  std::uniform_int_distribution<std::size_t> size(min_options, max_options);
  for (std::size_t i = 0; i < issues; ++i) {
    Issue issue;
    issue.name = "issue" + std::to_string(i);
    const std::size_t m = size(rng);
    for (std::size_t o = 0; o < m; ++o) issue.options.push_back("o" + std::to_string(o));
    issue.divisible = i % 2 == 0;
    d.issues.push_back(std::move(issue));
  }
  return d;
}

Profile RandomProfile(std::mt19937_64& rng, const Domain& domain, int grid,
                      double max_reservation) {
  auto draw = [&]() -> double {
    if (grid > 0) return static_cast<double>(std::uniform_int_distribution<int>(0, grid)(rng));
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  };
  Profile p;
  p.name = "random";
  double sum = 0;
  for (const auto& issue : domain.issues) {
    double w = draw();
    p.weights.push_back(w);
    sum += w;
    std::vector<double> e(issue.size());
    for (double& v : e) v = draw();
    const double top = *std::max_element(e.begin(), e.end());
    for (double& v : e) v = top > 0 ? v / top : 0.0;
    p.evaluations.push_back(std::move(e));
  }
  if (sum == 0) {
    p.weights.assign(domain.issues.size(), 1.0);
    sum = static_cast<double>(domain.issues.size());
  }
  for (double& w : p.weights) w /= sum;
  p.reservation = std::uniform_real_distribution<double>(0.0, max_reservation)(rng);
  return p;
}

Profile Rescaled(const Profile& p, double a, double b) {
  Profile q = p;
  for (auto& e : q.evaluations) {
    for (double& v : e) v = a * v + b;
  }
  q.reservation = a * p.reservation + b;
  return q;
}

void ForEachPackage(const Domain& domain, const std::function<void(const Package&)>& f) {
  Package p(domain.issues.size(), 0);
  while (true) {
    f(p);
    std::size_t i = p.size();
    while (i > 0 && ++p[i - 1] == domain.issues[i - 1].size()) {
      p[i - 1] = 0;
      --i;
    }
    if (i == 0) return;
  }
}

BruteForce Enumerate(const Domain& domain, const std::vector<Profile>& profiles) {
  BruteForce bf;
  ForEachPackage(domain, [&](const Package& p) {
    ScoredPackage s{p, internal::Utilities(profiles, p)};
    bool rational = true;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      rational = rational && !internal::Greater(profiles[i].reservation, s.utilities[i]);
    }
    bf.rational += rational ? 1 : 0;
    bf.all.push_back(std::move(s));
  });
  for (const auto& a : bf.all) {
    bool dominated = false;
    for (const auto& b : bf.all) {
      if (internal::Dominates(b.utilities, a.utilities)) {
        dominated = true;
        break;
      }
    }
    if (!dominated) bf.pareto.push_back(a);
  }
  return bf;
}

std::optional<Optimum> BruteOptimum(const BruteForce& bf, const std::vector<Profile>& profiles,
                                    const std::function<double(const ScoredPackage&)>& score) {
  std::optional<double> top;
  auto rational = [&](const ScoredPackage& s) {
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      if (internal::Greater(profiles[i].reservation, s.utilities[i])) return false;
    }
    return true;
  };
  for (const auto& s : bf.all) {
    if (rational(s)) top = top.has_value() ? std::max(*top, score(s)) : score(s);
  }
  if (!top.has_value()) return std::nullopt;
  Optimum out{*top, {}};
  bool found = false;
  for (const auto& s : bf.pareto) {
    if (!rational(s) || internal::Greater(*top, score(s))) continue;
    if (!found || s.package < out.package) out.package = s.package;
    found = true;
  }
  return out;
}

}  // namespace backchannel::negotiation::testing
