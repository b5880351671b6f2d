// Plans: what a member must send, as a value (docs/talks.md, "Plans").
//
// The state fold (state.h) says what a message means; a plan says what a
// member does about it: the messages to send, each with its scope and, where
// the scope alone does not say it, the exact recipients. The talks service
// (talks_client) executes plans over the channel and the test simulator
// (tests/talks/talks_fixture.h) executes the very same plans in memory, so
// the rules below live here only.
//
//   PlanInvite    host → a new member of the table, envoy → a new principal:
//                 the roster to everyone already in the scope, the talks'
//                 definition to the newcomer (a table newcomer never learns a
//                 side's principals), and for a principal the events its side
//                 already saw, in seq order, so it does not hold every later
//                 event as early forever.
//   PlanSideRule  envoy: the side's clearance rule, as a roster to its side.
//   PlanReaction  after a sync, one step at a time: the host decides its
//                 first pending submission (event to the table, or refusal
//                 to the submitter); else an envoy tables its first cleared
//                 draft; else an envoy forwards its unforwarded events to
//                 its principals. Execute the step, apply it, ask again,
//                 until the plan is empty.
//
// Every planned message carries its talks, mid (fresh, random), author and
// time, so an executor sends it as is; plans never change the state they
// read. Errors say why the member may not do it (state unchanged).
//
// Thread safety: pure functions over a value; safe from any thread.
#ifndef BACKCHANNEL_TALKS_PLAN_H_
#define BACKCHANNEL_TALKS_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/talks/message.h"
#include "backchannel/talks/state.h"

namespace backchannel::talks {

// One message to send. `to`: the exact recipients (possibly none: the
// message is only applied and recorded by its author); nullopt: whoever
// the author's state names for the message's scope once it has applied it
// (TalksState::Recipients).
struct PlannedSend {
  Message message;
  std::optional<std::vector<Member>> to;
};

struct Plan {
  std::vector<PlannedSend> sends;  // in order: apply and send each before the next
  bool empty() const { return sends.empty(); }
};

// `newcomer` carries id, name, role and (envoy, principal) side. The host
// seats envoys, mediators and guarantors; an envoy brings in principals of
// its own side. kAlreadyExists for a member; kFailedPrecondition for anyone
// else inviting.
Result<Plan> PlanInvite(const TalksState& state, const Member& newcomer, std::int64_t time_ms);

// kFailedPrecondition unless we are an envoy; kInvalidArgument for a rule
// that does not parse (clearance.h).
Result<Plan> PlanSideRule(const TalksState& state, const std::string& rule, std::int64_t time_ms);

// The next step after a sync; empty when there is nothing to do.
Result<Plan> PlanReaction(const TalksState& state, std::int64_t time_ms);

// Tabling one of our cleared drafts: a cleared submit naming the draft, to
// the host (PlanReaction's second step, also for a caller that picks the
// draft itself).
PlannedSend TableDraft(const TalksState& state, const Draft& draft, std::int64_t time_ms);

}  // namespace backchannel::talks

#endif  // BACKCHANNEL_TALKS_PLAN_H_
