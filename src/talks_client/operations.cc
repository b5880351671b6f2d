// What a person does in talks (service.h): create, invite, join, speak,
// move, clear, share a profile, suggest. Each builds one talks message and
// hands it to Send, which checks it against our state before anything
// leaves.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "backchannel/identity/credential.h"
#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/io.h"
#include "backchannel/talks/coalition.h"
#include "backchannel/talks/plan.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::talks_client {
namespace {

using talks::Message;
using talks::Role;
using talks::ScopeKind;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Role RoleFromCredential(identity::Role r) {
  switch (r) {
    case identity::Role::kEnvoy:
      return Role::kEnvoy;
    case identity::Role::kPrincipal:
      return Role::kPrincipal;
    case identity::Role::kMediator:
      return Role::kMediator;
    case identity::Role::kTrack2:
      return Role::kTrack2;
  }
  return Role::kEnvoy;
}

// "Speak with authority" means cleared only where the side clears at home;
// a side without a rule speaks on its envoy's own authority (talks/label.h).
// The fold refuses the dishonest one; this picks the honest one for the
// caller who only asked for "not exploratory".
talks::Authority HonestAuthority(const talks::TalksState& state, talks::Authority asked) {
  if (asked == talks::Authority::kCleared && state.me().role == Role::kEnvoy &&
      state.rule().empty()) {
    return talks::Authority::kOwn;
  }
  return asked;
}

}  // namespace

Result<talks::Member> TalksService::SelfMember(const std::vector<std::string>& sides,
                                               const talks::Definition& bound) {
  BC_ASSIGN_OR_RETURN(auto cred, client_.OwnCredential());
  talks::Member me;
  me.id = self_;
  me.name = cred.display_name;
  me.role = RoleFromCredential(cred.role);
  if (me.role == Role::kEnvoy || me.role == Role::kPrincipal) {
    BC_ASSIGN_OR_RETURN(me.side, talks::SeatSide(bound, cred.authority_key, cred.side));
    if (std::find(sides.begin(), sides.end(), me.side) == sides.end()) {
      return InvalidArgument("your credential is for side '" + me.side +
                             "', which is not one of the talks' sides");
    }
  }
  if (me.role == Role::kPrincipal) {
    return FailedPrecondition("a principal does not host talks; its envoy does");
  }
  return me;
}

Result<SyncReport> TalksService::Create(const std::string& id, const std::string& title,
                                        const negotiation::Domain& agenda,
                                        const std::vector<std::string>& sides,
                                        const std::string& rule) {
  return Create(id, title, agenda, sides, rule, {});
}

Result<SyncReport> TalksService::Create(
    const std::string& id, const std::string& title, const negotiation::Domain& agenda,
    const std::vector<std::string>& sides, const std::string& rule,
    const std::map<std::string, std::vector<AuthorityPublicKey>>& side_authorities) {
  if (id.empty() || id.size() > 64 || id.find('/') != std::string::npos) {
    return InvalidArgument("a talks id is 1..64 characters without '/'");
  }
  BC_ASSIGN_OR_RETURN(auto existing, FindMeta(id));
  if (existing) return Status(StatusCode::kAlreadyExists, "talks '" + id + "' exist here");
  talks::Definition bound;
  bound.side_authorities = side_authorities;
  BC_ASSIGN_OR_RETURN(talks::Member me, SelfMember(sides, bound));
  if (!rule.empty() && me.role != Role::kEnvoy) {
    return InvalidArgument("a clearance rule belongs to a side; only an envoy sets one");
  }
  talks::Definition d;
  d.title = title;
  d.agenda = negotiation::DomainToJson(agenda);
  d.sides = sides;
  d.host = self_;
  d.members = {me};
  d.rule = rule;
  d.side_authorities = side_authorities;
  BC_ASSIGN_OR_RETURN(auto state, talks::TalksState::Create(id, d, self_));
  Message m;
  m.talks = id;
  m.mid = "create";
  m.from = self_;
  m.scope = talks::Scope{ScopeKind::kDirect, "", self_};
  m.body = d;
  m.time_ms = 0;
  const Bytes body = talks::EncodeMessage(m);
  BC_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    BC_RETURN_IF_ERROR(PutMeta(TalksMeta{id, true, ""}));
    return Record(id, "out", "", body, 0);
  }));
  cache_.insert_or_assign(id, state);
  SyncReport report;
  report.happenings.push_back(
      Happening{id, "You opened talks '" + id + "' (" + title + ") as host."});
  return report;
}

Result<SyncReport> TalksService::Invite(const std::string& id, const std::string& contact_name,
                                        Role role) {
  BC_ASSIGN_OR_RETURN(auto meta, Meta(id));
  if (!meta.joined) return FailedPrecondition("join the talks first (talks '" + id + "')");
  BC_ASSIGN_OR_RETURN(talks::TalksState state, State(id));
  BC_ASSIGN_OR_RETURN(auto contact, store_.Contact(contact_name));
  if (contact.credential.empty()) {
    return FailedPrecondition(contact_name + " has not presented a credential yet");
  }
  BC_ASSIGN_OR_RETURN(auto cred, identity::DecodeCredential(contact.credential));
  talks::Member member;
  member.id = MemberId(contact.identity_key);
  member.name = cred.display_name;
  member.role = role;
  if (state.FindMember(member.id) != nullptr) {
    return Status(StatusCode::kAlreadyExists, contact_name + " is already a member");
  }
  const Role held = RoleFromCredential(cred.role);
  if (role != Role::kGuarantor && held != role) {
    return FailedPrecondition(contact_name + "'s credential is for a " +
                              std::string(talks::RoleName(held)) + ", not a " +
                              std::string(talks::RoleName(role)));
  }
  if (role == Role::kEnvoy || role == Role::kPrincipal) {
    // A coalition side (talks/coalition.h) seats members of several
    // authorities; otherwise the credential's side.
    BC_ASSIGN_OR_RETURN(member.side,
                        talks::SeatSide(state.definition(), cred.authority_key, cred.side));
  }
  BC_ASSIGN_OR_RETURN(talks::Plan plan, talks::PlanInvite(state, member, NowMs()));
  SyncReport report;
  BC_RETURN_IF_ERROR(Execute(id, plan, report));
  return report;
}

Result<SyncReport> TalksService::Join(const std::string& id, const std::string& profile_text,
                                      const std::string& rule) {
  BC_ASSIGN_OR_RETURN(auto meta, Meta(id));
  BC_ASSIGN_OR_RETURN(talks::TalksState state, State(id));
  if (!profile_text.empty()) {
    BC_ASSIGN_OR_RETURN(auto profile,
                        negotiation::ParseProfile(state.domain(), profile_text, "profile"));
    meta.profile = negotiation::ProfileToJson(state.domain(), profile);
  }
  // The rule is checked before anything is stored: a refused join changes
  // nothing.
  talks::Plan rule_plan;
  if (!rule.empty()) {
    BC_ASSIGN_OR_RETURN(rule_plan, talks::PlanSideRule(state, rule, NowMs()));
  }
  meta.joined = true;
  BC_RETURN_IF_ERROR(PutMeta(meta));
  SyncReport report;
  report.happenings.push_back(
      Happening{id, "You joined talks '" + id + "' (" + state.definition().title + ") as " +
                        std::string(talks::RoleName(state.me().role)) +
                        (state.me().side.empty() ? "" : " of " + state.me().side) + "."});
  BC_RETURN_IF_ERROR(Execute(id, rule_plan, report));
  return Finish(id, std::move(report));
}

Result<SyncReport> TalksService::Chat(const std::string& id, const talks::Scope& scope,
                                      const std::string& text, talks::Authority authority) {
  BC_ASSIGN_OR_RETURN(auto meta, Meta(id));
  if (!meta.joined) return FailedPrecondition("join the talks first (talks '" + id + "')");
  BC_ASSIGN_OR_RETURN(talks::TalksState state, State(id));
  Message m;
  m.scope = scope;
  m.body = Message::Chat{text, HonestAuthority(state, authority)};
  return Send(id, m, std::nullopt);
}

Result<SyncReport> TalksService::Act(const std::string& id, const talks::Action& asked,
                                     const std::string& revises, std::string* outcome) {
  BC_ASSIGN_OR_RETURN(auto meta, Meta(id));
  if (!meta.joined) return FailedPrecondition("join the talks first (talks '" + id + "')");
  BC_ASSIGN_OR_RETURN(talks::TalksState state, State(id));
  talks::Action action = asked;
  if (action.kind == talks::Action::Kind::kMove) {
    action.authority = HonestAuthority(state, action.authority);
  }
  BC_RETURN_IF_ERROR(state.Precheck(action));
  const bool clearance = action.kind == talks::Action::Kind::kMove &&
                         action.authority == talks::Authority::kCleared &&
                         state.me().role == Role::kEnvoy && !state.rule().empty();
  Message m;
  if (clearance) {
    const std::string draft = state.NextDraftId();
    m.scope = talks::Scope{ScopeKind::kInternal, state.me().side, ""};
    m.body = Message::Draft{action, draft, revises};
    if (outcome) {
      *outcome = "draft " + draft + " sent home for clearance (" + state.rule().ToString() + ")";
    }
  } else {
    if (!revises.empty()) return InvalidArgument("--revises is for drafts under a clearance rule");
    m.scope = talks::Scope{ScopeKind::kDirect, "", state.definition().host};
    m.body = Message::Submit{action, ""};
    if (outcome) *outcome = state.IsHost() ? "tabled" : "submitted to the host";
  }
  BC_ASSIGN_OR_RETURN(SyncReport report, Send(id, m, std::nullopt));
  return Finish(id, std::move(report));
}

Result<SyncReport> TalksService::Verdict(const std::string& id, const std::string& draft,
                                         bool approve, const std::string& reason) {
  BC_ASSIGN_OR_RETURN(talks::TalksState state, State(id));
  if (state.me().role != Role::kPrincipal) {
    return FailedPrecondition("only a principal approves or vetoes its side's drafts");
  }
  if (!approve && reason.empty()) return InvalidArgument("a veto needs a reason (--reason)");
  Message m;
  m.scope = talks::Scope{ScopeKind::kInternal, state.me().side, ""};
  m.body = Message::Verdict{draft, approve, reason};
  BC_ASSIGN_OR_RETURN(SyncReport report, Send(id, m, std::nullopt));
  return Finish(id, std::move(report));
}

Result<SyncReport> TalksService::ShareProfile(const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto meta, Meta(id));
  BC_ASSIGN_OR_RETURN(talks::TalksState state, State(id));
  if (meta.profile.empty()) {
    return FailedPrecondition("no private profile here: give one with `talks join " + id +
                              " --profile FILE`");
  }
  SyncReport report;
  bool any = false;
  for (const auto& [mid, m] : state.members()) {
    if (m.role != Role::kMediator) continue;
    Message p;
    p.scope = talks::Scope{ScopeKind::kDirect, "", m.id};
    p.body = Message::Profile{state.me().side, meta.profile};
    BC_ASSIGN_OR_RETURN(auto sent, Send(id, p, std::nullopt));
    for (auto& h : sent.happenings) report.happenings.push_back(std::move(h));
    any = true;
  }
  if (!any) return FailedPrecondition("the talks have no mediator to share a profile with");
  return Finish(id, std::move(report));
}

Result<SyncReport> TalksService::Suggest(const std::string& id, const SuggestOptions& options,
                                         talks::PackageSpec* suggested) {
  BC_ASSIGN_OR_RETURN(talks::TalksState state, State(id));
  if (state.me().role != Role::kMediator) return FailedPrecondition("only a mediator suggests");
  std::vector<negotiation::Profile> profiles;
  for (const auto& side : state.definition().sides) {
    auto it = state.shared_profiles().find(side);
    if (it == state.shared_profiles().end()) {
      return FailedPrecondition(side +
                                " has not shared its profile with you; "
                                "the analysis needs every side's");
    }
    BC_ASSIGN_OR_RETURN(auto p, negotiation::ParseProfile(state.domain(), it->second, side));
    profiles.push_back(std::move(p));
  }
  BC_ASSIGN_OR_RETURN(auto report, negotiation::Analyze(state.domain(), profiles));
  std::optional<negotiation::ScoredPackage> pick;
  if (options.solution == "nash")
    pick = report.nash;
  else if (options.solution == "ks")
    pick = report.kalai_smorodinsky;
  else if (options.solution == "egalitarian")
    pick = report.egalitarian;
  else if (options.solution == "utilitarian")
    pick = report.utilitarian;
  else
    return InvalidArgument("unknown solution '" + options.solution +
                           "' (nash, ks, egalitarian, utilitarian)");
  if (!pick) {
    return FailedPrecondition(
        "no package leaves every side above its reservation value: "
        "there is no bargain to suggest");
  }
  negotiation::PartialPackage partial(pick->package.begin(), pick->package.end());
  talks::PackageSpec spec = talks::DescribePackage(state.domain(), partial);
  if (suggested) *suggested = spec;
  Message m;
  if (!options.caucus.empty()) {
    m.scope = talks::Scope{ScopeKind::kCaucus, options.caucus, ""};
    m.body = Message::Float{spec, options.note};
    return Send(id, m, std::nullopt);
  }
  talks::Action a;
  a.kind = talks::Action::Kind::kSuggest;
  a.package = spec;
  a.note = options.note;
  a.conditions = options.conditions;
  BC_RETURN_IF_ERROR(state.Precheck(a));
  m.scope = talks::Scope{ScopeKind::kDirect, "", state.definition().host};
  m.body = Message::Submit{a, ""};
  BC_ASSIGN_OR_RETURN(SyncReport sent, Send(id, m, std::nullopt));
  return Finish(id, std::move(sent));
}

}  // namespace backchannel::talks_client
