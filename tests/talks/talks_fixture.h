// Talks between several simulated clients in one process, for the talks tests
// and the talks_state fuzz target (so: no GoogleTest here).
//
// Each client is a TalksState with its own member id. "Sending" a message is
// what a client would do: encode it, decode it (the bytes on the wire), apply
// it on the sender as outgoing, then apply it on every recipient the sender's
// state names for its scope, as incoming from the sender. What a member does
// on its own (seat the table, bring principals in, decide submissions, table
// cleared drafts, forward events) is the talks library's plans (talks/plan.h)
// executed here exactly as the talks service executes them: the simulator
// has no rules of its own. Every successful Apply is logged per client, so a
// client's state can be rebuilt from its log (replay determinism).
//
// The table: host Brahimi (mediator), envoys Crocker (United States) and
// Zarif (Iran), guarantor ICRC; principals State, NSC, Pentagon (United
// States, "approve=State,NSC;veto=Pentagon") and Leader (Iran,
// "approve=Leader"), announced only by their own envoy.
#ifndef BACKCHANNEL_TESTS_TALKS_TALKS_FIXTURE_H_
#define BACKCHANNEL_TESTS_TALKS_TALKS_FIXTURE_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"
#include "backchannel/negotiation/io.h"
#include "backchannel/talks/clearance.h"
#include "backchannel/talks/message.h"
#include "backchannel/talks/plan.h"
#include "backchannel/talks/state.h"

namespace backchannel::talks::sim {

// "02" followed by 64 hex digits of n: the shape of a 33-byte identity key.
inline std::string MemberId(unsigned n) {
  char buf[67];
  std::snprintf(buf, sizeof buf, "02%064x", n);
  return buf;
}

inline negotiation::Domain Agenda() {
  using negotiation::IssueKind;
  negotiation::Domain d;
  d.name = "grand bargain";
  d.issues.push_back({"enrichment", IssueKind::kDiscrete, {"none", "capped", "open"}, 0, 0, false});
  d.issues.push_back({"sanctions", IssueKind::kDiscrete, {"kept", "eased", "lifted"}, 0, 0, false});
  d.issues.push_back(
      {"inspections", IssueKind::kDiscrete, {"none", "ad_hoc", "intrusive"}, 0, 0, false});
  return d;
}

// A valid profile of the agenda, in the engine's native JSON.
inline std::string ProfileJson(const std::string& name) {
  const negotiation::Domain d = Agenda();
  negotiation::Profile p;
  p.name = name;
  p.weights = {0.5, 0.3, 0.2};
  p.evaluations = {{1.0, 0.5, 0.0}, {0.0, 0.5, 1.0}, {1.0, 0.6, 0.0}};
  p.reservation = 0.2;
  return negotiation::ProfileToJson(d, p);
}

inline const std::string kUs = "United States";
inline const std::string kIran = "Iran";
inline const std::string kTalksId = "geneva-1";

// Complete packages of the agenda.
inline PackageSpec PackageA() {
  return {{"enrichment", "capped"}, {"sanctions", "eased"}, {"inspections", "intrusive"}};
}
inline PackageSpec PackageB() {
  return {{"enrichment", "open"}, {"sanctions", "lifted"}, {"inspections", "ad_hoc"}};
}
inline PackageSpec PackageC() {
  return {{"enrichment", "none"}, {"sanctions", "lifted"}, {"inspections", "intrusive"}};
}

inline Scope Plenary() { return Scope{ScopeKind::kPlenary, "", ""}; }
inline Scope Caucus(const std::string& side) { return Scope{ScopeKind::kCaucus, side, ""}; }
inline Scope Inside(const std::string& side) { return Scope{ScopeKind::kInternal, side, ""}; }
inline Scope Direct(const std::string& to) { return Scope{ScopeKind::kDirect, "", to}; }

// The body of a message whose type the test knows (it built or expects it):
// std::get throws std::bad_variant_access, failing the test, when it is not.
template <typename B>
B& Body(Message& m) {
  return std::get<B>(m.body);
}
template <typename B>
const B& Body(const Message& m) {
  return std::get<B>(m.body);
}

// ---- actions ----
inline Action Propose(const PackageSpec& p, Authority a = Authority::kCleared) {
  Action x;
  x.kind = Action::Kind::kMove;
  x.move = negotiation::MoveKind::kPropose;
  x.authority = a;
  x.package = p;
  return x;
}
inline Action Counter(std::uint64_t target, const PackageSpec& p) {
  Action x = Propose(p);
  x.move = negotiation::MoveKind::kCounter;
  x.target = target;
  return x;
}
inline Action Accept(std::uint64_t target, Authority a = Authority::kCleared) {
  Action x;
  x.kind = Action::Kind::kMove;
  x.move = negotiation::MoveKind::kAccept;
  x.authority = a;
  x.target = target;
  return x;
}
inline Action AcceptSuggestion(const std::string& id) {
  Action x = Accept(0);
  x.suggestion = id;
  return x;
}
inline Action Reject(std::uint64_t target, const std::string& reason) {
  Action x = Accept(target);
  x.move = negotiation::MoveKind::kReject;
  x.reason = reason;
  return x;
}
inline Action Withdraw(std::uint64_t target) {
  Action x = Accept(target);
  x.move = negotiation::MoveKind::kWithdraw;
  return x;
}
inline Action Ratify() {
  Action x;
  x.kind = Action::Kind::kMove;
  x.move = negotiation::MoveKind::kRatify;
  return x;
}
inline Action Suggest(const PackageSpec& p, const std::string& note,
                      std::vector<ConditionSpec> conditions = {}) {
  Action x;
  x.kind = Action::Kind::kSuggest;
  x.package = p;
  x.note = note;
  x.conditions = std::move(conditions);
  return x;
}
inline Action Suspend(const std::string& reason) {
  Action x;
  x.kind = Action::Kind::kSuspend;
  x.reason = reason;
  return x;
}
inline Action Resume() {
  Action x;
  x.kind = Action::Kind::kResume;
  return x;
}
inline Action Confirm(const std::string& condition, ConditionStatus status,
                      const std::string& note) {
  Action x;
  x.kind = Action::Kind::kCondition;
  x.condition = condition;
  x.status = status;
  x.reason = note;
  return x;
}

// One logged Apply: the wire bytes, who sent them, and the direction.
struct Applied {
  Bytes bytes;
  std::string sender;
  bool outgoing = false;
};

// The outcome of one send.
struct Delivery {
  Message message;                         // as decoded from the wire
  Status sent;                             // the sender's own Apply
  std::vector<std::string> recipients;     // member ids, from the sender's Recipients
  std::map<std::string, Status> received;  // recipient id → its Apply
  bool ok() const {
    if (!sent.ok()) return false;
    for (const auto& [id, s] : received) {
      if (!s.ok()) return false;
    }
    return true;
  }
  std::string Describe() const {
    std::string out = "sent: " + sent.ToString();
    for (const auto& [id, s] : received) out += "; " + id.substr(60) + ": " + s.ToString();
    return out;
  }
};

class Talks {
 public:
  Member brahimi{MemberId(1), "Brahimi", "", Role::kMediator};
  Member crocker{MemberId(2), "Crocker", kUs, Role::kEnvoy};
  Member zarif{MemberId(3), "Zarif", kIran, Role::kEnvoy};
  Member icrc{MemberId(4), "ICRC", "", Role::kGuarantor};
  Member state{MemberId(5), "State", kUs, Role::kPrincipal};
  Member nsc{MemberId(6), "NSC", kUs, Role::kPrincipal};
  Member pentagon{MemberId(7), "Pentagon", kUs, Role::kPrincipal};
  Member leader{MemberId(8), "Leader", kIran, Role::kPrincipal};
  std::string us_rule = "approve=State,NSC;veto=Pentagon";
  std::string iran_rule = "approve=Leader";

  std::map<std::string, TalksState> clients;        // by member id
  std::map<std::string, std::vector<Applied>> log;  // by member id: every successful Apply
  std::vector<Bytes> wire;                          // every message sent, in order
  std::int64_t clock = 1'700'000'000'000;
  unsigned next_mid = 0;

  std::vector<Member> Table() const { return {brahimi, crocker, zarif, icrc}; }
  std::vector<Member> UsPrincipals() const { return {state, nsc, pentagon}; }
  std::vector<Member> IranPrincipals() const { return {leader}; }
  std::vector<Member> Everyone() const {
    return {brahimi, crocker, zarif, icrc, state, nsc, pentagon, leader};
  }

  TalksState& at(const Member& m) { return clients.at(m.id); }
  const TalksState& at(const Member& m) const { return clients.at(m.id); }
  TalksState& host() { return at(brahimi); }

  Definition TableDefinition() const {
    Definition d;
    d.title = "Geneva back-channel";
    d.agenda = negotiation::DomainToJson(Agenda());
    d.sides = {kUs, kIran};
    d.host = brahimi.id;
    d.members = Table();
    return d;
  }

  // The host creates the talks with itself alone and seats the table; each
  // envoy sets its side's rule and brings its principals in: the plans the
  // talks service executes. Returns the first failure.
  Status Open() {
    Definition created_as = TableDefinition();
    created_as.members = {brahimi};
    auto host_state = TalksState::Create(kTalksId, created_as, brahimi.id);
    if (!host_state) return host_state.error();
    clients.emplace(brahimi.id, std::move(*host_state));
    // Create applies the definition as an outgoing message to ourselves; log
    // the same so that the host's log replays from an empty state.
    Message created = NewMessage(brahimi, created_as, Direct(brahimi.id));
    log[brahimi.id].push_back(Applied{EncodeMessage(created), brahimi.id, true});
    for (const Member& m : {crocker, zarif, icrc}) BC_RETURN_IF_ERROR(Invite(brahimi, m));
    BC_RETURN_IF_ERROR(AnnounceSide(crocker, UsPrincipals(), us_rule));
    BC_RETURN_IF_ERROR(AnnounceSide(zarif, IranPrincipals(), iran_rule));
    return Status::Ok();
  }

  // The envoy sets its side's rule, then brings each principal in: the very
  // plans the talks service executes (talks/plan.h).
  Status AnnounceSide(const Member& envoy, const std::vector<Member>& principals,
                      const std::string& rule) {
    auto rule_plan = PlanSideRule(at(envoy), rule, ++clock);
    if (!rule_plan) return rule_plan.error();
    BC_RETURN_IF_ERROR(ExecutePlan(envoy, *rule_plan));
    for (const Member& p : principals) BC_RETURN_IF_ERROR(Invite(envoy, p));
    return Status::Ok();
  }

  // `by` (the host, or an envoy for its principals) brings `newcomer` in.
  Status Invite(const Member& by, const Member& newcomer) {
    auto plan = PlanInvite(at(by), newcomer, ++clock);
    if (!plan) return plan.error();
    return ExecutePlan(by, *plan);
  }

  // Executes a plan as the talks service does: each message through the
  // wire, applied by its author as outgoing, then by each recipient (the
  // plan's, or the scope's as the author's state names them after applying
  // it). A definition makes its recipient a client.
  Delivery ExecuteStep(const Member& from, const PlannedSend& step) {
    Delivery out;
    const Bytes bytes = EncodeMessage(step.message);
    auto decoded = DecodeMessage(bytes);
    if (!decoded) {
      out.sent = decoded.error();
      return out;
    }
    out.message = *decoded;
    wire.push_back(bytes);
    out.sent = ApplyLogged(from.id, out.message, from.id, true);
    if (!out.sent.ok()) return out;
    std::vector<Member> to;
    if (step.to) {
      to = *step.to;
    } else {
      auto recipients = at(from).Recipients(out.message.scope);
      if (!recipients) {
        out.sent = recipients.error();
        return out;
      }
      to = *recipients;
    }
    for (const Member& r : to) {
      out.recipients.push_back(r.id);
      if (std::holds_alternative<Message::Definition>(out.message.body)) {
        clients.emplace(r.id, TalksState(r.id));
      }
      if (!clients.contains(r.id)) continue;
      out.received[r.id] = Deliver(out.message, from.id, r.id);
    }
    return out;
  }
  Status ExecutePlan(const Member& from, const Plan& plan) {
    for (const PlannedSend& step : plan.sends) {
      Delivery d = ExecuteStep(from, step);
      if (!d.ok()) {
        return Internal(std::string(MessageTypeName(d.message)) + " from " + from.name + ": " +
                        d.Describe());
      }
    }
    return Status::Ok();
  }

  Message NewMessage(const Member& from, Message::Body body, const Scope& scope) {
    Message m;
    m.talks = kTalksId;
    m.mid = "m" + std::to_string(++next_mid);
    m.from = from.id;
    m.scope = scope;
    m.time_ms = ++clock;
    m.body = std::move(body);
    return m;
  }

  // Applies `m` on `client` and logs it when it applied.
  Status ApplyLogged(const std::string& client, const Message& m, const std::string& sender,
                     bool outgoing) {
    Status s = clients.at(client).Apply(m, sender, outgoing);
    if (s.ok()) log[client].push_back(Applied{EncodeMessage(m), sender, outgoing});
    return s;
  }

  // Encode → decode → apply on the sender (outgoing) → apply on each
  // recipient the sender names (computed before its own Apply), unless
  // `deliver` is false.
  Delivery Send(const Member& from, const Message& m, bool deliver = true) {
    Delivery out;
    const Bytes bytes = EncodeMessage(m);
    auto decoded = DecodeMessage(bytes);
    if (!decoded) {
      out.sent = decoded.error();
      return out;
    }
    out.message = *decoded;
    wire.push_back(bytes);
    auto recipients = at(from).Recipients(out.message.scope);
    out.sent = ApplyLogged(from.id, out.message, from.id, true);
    if (!out.sent.ok() || !recipients) return out;
    for (const Member& r : *recipients) out.recipients.push_back(r.id);
    if (!deliver) return out;
    for (const std::string& r : out.recipients) {
      if (!clients.contains(r)) continue;  // not yet a client (a principal before announcement)
      out.received[r] = Deliver(out.message, from.id, r);
    }
    return out;
  }

  // Delivers an already sent message (through the wire again) to `to`, as
  // incoming from `sender`.
  Status Deliver(const Message& m, const std::string& sender, const std::string& to) {
    auto decoded = DecodeMessage(EncodeMessage(m));
    if (!decoded) return decoded.error();
    return ApplyLogged(to, *decoded, sender, false);
  }

  // A submission to the host (the host's own goes to itself, and nowhere),
  // made as a member's client makes it: a cleared move by an envoy whose
  // side has a clearance rule is cleared at home first (SubmitCleared);
  // anything else goes as it is.
  Delivery Submit(const Member& from, const Action& action) {
    const TalksState& s = at(from);
    if (action.kind == Action::Kind::kMove && action.authority == Authority::kCleared &&
        s.initialized() && s.me().role == Role::kEnvoy && !s.rule().empty()) {
      return SubmitCleared(from, action);
    }
    return SubmitAsIs(from, action);
  }

  // A submission exactly as given, naming `draft` (or none): what a
  // hand-built or dishonest client could send.
  Delivery SubmitAsIs(const Member& from, const Action& action, const std::string& draft = "") {
    Message m =
        NewMessage(from, Message::Submit{.action = action, .draft = draft}, Direct(brahimi.id));
    return Send(from, m);
  }

  // A cleared move the way production makes one (docs/talks.md,
  // "Clearance"): the envoy drafts it for its side, every approver its
  // side's rule names approves, and the envoy's own plan tables the cleared
  // draft (TableDraft). Returns the tabling submission, not yet decided by
  // the host; a failing step is returned as the delivery that failed.
  Delivery SubmitCleared(const Member& envoy, const Action& action) {
    const std::string id = at(envoy).NextDraftId();
    Delivery drafted = SendDraft(envoy, id, action);
    if (!drafted.ok()) return drafted;
    const ClearanceRule rule = at(envoy).rule();
    for (const std::string& name : rule.approvers) {
      const Member* principal = at(envoy).FindMemberByName(name);
      if (principal == nullptr || !clients.contains(principal->id)) {
        Delivery missing;
        missing.sent = NotFound("approver " + name + " of " + envoy.side + " is not a client");
        return missing;
      }
      const Member approver = *principal;
      Delivery approved = SendVerdict(approver, id, true);
      if (!approved.ok()) return approved;
    }
    const Draft* draft = at(envoy).FindDraft(id);
    if (draft == nullptr) {
      Delivery lost;
      lost.sent = Internal("draft " + id + " is not in " + envoy.name + "'s state");
      return lost;
    }
    return TableDraft(envoy, *draft);
  }

  // The host decides its first pending submission (PlanReaction's first
  // step) and applies its decision, returning it undelivered unless
  // `deliver` (nullopt when there is nothing to decide).
  std::optional<Delivery> DecideNext(bool deliver) {
    if (host().SubmissionsToDecide().empty()) return std::nullopt;
    auto plan = PlanReaction(host(), ++clock);
    if (!plan) {
      Delivery out;
      out.sent = plan.error();
      return out;
    }
    if (deliver) return ExecuteStep(brahimi, plan->sends.front());
    PlannedSend kept = plan->sends.front();
    kept.to = std::vector<Member>{};
    Delivery out = ExecuteStep(brahimi, kept);
    auto recipients = host().Recipients(out.message.scope);
    if (recipients) {
      for (const Member& r : *recipients) out.recipients.push_back(r.id);
    }
    return out;
  }

  // The envoy forwards one event to its principals: that step of its plan.
  Status Forward(const Member& envoy, const Message& event) {
    auto plan = PlanReaction(at(envoy), ++clock);
    if (!plan) return plan.error();
    for (const PlannedSend& step : plan->sends) {
      if (!std::holds_alternative<Message::Event>(step.message.body) ||
          step.message.mid != event.mid) {
        continue;
      }
      Delivery d = ExecuteStep(envoy, step);
      return d.ok() ? Status::Ok() : Internal("forward: " + d.Describe());
    }
    return NotFound("event #" + std::to_string(Body<Message::Event>(event).seq) + " is not " +
                    envoy.name + "'s to forward now");
  }

  // Until quiet: every client executes its plan after a sync
  // (PlanReaction), one step at a time, as the talks service does.
  Status Pump() {
    for (int round = 0; round < 1000; ++round) {
      bool progress = false;
      for (const Member& m : Everyone()) {
        if (!clients.contains(m.id)) continue;
        auto plan = PlanReaction(at(m), ++clock);
        if (!plan) return plan.error().WithContext(m.name + "'s reaction");
        if (plan->empty()) continue;
        BC_RETURN_IF_ERROR(ExecutePlan(m, *plan));
        progress = true;
      }
      if (!progress) return Status::Ok();
    }
    return Internal("the talks did not settle");
  }

  // Submit and pump: the host's decision reaches everyone.
  Status Act(const Member& from, const Action& action) {
    Delivery d = Submit(from, action);
    if (!d.ok()) return Internal("submit: " + d.Describe());
    return Pump();
  }

  // ---- clearance ----
  Delivery SendDraft(const Member& envoy, const std::string& id, const Action& action,
                     const std::string& revises = "") {
    Message m = NewMessage(envoy, Message::Draft{.action = action, .draft = id, .revises = revises},
                           Inside(envoy.side));
    return Send(envoy, m);
  }
  Delivery SendVerdict(const Member& principal, const std::string& draft, bool approve,
                       const std::string& reason = "") {
    Message m = NewMessage(principal,
                           Message::Verdict{.draft = draft, .approve = approve, .reason = reason},
                           Inside(principal.side));
    return Send(principal, m);
  }
  // The envoy tables a cleared draft (the plan's tabling step), undelivered
  // to the host's decision until the next Pump.
  Delivery TableDraft(const Member& envoy, const Draft& draft) {
    return ExecuteStep(envoy, talks::TableDraft(at(envoy), draft, ++clock));
  }
};

}  // namespace backchannel::talks::sim

#endif  // BACKCHANNEL_TESTS_TALKS_TALKS_FIXTURE_H_
