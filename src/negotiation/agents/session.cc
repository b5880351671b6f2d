// RunSession: the bilateral alternating-offers protocol with a deadline.
#include "backchannel/negotiation/agents.h"
#include "negotiation/analysis/common.h"

namespace backchannel::negotiation {

Result<SessionResult> RunSession(const Domain& domain, const Profile& side_a, const Profile& side_b,
                                 Agent& agent_a, Agent& agent_b, int deadline_rounds) {
  if (deadline_rounds < 1) return InvalidArgument("deadline_rounds must be at least 1");
  BC_RETURN_IF_ERROR(agent_a.Start(domain, side_a, deadline_rounds));
  BC_RETURN_IF_ERROR(agent_b.Start(domain, side_b, deadline_rounds));
  SessionResult r;
  std::optional<Package> from_a;
  std::optional<Package> from_b;
  for (int round = 0; round < deadline_rounds; ++round) {
    r.rounds = round + 1;
    for (int turn = 0; turn < 2; ++turn) {
      Agent& agent = turn == 0 ? agent_a : agent_b;
      const std::optional<Package>& received = turn == 0 ? from_b : from_a;
      Action act = agent.Respond(round, received);
      if (act.kind == Action::Kind::kAccept) {
        if (!received.has_value()) return r;  // nothing to accept: the session fails
        r.agreement = true;
        r.package = received;
        return r;
      }
      if (!internal::ValidatePackage(domain, act.offer).ok()) return r;
      (turn == 0 ? r.offers_a : r.offers_b).push_back(act.offer);
      (turn == 0 ? from_a : from_b) = std::move(act.offer);
    }
  }
  return r;
}

Status Agent::StartMultilateral(const Domain& domain, const Profile& own, int deadline_rounds,
                                std::size_t /*sides*/, std::size_t /*self*/) {
  return Start(domain, own, deadline_rounds);
}

Action Agent::RespondMultilateral(int round, const std::optional<Package>& on_table,
                                  std::size_t /*maker*/) {
  return Respond(round, on_table);
}

Result<MultilateralSessionResult> RunMultilateralSession(const Domain& domain,
                                                         const std::vector<Profile>& profiles,
                                                         const std::vector<Agent*>& agents,
                                                         int deadline_rounds) {
  if (deadline_rounds < 1) return InvalidArgument("deadline_rounds must be at least 1");
  const std::size_t n = profiles.size();
  if (n < 2) return InvalidArgument("a session needs at least two sides");
  if (agents.size() != n) return InvalidArgument("one agent per profile is needed");
  for (std::size_t i = 0; i < n; ++i) {
    if (agents[i] == nullptr) return InvalidArgument("an agent is missing");
    BC_RETURN_IF_ERROR(agents[i]->StartMultilateral(domain, profiles[i], deadline_rounds, n, i));
  }
  MultilateralSessionResult r;
  r.offers.resize(n);
  std::optional<Package> on_table;
  std::size_t maker = 0;
  std::size_t accepts = 0;
  for (int round = 0; round < deadline_rounds; ++round) {
    r.rounds = round + 1;
    for (std::size_t i = 0; i < n; ++i) {
      Action act = agents[i]->RespondMultilateral(round, on_table, maker);
      if (act.kind == Action::Kind::kAccept) {
        if (!on_table.has_value() || maker == i) return r;  // nothing to accept: fails
        if (++accepts == n - 1) {
          r.agreement = true;
          r.package = on_table;
          return r;
        }
        continue;
      }
      if (!internal::ValidatePackage(domain, act.offer).ok()) return r;
      r.offers[i].push_back(act.offer);
      on_table = std::move(act.offer);
      maker = i;
      accepts = 0;
    }
  }
  return r;
}

}  // namespace backchannel::negotiation
