// Rehearsal agents and the bilateral alternating-offers protocol, so a side
// can rehearse against a model of its counterpart before talks.
//
// Agents (MakeAgent names): "boulware" and "conceder" (time-dependent tactics
// of Faratin, Sierra and Jennings 1998, e = 0.2 and e = 2), "tit-for-tat"
// (relative tit-for-tat in the agent's own utility), "hardliner" (never
// concedes) and "random" (a baseline). Every agent picks, among its own
// packages near its current target utility, the one a frequency opponent model
// (opponent_model.h) estimates best for the counterpart. Definitions:
// docs/analysis.md ("Rehearsal").
//
// Thread safety: an Agent is used by one thread at a time; RunSession is
// reentrant for distinct agents.
#ifndef BACKCHANNEL_NEGOTIATION_AGENTS_H_
#define BACKCHANNEL_NEGOTIATION_AGENTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation {

// What an agent does on its turn: accept the counterpart's latest offer, or
// make an offer of its own (a complete package).
struct Action {
  enum class Kind { kOffer, kAccept };
  Kind kind = Kind::kOffer;
  Package offer;  // kOffer only
};

class Agent {
 public:
  virtual ~Agent() = default;
  virtual std::string_view name() const = 0;
  // Called once before a session. The agent knows its own profile only.
  // Errors: kInvalidArgument when `own` does not fit `domain`.
  virtual Status Start(const Domain& domain, const Profile& own, int deadline_rounds) = 0;
  // One turn in round `round` (0-based, < deadline_rounds). `received` is the
  // counterpart's latest offer, nullopt before it has made one.
  virtual Action Respond(int round, const std::optional<Package>& received) = 0;
};

// Names accepted by MakeAgent, in a fixed order.
std::vector<std::string> AgentNames();
// Errors: kInvalidArgument for an unknown name.
Result<std::unique_ptr<Agent>> MakeAgent(std::string_view name, std::uint64_t seed = 1);

struct SessionResult {
  bool agreement = false;
  std::optional<Package> package;  // set when agreement
  int rounds = 0;                  // rounds started
  std::vector<Package> offers_a;   // offers made by side a, in order
  std::vector<Package> offers_b;
};

// Alternating offers with a deadline: in each round side a acts, then side b.
// An acceptance of the latest offer ends the session with that package; an
// acceptance with nothing to accept, or an offer that does not fit the
// domain, ends it without agreement. Errors: from Agent::Start, or
// kInvalidArgument when deadline_rounds < 1.
Result<SessionResult> RunSession(const Domain& domain, const Profile& side_a, const Profile& side_b,
                                 Agent& agent_a, Agent& agent_b, int deadline_rounds);

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_AGENTS_H_
