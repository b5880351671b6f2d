// The analysis chart's request (issue 18: "talks.analysis" within about a
// second): app::AnalysisJson, serialised as the web app sends it, for a
// mediator holding both sides' profiles.
//
//   BM_AnalysisTravel/CAP  Travel (188,160 outcomes, ../shared/domains/Travel)
//   BM_AnalysisLarge/CAP   20 issues x 10 options (10^20 outcomes), random
//                          additive profiles (fixed seed), reservations 0.3
//   BM_AnalysisConflict/CAP 20 issues x 10 options, the ui test's profiles
//                          (tests/ui/talks_chart.spec.ts): linear, opposed on
//                          every issue, so u_A + u_B = 1 everywhere and every
//                          package ties on the frontier (over any budget)
//   BM_AnalysisConflictKept/CAP the same, its basis kept in the memo
// Counters: vs_1s = seconds per request / the issue's 1 s aim (below 1 meets
// it), frontier (points sent), frontier_complete, bytes (the JSON answer).
#include <benchmark/benchmark.h>

#include <chrono>
#include <random>
#include <string>

#include "backchannel/app/analysis_memo.h"
#include "backchannel/app/analysis_view.h"
#include "backchannel/negotiation/io.h"

namespace backchannel::app {
namespace {

using negotiation::Domain;
using negotiation::Profile;

AnalysisInput MediatorInput(Domain domain, std::vector<Profile> profiles) {
  AnalysisInput in;
  in.domain = std::move(domain);
  in.sides = {"A", "B"};
  in.mediator = true;
  for (auto& p : profiles) in.profiles.emplace_back(std::move(p));
  in.exact = {true, true};
  in.offers_seen = {0, 0};
  return in;
}

Result<AnalysisInput> Travel() {
  const std::string dir = std::string(BC_SOURCE_DIR) + "/../shared/domains/Travel/";
  negotiation::ImportOptions lenient{negotiation::ParseMode::kLenient, nullptr};
  BC_ASSIGN_OR_RETURN(auto d, negotiation::LoadDomain(dir + "travel_domain.xml", lenient));
  std::vector<Profile> profiles;
  for (const char* f : {"travel_chox.xml", "travel_fanny.xml"}) {
    BC_ASSIGN_OR_RETURN(auto p, negotiation::LoadProfile(d, dir + f, lenient));
    profiles.push_back(std::move(p));
  }
  return MediatorInput(std::move(d), std::move(profiles));
}

// `issues` issues named PREFIX0, PREFIX1, ..., each with options o0..o(options-1).
Domain GridDomain(const std::string& name, const std::string& prefix, std::size_t issues,
                  std::size_t options) {
  Domain d;
  d.name = name;
  for (std::size_t i = 0; i < issues; ++i) {
    negotiation::Issue issue;
    issue.name = prefix + std::to_string(i);
    for (std::size_t o = 0; o < options; ++o) issue.options.push_back("o" + std::to_string(o));
    d.issues.push_back(std::move(issue));
  }
  return d;
}

// Deterministic random profiles: benchmark data, not secrets.
AnalysisInput Large(std::size_t issues, std::size_t options) {
  Domain d = GridDomain("large", "issue", issues, options);
  std::mt19937_64 rng(18);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<Profile> profiles;
  for (int side = 0; side < 2; ++side) {
    Profile p;
    p.name = side == 0 ? "A" : "B";
    p.reservation = 0.3;
    double sum = 0;
    for (std::size_t i = 0; i < issues; ++i) {
      p.weights.push_back(unit(rng));
      sum += p.weights.back();
      std::vector<double> e;
      for (std::size_t o = 0; o < options; ++o) e.push_back(unit(rng));
      e[rng() % options] = 1.0;
      p.evaluations.push_back(std::move(e));
    }
    for (double& w : p.weights) w /= sum;
    profiles.push_back(std::move(p));
  }
  return MediatorInput(std::move(d), std::move(profiles));
}

// As tests/ui/talks_chart.spec.ts writes them: issue i weighs (i+1)/sum,
// option k is worth k/(options-1) to A and the reverse to B.
AnalysisInput Conflict(std::size_t issues, std::size_t options) {
  Domain d = GridDomain("conflict", "i", issues, options);
  const double total = static_cast<double>(issues * (issues + 1)) / 2;
  std::vector<Profile> profiles;
  for (int side = 0; side < 2; ++side) {
    Profile p;
    p.name = side == 0 ? "A" : "B";
    p.reservation = 0.3;
    for (std::size_t i = 0; i < issues; ++i) {
      p.weights.push_back(static_cast<double>(i + 1) / total);
      std::vector<double> e;
      for (std::size_t o = 0; o < options; ++o) {
        const std::size_t k = side == 0 ? o : options - 1 - o;
        e.push_back(static_cast<double>(k) / static_cast<double>(options - 1));
      }
      p.evaluations.push_back(std::move(e));
    }
    profiles.push_back(std::move(p));
  }
  return MediatorInput(std::move(d), std::move(profiles));
}

void Run(benchmark::State& state, const AnalysisInput& in, ChartSolutionsMemo* memo = nullptr) {
  const auto cap = static_cast<std::size_t>(state.range(0));
  double seconds = 0;
  std::size_t frontier = 0;
  std::size_t bytes = 0;
  bool complete = false;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto j = AnalysisJson(in, cap, memo);
    if (!j) {
      state.SkipWithError(j.error().ToString().c_str());
      return;
    }
    const std::string body = Dump(*j);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    frontier = (*j)["frontier"].size();
    complete = (*j)["frontier_complete"].get<bool>();
    bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["vs_1s"] = seconds / static_cast<double>(state.iterations()) / 1.0;
  state.counters["frontier"] = static_cast<double>(frontier);
  state.counters["frontier_complete"] = complete ? 1 : 0;
  state.counters["bytes"] = static_cast<double>(bytes);
}

void BM_AnalysisTravel(benchmark::State& state) {
  static const Result<AnalysisInput> in = Travel();
  if (!in) {
    state.SkipWithError(("Travel not available: " + in.error().ToString()).c_str());
    return;
  }
  Run(state, *in);
}
BENCHMARK(BM_AnalysisTravel)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_AnalysisLarge(benchmark::State& state) {
  static const AnalysisInput in = Large(20, 10);
  Run(state, in);
}
BENCHMARK(BM_AnalysisLarge)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_AnalysisConflict(benchmark::State& state) {
  static const AnalysisInput in = Conflict(20, 10);
  Run(state, in);
}
BENCHMARK(BM_AnalysisConflict)->Arg(2000)->Unit(benchmark::kMillisecond);

// The same through the memo the app reads (analysis_memo.h), the basis
// computed once before the timing: what a chart asked again, or prepared in
// the background, costs.
void BM_AnalysisConflictKept(benchmark::State& state) {
  static const AnalysisInput in = Conflict(20, 10);
  ChartSolutionsMemo memo;
  if (!AnalysisJson(in, 1, &memo)) {
    state.SkipWithError("the first computation failed");
    return;
  }
  Run(state, in, &memo);
}
BENCHMARK(BM_AnalysisConflictKept)->Arg(2000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace backchannel::app

BENCHMARK_MAIN();
