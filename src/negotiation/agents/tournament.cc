// RunTournament: every pairing of agents on every scenario.
#include "backchannel/negotiation/tournament.h"

#include <cmath>
#include <memory>
#include <string>

#include "backchannel/negotiation/agents.h"
#include "backchannel/negotiation/analysis.h"
#include "negotiation/analysis/common.h"
#include "negotiation/analysis/solutions.h"

namespace backchannel::negotiation {
namespace {

std::uint64_t Mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  // splitmix64 over the combined indices: distinct, reproducible seeds.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (1 + a + 1000 * b + 1000000 * c);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Turns the sums over each agent's sessions into averages.
void Average(const std::vector<double>& utility_sum, const std::vector<double>& distance_sum,
             std::vector<AgentStats>* agents) {
  for (std::size_t i = 0; i < agents->size(); ++i) {
    AgentStats& st = (*agents)[i];
    if (st.sessions == 0) continue;
    const double n = st.sessions;
    st.agreement_rate = st.agreements / n;
    st.average_utility = utility_sum[i] / n;
    st.average_nash_distance = distance_sum[i] / n;
  }
}

}  // namespace

Result<TournamentReport> RunTournament(const std::vector<Scenario>& scenarios,
                                       const TournamentOptions& options) {
  if (scenarios.empty()) return InvalidArgument("the tournament needs at least one scenario");
  if (options.deadline_rounds < 1) return InvalidArgument("deadline_rounds must be at least 1");
  const std::vector<std::string> names = options.agents.empty() ? AgentNames() : options.agents;
  for (const auto& n : names) BC_RETURN_IF_ERROR(MakeAgent(n).status());

  TournamentReport report;
  for (const auto& n : names) report.agents.push_back(AgentStats{n});
  std::vector<double> utility_sum(names.size(), 0.0);
  std::vector<double> distance_sum(names.size(), 0.0);

  for (std::size_t sc = 0; sc < scenarios.size(); ++sc) {
    const Scenario& s = scenarios[sc];
    BC_ASSIGN_OR_RETURN(AnalysisReport analysis, Analyze(s.domain, {s.side_a, s.side_b}));
    // With no zone of agreement the Nash point is the disagreement point.
    const double nash_a = analysis.nash ? analysis.nash->utilities[0] : s.side_a.reservation;
    const double nash_b = analysis.nash ? analysis.nash->utilities[1] : s.side_b.reservation;
    for (std::size_t i = 0; i < names.size(); ++i) {
      for (std::size_t j = 0; j < names.size(); ++j) {
        if (i == j && !options.self_play) continue;
        if (i > j && !options.both_roles) continue;
        BC_ASSIGN_OR_RETURN(auto a, MakeAgent(names[i], Mix(options.seed, sc, i, 2 * j)));
        BC_ASSIGN_OR_RETURN(auto b, MakeAgent(names[j], Mix(options.seed, sc, j, 2 * i + 1)));
        BC_ASSIGN_OR_RETURN(SessionResult r, RunSession(s.domain, s.side_a, s.side_b, *a, *b,
                                                        options.deadline_rounds));
        SessionRecord rec;
        rec.scenario = s.name;
        rec.agent_a = names[i];
        rec.agent_b = names[j];
        rec.agreement = r.agreement;
        rec.package = r.package;
        rec.rounds = r.rounds;
        rec.utility_a = r.agreement ? s.side_a.Utility(*r.package) : s.side_a.reservation;
        rec.utility_b = r.agreement ? s.side_b.Utility(*r.package) : s.side_b.reservation;
        rec.nash_distance = std::hypot(rec.utility_a - nash_a, rec.utility_b - nash_b);
        for (const auto& [idx, u] : {std::pair{i, rec.utility_a}, std::pair{j, rec.utility_b}}) {
          AgentStats& st = report.agents[idx];
          ++st.sessions;
          st.agreements += rec.agreement ? 1 : 0;
          utility_sum[idx] += u;
          distance_sum[idx] += rec.nash_distance;
        }
        report.sessions.push_back(std::move(rec));
      }
    }
  }
  Average(utility_sum, distance_sum, &report.agents);
  return report;
}

Result<MultilateralTournamentReport> RunMultilateralTournament(const MultilateralScenario& scenario,
                                                               const TournamentOptions& options) {
  const std::size_t n = scenario.profiles.size();
  if (n < 2) return InvalidArgument("the tournament needs at least two profiles");
  if (options.deadline_rounds < 1) return InvalidArgument("deadline_rounds must be at least 1");
  const std::vector<std::string> names = options.agents.empty() ? AgentNames() : options.agents;
  for (const auto& name : names) BC_RETURN_IF_ERROR(MakeAgent(name).status());
  BC_RETURN_IF_ERROR(internal::ValidateInputs(scenario.domain, scenario.profiles, 2));
  // Only the Nash point is needed: the search alone, not the whole analysis
  // (whose frontier may be large for many sides).
  const internal::SearchedSolution nash =
      internal::SearchSolution(scenario.domain, scenario.profiles, internal::Goal::kNash,
                               AnalysisOptions{}.max_search_nodes);
  MultilateralTournamentReport report;
  for (std::size_t s = 0; s < n; ++s) {
    report.nash.push_back(nash.package ? nash.package->utilities[s]
                                       : scenario.profiles[s].reservation);
  }
  for (const auto& name : names) report.agents.push_back(AgentStats{name});
  std::vector<double> utility_sum(names.size(), 0.0);
  std::vector<double> distance_sum(names.size(), 0.0);
  auto play = [&](const std::vector<std::size_t>& seats, std::uint64_t session) -> Status {
    std::vector<std::unique_ptr<Agent>> owned;
    std::vector<Agent*> agents;
    for (std::size_t s = 0; s < n; ++s) {
      BC_ASSIGN_OR_RETURN(auto a, MakeAgent(names[seats[s]], Mix(options.seed, session, s, 0)));
      agents.push_back(a.get());
      owned.push_back(std::move(a));
    }
    BC_ASSIGN_OR_RETURN(MultilateralSessionResult r,
                        RunMultilateralSession(scenario.domain, scenario.profiles, agents,
                                               options.deadline_rounds));
    MultilateralSessionRecord rec;
    rec.agreement = r.agreement;
    rec.package = r.package;
    rec.rounds = r.rounds;
    double d2 = 0;
    for (std::size_t s = 0; s < n; ++s) {
      rec.agents.push_back(names[seats[s]]);
      const Profile& p = scenario.profiles[s];
      rec.utilities.push_back(r.agreement ? p.Utility(*r.package) : p.reservation);
      d2 += (rec.utilities[s] - report.nash[s]) * (rec.utilities[s] - report.nash[s]);
    }
    rec.nash_distance = std::sqrt(d2);
    for (std::size_t s = 0; s < n; ++s) {
      AgentStats& st = report.agents[seats[s]];
      ++st.sessions;
      st.agreements += rec.agreement ? 1 : 0;
      utility_sum[seats[s]] += rec.utilities[s];
      distance_sum[seats[s]] += rec.nash_distance;
    }
    report.sessions.push_back(std::move(rec));
    return Status::Ok();
  };
  std::uint64_t session = 0;
  for (std::size_t a = 0; a < names.size(); ++a) {
    if (options.self_play) {
      BC_RETURN_IF_ERROR(play(std::vector<std::size_t>(n, a), session++));
    }
    for (std::size_t b = 0; b < names.size(); ++b) {
      if (b == a) continue;
      for (std::size_t s = 0; s < n; ++s) {
        std::vector<std::size_t> seats(n, b);
        seats[s] = a;
        BC_RETURN_IF_ERROR(play(seats, session++));
      }
    }
  }
  Average(utility_sum, distance_sum, &report.agents);
  return report;
}

}  // namespace backchannel::negotiation
