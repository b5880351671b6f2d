#include "negotiation/analysis/branch_and_bound.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "negotiation/analysis/common.h"

namespace backchannel::negotiation::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Added to every box and half-space bound so that they stay admissible
// although partial sums are added in another order than Profile::Utility
// (n <= a few hundred terms of at most 1: rounding far below this).
constexpr double kRounding = 1e-12;
// Improvements smaller than this are not searched for when maximising; far
// below kUtilityEpsilon, so the tie set of every optimum is unaffected.
constexpr double kTie = 1e-10;

class Searcher {
 public:
  enum class Order { kImpact, kDomain };
  enum class Mode { kMaximize, kFirstAtLeast };

  Searcher(const Domain& domain, const std::vector<Profile>& profiles, const SearchSpec& spec,
           Order order, std::uint64_t max_nodes)
      : profiles_(profiles), spec_(spec), k_(profiles.size()), max_nodes_(max_nodes) {
    const std::size_t n = domain.issues.size();
    std::vector<std::size_t> issues(n);
    std::iota(issues.begin(), issues.end(), std::size_t{0});
    // Issues with the widest utility ranges first: their choice decides most.
    if (order == Order::kImpact) issues = IssuesByRange(domain, profiles);
    issue_ = issues;
    terms_.resize(n);
    for (std::size_t l = 0; l < n; ++l) {
      const std::size_t m = domain.issues[issue_[l]].size();
      terms_[l].resize(m * k_);
      for (std::size_t o = 0; o < m; ++o) {
        for (std::size_t s = 0; s < k_; ++s) {
          terms_[l][o * k_ + s] =
              profiles[s].IssueUtility(issue_[l], static_cast<std::uint32_t>(o));
        }
      }
    }
    SuffixExtremes(terms_, k_, suf_min_, suf_max_);
    for (std::size_t s = 0; s < k_; ++s) {
      floor_.push_back(spec.floors[s] - kUtilityEpsilon - kRounding);
      room_.push_back(spec.goal == Goal::kKalaiSmorodinsky ? spec.ideal[s] - spec.reservations[s]
                                                           : 1.0);
    }
    lo_.resize(k_);
    hi_.resize(k_);
    child_.resize(k_);
    leaf_.resize(k_);
    order_.resize(k_);
    stack_.assign((n + 1) * k_, 0.0);
    package_.assign(n, 0);
    children_.resize(n);
    ChooseWeights();
  }

  SearchResult Maximize(std::optional<double> start, bool stop_early) {
    mode_ = Mode::kMaximize;
    stop_early_ = stop_early;
    tie_ = stop_early ? 0.0 : kTie;
    if (start.has_value()) {
      has_best_ = true;
      best_ = *start;
    }
    SearchResult r;
    r.root_bound = Bound(&stack_[0], 0);
    if (r.root_bound > -kInf && !Prune(r.root_bound)) {
      Incumbent();
      nodes_ = 1;
      if (!stopped_) Visit(0);
    }
    r.nodes = nodes_;
    r.complete = !incomplete_;
    if (best_package_.has_value()) {
      r.value = best_;
      r.best = ScoredPackage{*best_package_, best_utilities_};
    }
    // NOLINTNEXTLINE(bugprone-narrowing-conversions): double to double, clang-tidy 14 misreads -inf
    r.bound = std::max(pruned_max_, r.best ? r.value : -kInf);
    if (incomplete_) r.bound = std::max(r.bound, open_max_);
    if (!r.best && r.bound == -kInf) r.bound = r.root_bound;
    return r;
  }

  std::optional<ScoredPackage> FirstAtLeast(double threshold,
                                            const std::function<bool(const ScoredPackage&)>& accept,
                                            bool* complete) {
    mode_ = Mode::kFirstAtLeast;
    threshold_ = threshold;
    accept_ = &accept;
    const double root = Bound(&stack_[0], 0);
    if (root > -kInf && !Prune(root)) {
      nodes_ = 1;
      Visit(0);
    }
    if (complete != nullptr) *complete = !incomplete_;
    return found_;
  }

  std::uint64_t nodes() const { return nodes_; }

 private:
  // Upper bound on the score of every feasible completion of partial
  // utilities `p` at level `l`; -infinity when none is feasible.
  double Bound(const double* p, std::size_t l) {
    double wl = 0;
    for (std::size_t s = 0; s < k_; ++s) {
      hi_[s] = p[s] + suf_max_[l * k_ + s] + kRounding;
      lo_[s] = std::max(p[s] + suf_min_[l * k_ + s], floor_[s]);
      if (hi_[s] < lo_[s]) return -kInf;
      wl += w_[s] * lo_[s];
    }
    double h = suf_w_[l] + kRounding;
    for (std::size_t s = 0; s < k_; ++s) h += w_[s] * p[s];
    if (wl > h + kRounding) return -kInf;
    return GoalBound(h);
  }

  // The maximum of the goal over {lo_ <= u <= hi_, w.u <= h}, or a value
  // above it.
  double GoalBound(double h) {
    const std::vector<double>& d = spec_.reservations;
    switch (spec_.goal) {
      case Goal::kSide: {
        const std::size_t s = spec_.side;
        double v = hi_[s];
        if (w_[s] > 0) {
          double slack = h;
          for (std::size_t t = 0; t < k_; ++t) slack -= w_[t] * lo_[t];
          v = std::min(v, lo_[s] + std::max(0.0, slack) / w_[s]);
        }
        return v;
      }
      case Goal::kUtilitarian: {
        // Fractional knapsack: raise the cheapest sides (smallest w) first.
        double v = 0;
        double budget = h;
        for (std::size_t s = 0; s < k_; ++s) {
          v += lo_[s];
          budget -= w_[s] * lo_[s];
        }
        budget = std::max(0.0, budget);
        for (std::size_t s : by_weight_) {
          const double room = hi_[s] - lo_[s];
          if (w_[s] <= 0) {
            v += room;
            continue;
          }
          const double add = std::min(room, budget / w_[s]);
          v += add;
          budget -= add * w_[s];
        }
        return v;
      }
      case Goal::kNash: {
        // max prod g_s, g_s = u_s - d_s <= G_s, sum w_s g_s <= h - w.d:
        // water-filling, g_s = min(G_s, mu / w_s).
        double budget = h;
        double prod = 1;
        std::size_t open = 0;
        for (std::size_t s = 0; s < k_; ++s) {
          const double cap = hi_[s] - d[s];
          if (cap <= 0) return 0.0;
          budget -= w_[s] * d[s];
          if (w_[s] <= 0) {
            prod *= cap;
          } else {
            order_[open++] = s;
          }
        }
        if (open == 0) return prod;
        if (budget <= 0) return 0.0;
        std::sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(open),
                  [&](std::size_t a, std::size_t b) {
                    return w_[a] * (hi_[a] - d[a]) < w_[b] * (hi_[b] - d[b]);
                  });
        std::size_t j = 0;
        for (; j < open; ++j) {
          const std::size_t s = order_[j];
          const double cost = w_[s] * (hi_[s] - d[s]);
          if (cost > budget / static_cast<double>(open - j)) break;
          prod *= hi_[s] - d[s];
          budget -= cost;
        }
        const double mu = budget / static_cast<double>(open - j);
        for (; j < open; ++j) prod *= mu / w_[order_[j]];
        return prod;
      }
      case Goal::kEgalitarian:
      case Goal::kKalaiSmorodinsky: {
        // score >= t > 0 needs u_s >= d_s + t room_s on every side that
        // counts, so t <= (h - w.(d or lo)) / (w.room).
        double t = kInf;
        bool any_degenerate = false;
        double num = h;
        double den = 0;
        for (std::size_t s = 0; s < k_; ++s) {
          if (room_[s] <= kUtilityEpsilon) {
            any_degenerate = true;
            num -= w_[s] * lo_[s];
            continue;
          }
          t = std::min(t, (hi_[s] - d[s]) / room_[s]);
          num -= w_[s] * d[s];
          den += w_[s] * room_[s];
        }
        if (den > 0) t = std::min(t, num / den);
        if (any_degenerate) t = std::min(t, 1.0);
        return std::max(0.0, t);
      }
    }
    return kInf;
  }

  // Sets the half-space weights and the suffix sums of max_o w.t.
  void SetWeights(const std::vector<double>& w) {
    w_ = w;
    const std::size_t n = terms_.size();
    suf_w_.assign(n + 1, 0.0);
    for (std::size_t l = n; l-- > 0;) {
      const std::size_t m = terms_[l].size() / k_;
      double best = -kInf;
      for (std::size_t o = 0; o < m; ++o) {
        double v = 0;
        for (std::size_t s = 0; s < k_; ++s) v += w[s] * terms_[l][o * k_ + s];
        best = std::max(best, v);
      }
      suf_w_[l] = suf_w_[l + 1] + best;
    }
    by_weight_.resize(k_);
    std::iota(by_weight_.begin(), by_weight_.end(), std::size_t{0});
    std::stable_sort(by_weight_.begin(), by_weight_.end(),
                     [&](std::size_t a, std::size_t b) { return w_[a] < w_[b]; });
  }

  // Minimises the root bound over w on the simplex by moving weight between
  // pairs of sides (any w gives a valid bound; a good one prunes more).
  void ChooseWeights() {
    std::vector<double> w(k_, 1.0 / static_cast<double>(k_));
    if (spec_.goal == Goal::kSide) {
      for (double& x : w) x *= 0.5;
      w[spec_.side] += 0.5;
    }
    SetWeights(w);
    double best = Bound(&stack_[0], 0);
    if (best == -kInf) return;
    double step = 0.5;
    for (int pass = 0; pass < 40 && step > 1e-2; ++pass) {
      bool improved = false;
      for (std::size_t a = 0; a < k_; ++a) {
        for (std::size_t b = 0; b < k_; ++b) {
          if (a == b || w[a] <= 0) continue;
          std::vector<double> trial = w;
          const double delta = step * w[a];
          trial[a] -= delta;
          trial[b] += delta;
          SetWeights(trial);
          const double v = Bound(&stack_[0], 0);
          if (v < best - 1e-15) {
            best = v;
            w = trial;
            improved = true;
          }
        }
      }
      if (!improved) step /= 2;
    }
    SetWeights(w);
  }

  bool Prune(double bound) const {
    if (mode_ == Mode::kFirstAtLeast) return Greater(threshold_, bound);
    return has_best_ && bound <= best_ + tie_;
  }

  // A first incumbent: the package maximising w.u issue by issue, improved
  // by single-issue changes while the score rises.
  void Incumbent() {
    const std::size_t n = terms_.size();
    for (std::size_t l = 0; l < n; ++l) {
      const std::size_t m = terms_[l].size() / k_;
      double top = -kInf;
      for (std::size_t o = 0; o < m; ++o) {
        double v = 0;
        for (std::size_t s = 0; s < k_; ++s) v += w_[s] * terms_[l][o * k_ + s];
        if (v > top) {
          top = v;
          package_[issue_[l]] = static_cast<std::uint32_t>(o);
        }
      }
    }
    std::optional<double> current = Evaluate();
    for (int pass = 0; pass < 4 && !stopped_; ++pass) {
      bool moved = false;
      for (std::size_t i = 0; i < n && !stopped_; ++i) {
        const std::uint32_t keep = package_[i];
        std::uint32_t pick = keep;
        for (std::uint32_t o = 0; o < profiles_[0].evaluations[i].size(); ++o) {
          if (o == keep) continue;
          package_[i] = o;
          const std::optional<double> v = Evaluate();
          if (v.has_value() && (!current.has_value() || *v > *current + kTie)) {
            current = v;
            pick = o;
            moved = true;
          }
        }
        package_[i] = pick;
      }
      if (!moved) break;
    }
  }

  // Scores package_ (as a leaf) and records it when it improves; the score
  // when feasible.
  std::optional<double> Evaluate() {
    for (std::size_t s = 0; s < k_; ++s) {
      double u = 0;
      for (std::size_t i = 0; i < package_.size(); ++i) {
        u += profiles_[s].IssueUtility(i, package_[i]);
      }
      leaf_[s] = u;
    }
    for (std::size_t s = 0; s < k_; ++s) {
      if (Greater(spec_.floors[s], leaf_[s])) return std::nullopt;
    }
    const double score = Score(spec_, leaf_);
    if (mode_ == Mode::kMaximize) {
      if (!has_best_ || score > best_) {
        has_best_ = true;
        best_ = score;
        best_package_ = package_;
        best_utilities_ = leaf_;
        if (stop_early_) stopped_ = true;
      }
    } else if (!Greater(threshold_, score)) {
      ScoredPackage sp{package_, leaf_};
      if ((*accept_)(sp)) {
        found_ = std::move(sp);
        stopped_ = true;
      }
    }
    return score;
  }

  struct Child {
    double bound;
    std::uint32_t option;
  };

  void Visit(std::size_t l) {
    if (l == terms_.size()) {
      Evaluate();
      return;
    }
    const double* p = &stack_[l * k_];
    const std::vector<double>& t = terms_[l];
    const std::size_t m = t.size() / k_;
    std::vector<Child>& ch = children_[l];
    ch.clear();
    for (std::size_t o = 0; o < m; ++o) {
      for (std::size_t s = 0; s < k_; ++s) child_[s] = p[s] + t[o * k_ + s];
      const double b = Bound(child_.data(), l + 1);
      if (b == -kInf) continue;
      if (Prune(b)) {
        pruned_max_ = std::max(pruned_max_, b);
        continue;
      }
      ch.push_back(Child{b, static_cast<std::uint32_t>(o)});
    }
    if (mode_ == Mode::kMaximize) {
      std::stable_sort(ch.begin(), ch.end(),
                       [](const Child& a, const Child& b) { return a.bound > b.bound; });
    }
    for (std::size_t c = 0; c < ch.size(); ++c) {
      if (Prune(ch[c].bound)) {
        pruned_max_ = std::max(pruned_max_, ch[c].bound);
        continue;
      }
      if (nodes_ >= max_nodes_) {
        stopped_ = true;
        incomplete_ = true;
      }
      if (stopped_) {
        if (incomplete_) {
          for (std::size_t r = c; r < ch.size(); ++r) open_max_ = std::max(open_max_, ch[r].bound);
        }
        return;
      }
      ++nodes_;
      const std::uint32_t o = ch[c].option;
      for (std::size_t s = 0; s < k_; ++s) stack_[(l + 1) * k_ + s] = p[s] + t[o * k_ + s];
      package_[issue_[l]] = o;
      Visit(l + 1);
    }
  }

  const std::vector<Profile>& profiles_;
  const SearchSpec& spec_;
  std::size_t k_;
  std::uint64_t max_nodes_;
  std::vector<std::size_t> issue_;          // level -> domain issue
  std::vector<std::vector<double>> terms_;  // per level: m x k issue terms
  std::vector<double> suf_min_, suf_max_;   // (levels + 1) x k
  std::vector<double> w_, suf_w_;           // half-space weights, suffix max of w.t
  std::vector<std::size_t> by_weight_;      // sides by w ascending
  std::vector<double> floor_, room_;        // floors - eps - rounding; KS rooms (else 1)
  std::vector<double> lo_, hi_, child_, leaf_;
  std::vector<std::size_t> order_;
  std::vector<double> stack_;  // partial utilities per level
  Package package_;            // domain order
  std::vector<std::vector<Child>> children_;

  Mode mode_ = Mode::kMaximize;
  bool stop_early_ = false;
  double tie_ = kTie;
  bool has_best_ = false;
  double best_ = -kInf;
  std::optional<Package> best_package_;
  std::vector<double> best_utilities_;
  double threshold_ = 0;
  const std::function<bool(const ScoredPackage&)>* accept_ = nullptr;
  std::optional<ScoredPackage> found_;
  std::uint64_t nodes_ = 0;
  bool stopped_ = false;
  bool incomplete_ = false;
  double pruned_max_ = -kInf;
  double open_max_ = -kInf;
};

}  // namespace

double Score(const SearchSpec& spec, std::span<const double> u) {
  const std::size_t k = u.size();
  auto gain = [&](std::size_t s) { return std::max(0.0, u[s] - spec.reservations[s]); };
  switch (spec.goal) {
    case Goal::kNash: {
      double prod = 1.0;
      for (std::size_t s = 0; s < k; ++s) prod *= gain(s);
      return prod;
    }
    case Goal::kKalaiSmorodinsky: {
      double worst = kInf;
      for (std::size_t s = 0; s < k; ++s) {
        const double room = spec.ideal[s] - spec.reservations[s];
        worst = std::min(worst, room <= kUtilityEpsilon ? 1.0 : gain(s) / room);
      }
      return worst;
    }
    case Goal::kEgalitarian: {
      double worst = kInf;
      for (std::size_t s = 0; s < k; ++s) worst = std::min(worst, gain(s));
      return worst;
    }
    case Goal::kUtilitarian: {
      double sum = 0;
      for (std::size_t s = 0; s < k; ++s) sum += u[s];
      return sum;
    }
    case Goal::kSide:
      return u[spec.side];
  }
  return 0;
}

SearchResult Maximize(const Domain& domain, const std::vector<Profile>& profiles,
                      const SearchSpec& spec, std::uint64_t max_nodes, std::optional<double> start,
                      bool stop_early) {
  Searcher searcher(domain, profiles, spec, Searcher::Order::kImpact, max_nodes);
  return searcher.Maximize(start, stop_early);
}

std::optional<ScoredPackage> FirstAtLeast(const Domain& domain,
                                          const std::vector<Profile>& profiles,
                                          const SearchSpec& spec, double threshold,
                                          const std::function<bool(const ScoredPackage&)>& accept,
                                          std::uint64_t max_nodes, bool* complete) {
  Searcher searcher(domain, profiles, spec, Searcher::Order::kDomain, max_nodes);
  return searcher.FirstAtLeast(threshold, accept, complete);
}

std::optional<bool> IsDominated(const Domain& domain, const std::vector<Profile>& profiles,
                                const std::vector<double>& u, std::uint64_t max_nodes,
                                std::uint64_t* nodes) {
  SearchSpec spec;
  spec.goal = Goal::kSide;
  spec.reservations.assign(profiles.size(), 0.0);
  spec.floors = u;
  bool complete = true;
  for (std::size_t s = 0; s < profiles.size(); ++s) {
    spec.side = s;
    SearchResult r = Maximize(domain, profiles, spec, max_nodes, u[s] + kUtilityEpsilon,
                              /*stop_early=*/true);
    if (nodes != nullptr) *nodes += r.nodes;
    if (r.best.has_value()) return true;
    complete = complete && r.complete;
  }
  if (!complete) return std::nullopt;
  return false;
}

}  // namespace backchannel::negotiation::internal
