// A side's clearance rule: who at home must approve a draft before the envoy
// may table it as "cleared", and who may veto it (docs/talks.md, "Clearance").
//
//   "approve=State,NSC;veto=Pentagon"
//
// A draft is cleared once every approver has approved and nobody has vetoed;
// it is blocked as soon as any principal named in the rule vetoes (an
// approver's refusal is a veto too); otherwise it is pending on the approvers
// who have not answered. A veto holder's silence is consent: the draft goes
// out when the approvers are done. An empty rule means the envoy clears alone.
// Names are the display names in the principals' credentials.
//
// Thread safety: value types and pure functions.
#ifndef BACKCHANNEL_TALKS_CLEARANCE_H_
#define BACKCHANNEL_TALKS_CLEARANCE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/result.h"

namespace backchannel::talks {

struct ClearanceRule {
  std::vector<std::string> approvers;
  std::vector<std::string> veto_holders;

  bool empty() const { return approvers.empty() && veto_holders.empty(); }
  bool Names(std::string_view principal) const;
  // "approve=State,NSC;veto=Pentagon" (the canonical text; "" when empty).
  std::string ToString() const;
};

// kInvalidArgument naming the problem: unknown clause, empty or repeated
// name, a name both approver and veto holder.
Result<ClearanceRule> ParseClearanceRule(std::string_view text);

struct Verdict {
  bool approve = false;
  std::string reason;
};

enum class ClearanceState { kPending, kCleared, kBlocked };
std::string_view ClearanceStateName(ClearanceState state);

struct ClearanceOutcome {
  ClearanceState state = ClearanceState::kPending;
  std::vector<std::string> waiting_for;  // approvers who have not answered
  std::vector<std::string> blocked_by;   // who vetoed, in name order
};

// `verdicts`: principal name → verdict. Verdicts from principals the rule
// does not name are ignored (they are advice).
ClearanceOutcome EvaluateClearance(const ClearanceRule& rule,
                                   const std::map<std::string, Verdict>& verdicts);

}  // namespace backchannel::talks

#endif  // BACKCHANNEL_TALKS_CLEARANCE_H_
