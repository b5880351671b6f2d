// Plans (plan.h): the talks rules for what a member sends, in one place.
#include "backchannel/talks/plan.h"

#include <set>
#include <utility>

#include "backchannel/talks/clearance.h"

namespace backchannel::talks {
namespace {

Message Header(const TalksState& state, const Scope& scope, std::int64_t time_ms,
               Message::Body body) {
  Message m;
  m.talks = state.talks();
  m.mid = NewMessageId();
  m.from = state.self();
  m.scope = scope;
  m.time_ms = time_ms;
  m.body = std::move(body);
  return m;
}

std::vector<Member> MyPrincipals(const TalksState& state) {
  std::vector<Member> out;
  for (const auto& [id, m] : state.members()) {
    if (m.role == Role::kPrincipal && m.side == state.me().side) out.push_back(m);
  }
  return out;
}

}  // namespace

Result<Plan> PlanInvite(const TalksState& state, const Member& newcomer, std::int64_t time_ms) {
  if (!state.initialized()) return FailedPrecondition("no talks");
  if (state.FindMember(newcomer.id) != nullptr) {
    return Status(StatusCode::kAlreadyExists, newcomer.name + " is already a member");
  }
  const Member& me = state.me();
  const bool principal = newcomer.role == Role::kPrincipal;
  Message roster;
  if (principal) {
    if (me.role != Role::kEnvoy || newcomer.side != me.side) {
      return FailedPrecondition("principals are brought in by an envoy of their own side");
    }
    roster = Header(state, Scope{ScopeKind::kInternal, me.side, ""}, time_ms,
                    Message::Roster{{newcomer}, state.rule().ToString()});
  } else {
    if (!state.IsHost()) return FailedPrecondition("only the host seats members at the table");
    roster =
        Header(state, Scope{ScopeKind::kPlenary, "", ""}, time_ms, Message::Roster{{newcomer}, ""});
  }

  // Everyone already in the scope learns of the newcomer; the newcomer gets
  // the whole definition instead.
  TalksState after = state;
  BC_RETURN_IF_ERROR(after.Apply(roster, state.self(), true));
  BC_ASSIGN_OR_RETURN(auto others, after.Recipients(roster.scope));
  std::erase_if(others, [&](const Member& m) { return m.id == newcomer.id; });
  Plan plan;
  plan.sends.push_back(PlannedSend{roster, std::move(others)});

  Definition definition = after.definition();
  definition.members.clear();
  for (const auto& [id, m] : after.members()) {
    // A newcomer at the table never learns a side's principals.
    if (!principal && m.role == Role::kPrincipal) continue;
    definition.members.push_back(m);
  }
  definition.rule = principal ? after.rule().ToString() : "";
  plan.sends.push_back(PlannedSend{
      Header(state, Scope{ScopeKind::kDirect, "", newcomer.id}, time_ms, std::move(definition)),
      std::vector<Member>{newcomer}});

  if (principal) {
    // A principal brought in after the talks moved must see what the table
    // did so far. The events already forwarded to the other principals (or,
    // when we host, sent to them directly) go to the newcomer now, in seq
    // order; the rest go to every principal with the next forward.
    std::set<std::string> unforwarded;
    for (const auto& e : after.EventsToForward()) unforwarded.insert(e.mid);
    for (const auto& e : after.events()) {
      if (unforwarded.contains(e.mid)) continue;
      plan.sends.push_back(PlannedSend{e, std::vector<Member>{newcomer}});
    }
  }
  return plan;
}

Result<Plan> PlanSideRule(const TalksState& state, const std::string& rule, std::int64_t time_ms) {
  if (!state.initialized()) return FailedPrecondition("no talks");
  if (state.me().role != Role::kEnvoy) {
    return FailedPrecondition("only an envoy sets its side's clearance rule");
  }
  BC_RETURN_IF_ERROR(ParseClearanceRule(rule).status());
  Message roster = Header(state, Scope{ScopeKind::kInternal, state.me().side, ""}, time_ms,
                          Message::Roster{{}, rule});
  Plan plan;
  plan.sends.push_back(PlannedSend{std::move(roster), std::nullopt});
  return plan;
}

PlannedSend TableDraft(const TalksState& state, const Draft& draft, std::int64_t time_ms) {
  Action action = draft.action;
  action.authority = Authority::kCleared;
  return PlannedSend{Header(state, Scope{ScopeKind::kDirect, "", state.definition().host}, time_ms,
                            Message::Submit{std::move(action), draft.id}),
                     std::nullopt};
}

Result<Plan> PlanReaction(const TalksState& state, std::int64_t time_ms) {
  Plan plan;
  if (!state.initialized()) return plan;
  // 1. The host decides its first pending submission.
  const auto submissions = state.SubmissionsToDecide();
  if (!submissions.empty()) {
    BC_ASSIGN_OR_RETURN(Message answer, state.Decide(submissions.front(), time_ms));
    std::optional<std::vector<Member>> to;
    // A refusal of the host's own submission goes nowhere: it is recorded.
    if (std::holds_alternative<Message::Refusal>(answer.body) && answer.scope.to == state.self()) {
      to.emplace();
    }
    plan.sends.push_back(PlannedSend{std::move(answer), std::move(to)});
    return plan;
  }
  // 2. An envoy tables its first cleared draft.
  const auto drafts = state.DraftsToTable();
  if (!drafts.empty()) {
    plan.sends.push_back(TableDraft(state, *drafts.front(), time_ms));
    return plan;
  }
  // 3. An envoy forwards the events its principals have not seen.
  const auto forwards = state.EventsToForward();
  if (!forwards.empty()) {
    const std::vector<Member> principals = MyPrincipals(state);
    for (const auto& e : forwards) plan.sends.push_back(PlannedSend{e, principals});
  }
  return plan;
}

}  // namespace backchannel::talks
