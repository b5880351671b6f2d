// One client's view of talks: a pure fold over the talks messages it sent and
// received (docs/talks.md, "State"). The record (record.h) is that sequence,
// so a client's state is rebuilt by applying its record in order; applying
// the same messages always yields the same state.
//
// Ordering. Plenary actions (moves, suggestions, suspension, conditions) are
// sequenced by the host, the member who created the talks: a member submits
// an action, the host checks it against its own state and broadcasts it as
// event #seq to the table, or sends back a refusal. Every client applies
// events in seq order (holding any that arrive early), so every client's
// negotiation is the same. While the talks are suspended the host holds
// submitted moves and suggestions; they are decided, in order, on resume.
//
// Scopes and who learns what:
//   plenary   the table (envoys, mediators, guarantors) and the sender's principals
//   caucus    one side's envoys and the mediators
//   internal  one side's envoys and principals
//   direct    one member
// Principals follow the table through their envoys, who forward every event
// to them. The table never learns who a side's principals are, nor its rule.
//
// Apply refuses (with a specific Status, state unchanged) anything a member
// may not send: a message for another talks, from a non-member, in a scope
// that does not include this client, an event not from the host, a verdict
// from a principal of another side, a move by a mediator, anything but
// unofficial words and ideas from a Track 2 participant, ...
//
// Thread safety: a value type; distinct objects are independent.
#ifndef BACKCHANNEL_TALKS_STATE_H_
#define BACKCHANNEL_TALKS_STATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"
#include "backchannel/negotiation/moves.h"
#include "backchannel/talks/clearance.h"
#include "backchannel/talks/message.h"

namespace backchannel::talks {

// Converts between the names on the wire and the engine's indices.
// kInvalidArgument naming the unknown issue or option.
Result<negotiation::PartialPackage> ResolvePackage(const negotiation::Domain& domain,
                                                   const PackageSpec& spec);
PackageSpec DescribePackage(const negotiation::Domain& domain,
                            const negotiation::PartialPackage& package);

struct Condition {
  std::string id;  // "c1", ...
  ConditionSpec spec;
  ConditionStatus status = ConditionStatus::kPending;
  std::string note;  // the guarantor's
};

struct Suggestion {
  std::string id;  // "s1", ...
  PackageSpec package;
  std::string note;
  std::vector<std::string> conditions;  // condition ids
  std::uint64_t seq = 0;
};

// What the talks layer adds to each engine move.
struct MoveInfo {
  std::string actor;  // member id
  Authority authority = Authority::kCleared;
  std::string adopts;                   // suggestion id this offer adopts
  std::vector<std::string> conditions;  // condition ids attached to this offer
  std::uint64_t seq = 0;
};

struct Draft {
  std::string id;      // "d1", ... per side
  std::string author;  // member id of the drafting envoy
  Action action;
  std::string revises;
  std::map<std::string, Verdict> verdicts;  // principal name → verdict
  bool tabled = false;                      // submitted to the host
  std::uint64_t seq = 0;                    // the event that tabled it (0: not yet seen)
};

struct Submission {
  std::string mid;
  std::string sender;  // member id
  Action action;
  std::string draft;  // the cleared draft a cleared move tables (its id)
};

struct Suspension {
  std::string by;    // member id
  std::string side;  // the suspending side (empty: a mediator)
  std::string reason;
};

// A package floated as a non-binding idea (Action::Kind::kIdea), by a
// member without a side; shown with its author's label (label.h).
struct Idea {
  std::string id;  // "i1", ...
  std::string by;  // member id
  PackageSpec package;
  std::string note;
  std::uint64_t seq = 0;
};

struct FloatedPackage {
  std::string from;
  std::string side;
  PackageSpec package;
  std::string note;
};

class TalksState {
 public:
  // `self`: this client's member id.
  explicit TalksState(std::string self) : self_(std::move(self)) {}

  // The state of talks this client creates and hosts. kInvalidArgument for a
  // bad agenda, fewer than two sides, or a `self` that is not in `members`.
  static Result<TalksState> Create(const std::string& talks, const Definition& definition,
                                   const std::string& self);

  // Applies one message. `sender`: the member id of whoever sent it over the
  // channel (ourselves when outgoing). Errors leave the state unchanged.
  Status Apply(const Message& message, const std::string& sender, bool outgoing);

  // True when `message` (received) was applied before: a re-delivery.
  bool Knows(const Message& message) const;

  // ---- reactor: what this client should send now (the service does it) ----
  // Host: submissions not yet answered and not held by a suspension.
  std::vector<Submission> SubmissionsToDecide() const;
  // Host: the event or refusal answering `submission`.
  Result<Message> Decide(const Submission& submission, std::int64_t time_ms) const;
  // Envoy: its own drafts that are cleared and not yet tabled.
  std::vector<const Draft*> DraftsToTable() const;
  // Envoy: events not yet forwarded to its principals (in seq order).
  std::vector<Message> EventsToForward() const;

  // Checks an action this client wants to submit against the current state
  // (as the host will); the specific error if it would be refused.
  Status Precheck(const Action& action) const;

  // The members a message in `scope` goes to from this client (not
  // including itself). kFailedPrecondition when this client may not speak
  // in that scope.
  Result<std::vector<Member>> Recipients(const Scope& scope) const;

  // ---- views ----
  bool initialized() const { return negotiation_.has_value(); }
  const std::string& talks() const { return talks_; }
  const std::string& self() const { return self_; }
  const Definition& definition() const { return definition_; }
  const negotiation::Domain& domain() const { return negotiation_->domain(); }
  const negotiation::Negotiation& negotiation() const { return *negotiation_; }
  const std::map<std::string, Member>& members() const { return members_; }
  const Member* FindMember(const std::string& id) const;
  const Member* FindMemberByName(const std::string& name) const;
  const Member& me() const { return members_.at(self_); }
  bool IsHost() const { return definition_.host == self_; }
  const ClearanceRule& rule() const { return rule_; }
  const std::optional<Suspension>& suspension() const { return suspension_; }
  const std::vector<Condition>& conditions() const { return conditions_; }
  const std::vector<Suggestion>& suggestions() const { return suggestions_; }
  const std::map<negotiation::MoveId, MoveInfo>& move_info() const { return move_info_; }
  const std::vector<Draft>& drafts() const { return drafts_; }
  const Draft* FindDraft(const std::string& id) const;
  ClearanceOutcome DraftClearance(const Draft& draft) const;
  const std::map<std::string, std::string>& shared_profiles() const { return profiles_; }
  const std::vector<FloatedPackage>& floats() const { return floats_; }
  const std::vector<Idea>& ideas() const { return ideas_; }
  // Our submissions the host refused: submit mid → reason.
  const std::map<std::string, std::string>& refusals() const { return refusals_; }
  // Our submissions still awaiting the host.
  std::vector<Submission> AwaitingHost() const;
  std::uint64_t last_seq() const { return applied_seq_; }
  // The events applied so far, in seq order.
  const std::vector<Message>& events() const { return events_; }
  std::string NextDraftId() const { return "d" + std::to_string(drafts_.size() + 1); }
  // The conditions of an offer or suggestion, by id.
  std::vector<const Condition*> ConditionsOf(const std::vector<std::string>& ids) const;

 private:
  Status ApplyDefinition(const Message& m, const Definition& d, const std::string& sender);
  Status ApplyRoster(const Message::Roster& m, const std::string& sender);
  Status ApplySubmit(const Message& m, const Message::Submit& submit, const Member& from,
                     const std::string& sender, bool outgoing);
  Status ApplyRefusal(const Message& m, const Message::Refusal& refusal, const std::string& sender,
                      bool outgoing);
  Status ApplyEvent(const Message& m, const Message::Event& event, const std::string& sender,
                    bool outgoing);
  Status ApplySequenced(const Message& message);
  Status ApplyAction(const Action& action, const std::string& actor, std::uint64_t seq);
  Status ApplyMove(const Action& action, const Member& actor, std::uint64_t seq);
  Status ApplyDraft(const Message& m, const Message::Draft& draft, const std::string& sender);
  Status ApplyVerdict(const Message& m, const Message::Verdict& verdict, const std::string& sender);
  Status CheckInScope(const Message& m, const std::string& sender, bool outgoing) const;
  Status CheckClaim(const Member& from, Authority authority, bool outgoing) const;
  Status CheckClearedDraft(const Member& actor, const Action& action,
                           const std::string& draft) const;
  Result<const Member*> Sender(const std::string& id) const;
  Status CheckNotSuspended() const;
  std::vector<std::string> AddConditions(const std::vector<ConditionSpec>& specs);
  bool OnMySide(const Member& m) const;

  std::string self_;
  std::string talks_;
  Definition definition_;
  std::optional<negotiation::Negotiation> negotiation_;
  std::map<std::string, Member> members_;
  ClearanceRule rule_;
  std::set<std::string> applied_;  // message mids
  std::uint64_t applied_seq_ = 0;
  std::map<std::uint64_t, Message> early_events_;
  std::vector<Message> events_;      // applied, in seq order
  std::set<std::string> forwarded_;  // event mids we forwarded to our principals
  std::optional<Suspension> suspension_;
  std::vector<Condition> conditions_;
  std::vector<Suggestion> suggestions_;
  std::map<negotiation::MoveId, MoveInfo> move_info_;
  std::vector<Draft> drafts_;
  std::map<std::string, std::string> profiles_;  // side → profile JSON (mediator)
  std::vector<FloatedPackage> floats_;
  std::vector<Idea> ideas_;
  std::vector<Submission> submissions_;  // host: received, unanswered
  std::vector<Submission> mine_;         // ours, unanswered
  std::set<std::string> answered_;       // submit mids with an event or refusal
  std::map<std::string, std::string> refusals_;
};

}  // namespace backchannel::talks

#endif  // BACKCHANNEL_TALKS_STATE_H_
