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
  Agent() = default;
  virtual ~Agent() = default;
  Agent(const Agent&) = default;
  Agent& operator=(const Agent&) = default;
  Agent(Agent&&) = default;
  Agent& operator=(Agent&&) = default;
  virtual std::string_view name() const = 0;
  // Called once before a session. The agent knows its own profile only.
  // Errors: kInvalidArgument when `own` does not fit `domain`.
  virtual Status Start(const Domain& domain, const Profile& own, int deadline_rounds) = 0;
  // One turn in round `round` (0-based, < deadline_rounds). `received` is the
  // counterpart's latest offer, nullopt before it has made one.
  virtual Action Respond(int round, const std::optional<Package>& received) = 0;

  // Sessions of n >= 2 sides (RunMultilateralSession). `self` is this
  // agent's side index among `sides`. Default: Start.
  virtual Status StartMultilateral(const Domain& domain, const Profile& own, int deadline_rounds,
                                   std::size_t sides, std::size_t self);
  // One turn: the offer on the table (nullopt before the first) and the side
  // that made it. Default: Respond(round, on_table).
  virtual Action RespondMultilateral(int round, const std::optional<Package>& on_table,
                                     std::size_t maker);
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

struct MultilateralSessionResult {
  bool agreement = false;
  std::optional<Package> package;            // set when agreement
  int rounds = 0;                            // rounds started
  std::vector<std::vector<Package>> offers;  // offers made by each side, in order
};

// The stacked alternating offers protocol (SAOP, Aydogan et al. 2017) for n
// sides: in each round sides 0..n-1 take one turn each, in order; a side
// accepts the offer on the table or makes a new one, and the offer is agreed
// once every other side has accepted it in a row. An acceptance with nothing
// on the table or an offer that does not fit the domain ends the session
// without agreement, as does the deadline. Every agent (BaseAgent) keeps one
// frequency model per counterpart and offers, near its target, the package
// whose lowest estimated utility among the counterparts is highest.
// Errors: from StartMultilateral, kInvalidArgument when deadline_rounds < 1,
// fewer than two sides or the agents do not match the profiles.
Result<MultilateralSessionResult> RunMultilateralSession(const Domain& domain,
                                                         const std::vector<Profile>& profiles,
                                                         const std::vector<Agent*>& agents,
                                                         int deadline_rounds);

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_AGENTS_H_
