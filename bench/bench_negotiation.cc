// Exact bargaining analysis against brute-force enumeration, and on synthetic
// additive domains far beyond enumeration. See docs/analysis.md for the table.
//
//   BM_Travel/exact        Analyze (frontier, Nash, KS, ZOPA) on Travel;
//                          counter speedup = brute-force time / exact time
//   BM_Travel/brute_force  every package scored, sorted, swept; Nash by scan
//   BM_Synthetic/I/O       Analyze on I issues x O options, random profiles;
//                          counters: frontier size, estimated peak bytes of the
//                          frontier computation, process peak RSS
//   BM_Sides/<part>/S/I/O  S sides on I issues x O options (random profiles,
//                          reservations 0.3): part nash, ks (with its ideal
//                          point) or frontier; counters: nodes, gap (bound -
//                          value), frontier size, est. peak MiB, and
//                          vs_2sides = this time / the same part for two
//                          sides on the same domain
//   BM_P5plus1/<part>      the same on scenarios/p5plus1 (seven sides)
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>
#include <string>

#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/io.h"
#include "negotiation/analysis/frontier.h"
#include "negotiation/analysis/solutions.h"

namespace backchannel::negotiation {
namespace {

struct Scenario {
  Domain domain;
  std::vector<Profile> profiles;
  std::string error;
};

const Scenario& Travel() {
  static const Scenario s = [] {
    Scenario t;
    const std::string dir = std::string(BC_SOURCE_DIR) + "/../shared/domains/Travel/";
    ImportOptions lenient{ParseMode::kLenient, nullptr};
    auto d = LoadDomain(dir + "travel_domain.xml", lenient);
    if (!d.ok()) {
      t.error = d.error().ToString();
      return t;
    }
    t.domain = *d;
    for (const char* f : {"travel_chox.xml", "travel_fanny.xml"}) {
      auto p = LoadProfile(t.domain, dir + f, lenient);
      if (!p.ok()) {
        t.error = p.error().ToString();
        return t;
      }
      t.profiles.push_back(*p);
    }
    return t;
  }();
  return s;
}

// The brute-force baseline, written to be fast: enumerate, score, sort by
// (u0 desc, u1 desc), sweep for the frontier, scan for Nash.
std::size_t BruteForce(const Domain& d, const std::vector<Profile>& p, double* nash) {
  struct Point {
    double u0, u1;
  };
  std::vector<Point> pts;
  Package pkg(d.issues.size(), 0);
  while (true) {
    pts.push_back({p[0].Utility(pkg), p[1].Utility(pkg)});
    std::size_t i = pkg.size();
    while (i > 0 && ++pkg[i - 1] == d.issues[i - 1].size()) {
      pkg[i - 1] = 0;
      --i;
    }
    if (i == 0) break;
  }
  double best = -1;
  for (const auto& q : pts) {
    const double g0 = q.u0 - p[0].reservation;
    const double g1 = q.u1 - p[1].reservation;
    if (g0 >= 0 && g1 >= 0) best = std::max(best, g0 * g1);
  }
  *nash = best;
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) {
    return a.u0 != b.u0 ? a.u0 > b.u0 : a.u1 > b.u1;
  });
  // Kept: a higher u1 than every point with a larger u0, or an exact copy of
  // the last kept point (ties are kept, as in the exact analysis).
  std::size_t frontier = 0;
  double top1 = -1;
  Point last{-1, -1};
  for (const auto& q : pts) {
    if (q.u1 > top1 || (q.u0 == last.u0 && q.u1 == last.u1)) {
      ++frontier;
      top1 = std::max(top1, q.u1);
      last = q;
    }
  }
  return frontier;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double BruteForceSeconds() {
  static const double secs = [] {
    const Scenario& t = Travel();
    double best = 1e9;
    for (int r = 0; r < 3; ++r) {
      double nash = 0;
      const auto start = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(BruteForce(t.domain, t.profiles, &nash));
      best = std::min(best, Seconds(std::chrono::steady_clock::now() - start));
    }
    return best;
  }();
  return secs;
}

void BM_TravelExact(benchmark::State& state) {
  const Scenario& t = Travel();
  if (!t.error.empty()) {
    state.SkipWithError(("Travel not available: " + t.error).c_str());
    return;
  }
  std::size_t frontier = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto r = Analyze(t.domain, t.profiles);
    frontier = r->pareto.size();
    benchmark::DoNotOptimize(r);
  }
  const double per_run =
      Seconds(std::chrono::steady_clock::now() - start) / static_cast<double>(state.iterations());
  state.counters["frontier"] = static_cast<double>(frontier);
  state.counters["brute_ms"] = BruteForceSeconds() * 1e3;
  state.counters["speedup"] = BruteForceSeconds() / per_run;
}
BENCHMARK(BM_TravelExact)->Name("BM_Travel/exact")->Unit(benchmark::kMicrosecond);

void BM_TravelBruteForce(benchmark::State& state) {
  const Scenario& t = Travel();
  if (!t.error.empty()) {
    state.SkipWithError(("Travel not available: " + t.error).c_str());
    return;
  }
  std::size_t frontier = 0;
  for (auto _ : state) {
    double nash = 0;
    frontier = BruteForce(t.domain, t.profiles, &nash);
    benchmark::DoNotOptimize(nash);
  }
  state.counters["frontier"] = static_cast<double>(frontier);
}
BENCHMARK(BM_TravelBruteForce)->Name("BM_Travel/brute_force")->Unit(benchmark::kMillisecond);

// Random additive profiles for `sides` sides, reservation `reservation`.
Scenario SyntheticSides(std::size_t sides, std::size_t issues, std::size_t options,
                        double reservation, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Scenario s;
  s.domain.name = "synthetic";
  for (std::size_t i = 0; i < issues; ++i) {
    Issue issue;
    issue.name = "i" + std::to_string(i);
    for (std::size_t o = 0; o < options; ++o) issue.options.push_back("o" + std::to_string(o));
    s.domain.issues.push_back(issue);
  }
  for (std::size_t side = 0; side < sides; ++side) {
    Profile p;
    p.name = "side" + std::to_string(side);
    p.reservation = reservation;
    double sum = 0;
    for (std::size_t i = 0; i < issues; ++i) {
      p.weights.push_back(unit(rng));
      sum += p.weights.back();
      std::vector<double> e(options);
      for (double& v : e) v = unit(rng);
      const double top = *std::max_element(e.begin(), e.end());
      for (double& v : e) v /= top;
      p.evaluations.push_back(e);
    }
    for (double& w : p.weights) w /= sum;
    s.profiles.push_back(p);
  }
  return s;
}

// Two sides, reservation 0: the 2-side rows.
Scenario Synthetic(std::size_t issues, std::size_t options, std::uint64_t seed) {
  return SyntheticSides(2, issues, options, 0.0, seed);
}

long MaxRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void BM_Synthetic(benchmark::State& state) {
  const auto issues = static_cast<std::size_t>(state.range(0));
  const auto options = static_cast<std::size_t>(state.range(1));
  const Scenario s = Synthetic(issues, options, 1000 * issues + options);
  const long rss_before = MaxRssKiB();
  std::size_t frontier = 0;
  for (auto _ : state) {
    auto r = Analyze(s.domain, s.profiles);
    if (!r.ok()) {
      state.SkipWithError(r.error().ToString().c_str());
      return;
    }
    frontier = r->pareto.size();
    benchmark::DoNotOptimize(r);
  }
  internal::FrontierStats stats;
  auto f = internal::ComputeFrontier(s.domain, s.profiles, AnalysisOptions{}.max_frontier, &stats);
  benchmark::DoNotOptimize(f);
  state.counters["frontier"] = static_cast<double>(frontier);
  state.counters["peak_candidates"] = static_cast<double>(stats.peak_candidates);
  state.counters["est_peak_MiB"] = static_cast<double>(stats.peak_bytes) / (1 << 20);
  state.counters["rss_delta_MiB"] = static_cast<double>(MaxRssKiB() - rss_before) / 1024.0;
  state.counters["peak_rss_MiB"] = static_cast<double>(MaxRssKiB()) / 1024.0;
  state.SetLabel(Domain{s.domain}.OutcomeCount() + " outcomes");
}
BENCHMARK(BM_Synthetic)->Args({20, 10})->Args({40, 5})->Unit(benchmark::kMillisecond);
// Time and memory against the number of issues (10 options each).
BENCHMARK(BM_Synthetic)
    ->ArgsProduct({{5, 10, 15, 20, 25, 30, 40, 50}, {10}})
    ->Unit(benchmark::kMillisecond);

enum class Part { kNash, kKs, kFrontier };

// One timed run of `part`; counters for the last run.
struct PartRun {
  bool ok = true;
  std::string error;
  double seconds = 0;
  double nodes = 0;
  double gap = 0;
  double frontier = 0;
  double est_peak_mib = 0;
};

PartRun RunPart(const Scenario& s, Part part) {
  PartRun r;
  const AnalysisOptions options;
  const auto start = std::chrono::steady_clock::now();
  if (part == Part::kFrontier) {
    internal::FrontierStats stats;
    auto f = internal::ComputeFrontier(s.domain, s.profiles, options.max_frontier, &stats,
                                       options.max_frontier_work);
    if (!f.ok()) {
      r.ok = false;
      r.error = f.error().ToString();
      return r;
    }
    r.frontier = static_cast<double>(f->size());
    r.est_peak_mib = static_cast<double>(stats.peak_bytes) / (1 << 20);
  } else {
    auto sol = internal::SearchSolution(
        s.domain, s.profiles,
        part == Part::kNash ? internal::Goal::kNash : internal::Goal::kKalaiSmorodinsky,
        options.max_search_nodes);
    r.nodes = static_cast<double>(sol.certificate.nodes);
    r.gap = sol.certificate.bound - sol.certificate.value;
    if (!sol.complete) {
      r.ok = false;
      r.error = "search over budget";
    }
  }
  r.seconds = Seconds(std::chrono::steady_clock::now() - start);
  return r;
}

// The same part with only the first two sides, timed once (best of 3).
double TwoSideSeconds(const Scenario& s, Part part) {
  Scenario two = s;
  two.profiles.resize(2);
  double best = 1e9;
  for (int r = 0; r < 3; ++r) best = std::min(best, RunPart(two, part).seconds);
  return best;
}

void RunSidesBenchmark(benchmark::State& state, const Scenario& s, Part part) {
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const long rss_before = MaxRssKiB();
  PartRun last;
  double total = 0;
  for (auto _ : state) {
    last = RunPart(s, part);
    if (!last.ok) {
      state.SkipWithError(last.error.c_str());
      return;
    }
    total += last.seconds;
  }
  const double per_run = total / static_cast<double>(state.iterations());
  if (part == Part::kFrontier) {
    state.counters["frontier"] = last.frontier;
    state.counters["est_peak_MiB"] = last.est_peak_mib;
  } else {
    state.counters["nodes"] = last.nodes;
    state.counters["gap"] = last.gap;
  }
  state.counters["rss_delta_MiB"] = static_cast<double>(MaxRssKiB() - rss_before) / 1024.0;
  state.counters["peak_rss_MiB"] = static_cast<double>(MaxRssKiB()) / 1024.0;
  const double two = TwoSideSeconds(s, part);
  state.counters["two_sides_ms"] = two * 1e3;
  state.counters["vs_2sides"] = per_run / two;
  state.SetLabel(std::to_string(s.profiles.size()) + " sides, " + Domain{s.domain}.OutcomeCount() +
                 " outcomes");
}

void BM_Sides(benchmark::State& state, Part part) {
  const auto sides = static_cast<std::size_t>(state.range(0));
  const auto issues = static_cast<std::size_t>(state.range(1));
  const auto options = static_cast<std::size_t>(state.range(2));
  const Scenario s =
      SyntheticSides(sides, issues, options, 0.3, 7 * sides + 100 * issues + options);
  RunSidesBenchmark(state, s, part);
}
BENCHMARK_CAPTURE(BM_Sides, nash, Part::kNash)
    ->Args({3, 12, 6})
    ->Args({3, 20, 10})
    ->Args({4, 15, 8})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Sides, ks, Part::kKs)
    ->Args({3, 12, 6})
    ->Args({3, 20, 10})
    ->Args({4, 15, 8})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Sides, frontier, Part::kFrontier)
    ->Args({3, 12, 6})
    ->Args({3, 20, 10})
    ->Args({4, 15, 8})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

const Scenario& P5plus1() {
  static const Scenario s = [] {
    Scenario t;
    const std::string dir = std::string(BC_SOURCE_DIR) + "/scenarios/p5plus1/";
    auto d = LoadDomain(dir + "agenda.json");
    if (!d.ok()) {
      t.error = "scenarios/p5plus1: " + d.error().ToString();
      return t;
    }
    t.domain = *d;
    for (const char* f : {"us", "uk", "france", "germany", "china", "russia", "iran"}) {
      auto p = LoadProfile(t.domain, dir + f + ".profile.json");
      if (!p.ok()) {
        t.error = "scenarios/p5plus1: " + p.error().ToString();
        return t;
      }
      t.profiles.push_back(*p);
    }
    return t;
  }();
  return s;
}

void BM_P5plus1(benchmark::State& state, Part part) { RunSidesBenchmark(state, P5plus1(), part); }
BENCHMARK_CAPTURE(BM_P5plus1, nash, Part::kNash)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_P5plus1, ks, Part::kKs)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_P5plus1, frontier, Part::kFrontier)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace backchannel::negotiation

BENCHMARK_MAIN();
