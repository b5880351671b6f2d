// Rehearsal tournaments: every pair of rehearsal agents (agents.h) negotiates
// every given scenario under the alternating-offers protocol, in both roles,
// and each agent's results are averaged. Used by `backchannel rehearse`.
// Algorithms and definitions: docs/analysis.md ("Rehearsal").
//
// Pure computation, deterministic for a given seed; no I/O. Thread safety:
// RunTournament is reentrant.
#ifndef BACKCHANNEL_NEGOTIATION_TOURNAMENT_H_
#define BACKCHANNEL_NEGOTIATION_TOURNAMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation {

// One bilateral negotiation setting: a domain and the two sides' profiles.
struct Scenario {
  std::string name;
  Domain domain;
  Profile side_a;
  Profile side_b;
};

struct TournamentOptions {
  // Agent names as accepted by MakeAgent (agents.h); empty means all of
  // AgentNames().
  std::vector<std::string> agents;
  // Deadline of each session in rounds; a round is one offer (or acceptance)
  // by each side. No agreement by then means both get their reservation value.
  int deadline_rounds = 100;
  // Also run each pairing with the roles swapped (agent 2 plays side_a).
  bool both_roles = true;
  // Include sessions in which an agent negotiates against itself.
  bool self_play = true;
  std::uint64_t seed = 1;
};

// The result of one session.
struct SessionRecord {
  std::string scenario;
  std::string agent_a;  // plays side_a
  std::string agent_b;  // plays side_b
  bool agreement = false;
  std::optional<Package> package;  // the agreed package, if any
  int rounds = 0;                  // rounds used
  double utility_a = 0;            // side_a's utility (reservation if none)
  double utility_b = 0;
  double nash_distance = 0;  // Euclidean distance of (utility_a, utility_b) to Nash
};

// Per-agent averages over every session it took part in (a self-play session
// counts once for each side the agent played).
struct AgentStats {
  std::string agent;
  int sessions = 0;
  int agreements = 0;
  double agreement_rate = 0;   // agreements / sessions
  double average_utility = 0;  // its own utility, reservation on failure
  double average_nash_distance = 0;
};

struct TournamentReport {
  std::vector<AgentStats> agents;  // in TournamentOptions::agents order
  std::vector<SessionRecord> sessions;
};

// Errors: kInvalidArgument for an unknown agent name, deadline_rounds < 1, no
// scenario, or a profile that does not fit its scenario's domain;
// kResourceExhausted when a scenario is too large to analyse (see analysis.h).
Result<TournamentReport> RunTournament(const std::vector<Scenario>& scenarios,
                                       const TournamentOptions& options = {});

// n sides (n >= 2): one domain and a profile per side.
struct MultilateralScenario {
  std::string name;
  Domain domain;
  std::vector<Profile> profiles;
};

struct MultilateralSessionRecord {
  std::vector<std::string> agents;  // agent of each side
  bool agreement = false;
  std::optional<Package> package;
  int rounds = 0;
  std::vector<double> utilities;  // per side (reservation if no agreement)
  double nash_distance = 0;       // Euclidean distance of `utilities` to the Nash point
};

struct MultilateralTournamentReport {
  std::vector<AgentStats> agents;  // in TournamentOptions::agents order
  std::vector<MultilateralSessionRecord> sessions;
  // The exact Nash point (by search, docs/analysis.md "Many sides");
  // the reservations when there is no zone of agreement.
  std::vector<double> nash;
};

// Stacked alternating offers sessions (agents.h, RunMultilateralSession):
// every agent A, on every side s, against every agent B on all the other
// sides (B != A; with self_play, also one session with A everywhere);
// `both_roles` is not used. AgentStats count each side an agent played.
// Errors: as RunTournament; kInvalidArgument for fewer than two profiles.
Result<MultilateralTournamentReport> RunMultilateralTournament(
    const MultilateralScenario& scenario, const TournamentOptions& options = {});

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_TOURNAMENT_H_
