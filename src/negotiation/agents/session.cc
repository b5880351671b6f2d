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

}  // namespace backchannel::negotiation
