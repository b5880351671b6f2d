// The talks operations (talks_desk.h) and the one request executor.
#include "backchannel/app/talks_desk.h"

#include <utility>

#include "backchannel/app/channel_ops.h"
#include "backchannel/app/talks_ops.h"
#include "backchannel/negotiation/moves.h"

namespace backchannel::app {
namespace {

using talks_client::SyncReport;
using talks_client::TalksService;

void Add(TalksOutcome& out, const SyncReport& report) {
  for (const auto& h : report.happenings) out.happenings.push_back({h.talks, h.text});
  for (const auto& s : report.refused) out.refused.push_back(ErrorFrom(s));
  out.queued = report.queued;
}

Result<negotiation::MoveKind> MoveKindOf(const std::string& name) {
  using negotiation::MoveKind;
  for (MoveKind k : {MoveKind::kPropose, MoveKind::kCounter, MoveKind::kAccept, MoveKind::kReject,
                     MoveKind::kWithdraw, MoveKind::kRatify}) {
    if (negotiation::MoveKindName(k) == name) return k;
  }
  return InvalidArgument("move '" + name.substr(0, kMaxNameSize) + "' is not a move");
}

}  // namespace

Json ToJson(const TalksOutcome& o) {
  Json j{{"happenings", Json::array()}, {"refused", Json::array()}, {"queued", o.queued}};
  for (const auto& h : o.happenings) {
    j["happenings"].push_back(Json{{"talks", h.talks}, {"text", h.text}});
  }
  for (const auto& e : o.refused) {
    j["refused"].push_back(Json{{"code", e.code}, {"message", e.message}});
  }
  Json result = Json::object();
  if (!o.outcome.empty()) result["outcome"] = o.outcome;
  if (o.talks) {
    result["talks"] = Json::array();
    for (const auto& view : *o.talks) result["talks"].push_back(TalksViewJson(view));
  }
  for (const auto& [k, v] : o.data.items()) result[k] = v;
  j["result"] = result;
  return j;
}

Result<TalksOutcome> TalksDesk::Run(const Operation& op) {
  BC_ASSIGN_OR_RETURN(SyncReport synced, talks_.Sync());
  TalksOutcome out;
  Add(out, synced);
  auto done = op(talks_, out);
  if (done) {
    Add(out, *done);
  } else {
    out.status = done.error();
  }
  return out;
}

Result<TalksOutcome> TalksDesk::Status(const TalksStatusRequest& request) {
  BC_RETURN_IF_ERROR(ValidateRequest(Request(request)));
  return Run([&](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
    std::vector<std::string> ids;
    if (!request.talks.empty()) {
      ids.push_back(request.talks);
    } else {
      BC_ASSIGN_OR_RETURN(auto all, svc.List());
      for (const auto& m : all) ids.push_back(m.id);
    }
    out.talks.emplace();
    for (const auto& id : ids) {
      BC_ASSIGN_OR_RETURN(auto meta, svc.Meta(id));
      BC_ASSIGN_OR_RETURN(auto state, svc.State(id));
      out.talks->push_back(BuildTalksView(state, meta.joined, meta.profile));
      BC_ASSIGN_OR_RETURN(auto entries, svc.RecordEntries(id));
      BC_ASSIGN_OR_RETURN(out.talks->back().timeline, BuildTimeline(state.self(), entries));
      BC_ASSIGN_OR_RETURN(auto pending, svc.PendingIntroductions(id));
      for (auto& p : pending) {
        out.talks->back().pending_introductions.push_back(
            {std::move(p.name), std::move(p.side), std::move(p.role), std::move(p.authority_key),
             std::move(p.authority_side), std::move(p.reason), std::move(p.command)});
      }
    }
    return SyncReport{};
  });
}

Result<TalksOutcome> TalksDesk::Sync(const std::string& talks) {
  return Run([&](TalksService& svc, TalksOutcome&) -> Result<SyncReport> {
    // A sync serves every talks; a named one is checked to exist.
    if (!talks.empty()) BC_RETURN_IF_ERROR(svc.Meta(talks).status());
    return SyncReport{};
  });
}

Result<TalksOutcome> TalksDesk::Say(const TalksSayRequest& request) {
  BC_RETURN_IF_ERROR(ValidateRequest(Request(request)));
  return Run([&](TalksService& svc, TalksOutcome&) -> Result<SyncReport> {
    BC_ASSIGN_OR_RETURN(auto scope, ResolveScope(request.talks, request.scope));
    return svc.Chat(request.talks, scope, request.text,
                    request.cleared ? talks::Authority::kCleared : talks::Authority::kExploratory);
  });
}

Result<TalksOutcome> TalksDesk::Move(const TalksMoveRequest& request) {
  BC_RETURN_IF_ERROR(ValidateRequest(Request(request)));
  BC_ASSIGN_OR_RETURN(auto kind, MoveKindOf(request.move));
  return Run([&](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
    talks::Action a;
    a.kind = talks::Action::Kind::kMove;
    a.move = kind;
    a.authority = request.exploratory ? talks::Authority::kExploratory : talks::Authority::kCleared;
    a.target = request.target;
    a.suggestion = request.suggestion;
    a.reason = request.reason;
    a.package = request.package;
    BC_ASSIGN_OR_RETURN(a.conditions, ResolveConditions(request.talks, request.conditions));
    return svc.Act(request.talks, a, request.revises, &out.outcome);
  });
}

Result<TalksOutcome> TalksDesk::Verdict(const TalksVerdictRequest& request) {
  BC_RETURN_IF_ERROR(ValidateRequest(Request(request)));
  return Run([&](TalksService& svc, TalksOutcome&) -> Result<SyncReport> {
    return svc.Verdict(request.talks, request.draft, request.approve, request.reason);
  });
}

Result<talks::Scope> TalksDesk::ResolveScope(const std::string& id, const std::string& text) {
  BC_ASSIGN_OR_RETURN(auto state, talks_.State(id));
  talks::Scope s;
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (kind == "plenary" && arg.empty()) {
    s.kind = talks::ScopeKind::kPlenary;
  } else if (kind == "caucus" && !arg.empty()) {
    s.kind = talks::ScopeKind::kCaucus;
    s.side = arg;
  } else if (kind == "internal" && arg.empty()) {
    s.kind = talks::ScopeKind::kInternal;
    s.side = state.me().side;
  } else if (kind == "direct" && !arg.empty()) {
    const talks::Member* m = state.FindMemberByName(arg);
    if (m == nullptr) return NotFound("no member named '" + arg + "'");
    s.kind = talks::ScopeKind::kDirect;
    s.to = m->id;
  } else {
    return InvalidArgument("scope '" + text +
                           "' is not plenary, caucus:SIDE, internal or direct:NAME");
  }
  return s;
}

Result<std::vector<talks::ConditionSpec>> TalksDesk::ResolveConditions(
    const std::string& id, const std::vector<std::string>& items) {
  std::vector<talks::ConditionSpec> out;
  if (items.empty()) return out;
  BC_ASSIGN_OR_RETURN(auto state, talks_.State(id));
  for (const auto& item : items) {
    auto at = item.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == item.size()) {
      return InvalidArgument("condition '" + item + "' is not TEXT@GUARANTOR");
    }
    const std::string name = item.substr(at + 1);
    const talks::Member* g = state.FindMemberByName(name);
    if (g == nullptr) return NotFound("no member named '" + name + "' to guarantee a condition");
    out.push_back(talks::ConditionSpec{item.substr(0, at), g->id});
  }
  return out;
}

Result<Json> Execute(Channel& channel, const Request& request) {
  BC_RETURN_IF_ERROR(ValidateRequest(request));
  TalksDesk desk(channel.talks());
  // The talks operations of issue 18 first: IsChannelRequest knows only the
  // four older talks requests.
  std::optional<Result<TalksOutcome>> talks_op = RunTalksOp(desk, request);
  if (!talks_op && IsChannelRequest(request)) return ExecuteChannel(channel, request);
  Result<TalksOutcome> done = InvalidArgument("unknown request");
  if (talks_op) done = std::move(*talks_op);
  if (const auto* r = std::get_if<TalksStatusRequest>(&request)) done = desk.Status(*r);
  if (const auto* r = std::get_if<TalksSayRequest>(&request)) done = desk.Say(*r);
  if (const auto* r = std::get_if<TalksMoveRequest>(&request)) done = desk.Move(*r);
  if (const auto* r = std::get_if<TalksVerdictRequest>(&request)) done = desk.Verdict(*r);
  if (!done) return done.error();
  if (!done->status.ok()) return done->status;
  return ToJson(*done);
}

}  // namespace backchannel::app
