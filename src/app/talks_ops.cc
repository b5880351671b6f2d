// The talks operations of issue 18 (talks_ops.h): the ones that change the
// talks go through TalksDesk::Run (sync, then the service call, as the CLI
// always did); the read-only ones compute from the stored state.
#include "backchannel/app/talks_ops.h"

#include <cmath>
#include <utility>

#include "app/record_ops.h"
#include "backchannel/app/analysis_memo.h"
#include "backchannel/app/analysis_view.h"
#include "backchannel/negotiation/io.h"

namespace backchannel::app {
namespace {

using talks_client::SyncReport;
using talks_client::TalksService;

// A read-only operation's outcome: its data, or its refusal in `status`.
TalksOutcome ReadOnly(Result<Json> data) {
  TalksOutcome out;
  if (data) {
    out.data = std::move(*data);
  } else {
    out.status = data.error();
  }
  return out;
}

Json PackageJson(const talks::PackageSpec& p) {
  Json j = Json::object();
  for (const auto& [k, v] : p) j[k] = v;
  return j;
}

Result<Json> AgendaJson(TalksService& svc, const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto meta, svc.Meta(id));
  BC_ASSIGN_OR_RETURN(auto state, svc.State(id));
  if (!state.initialized()) return FailedPrecondition("the talks have no agenda yet");
  const auto& domain = state.domain();
  std::optional<negotiation::Profile> profile;
  if (!meta.profile.empty()) {
    BC_ASSIGN_OR_RETURN(profile, negotiation::ParseProfile(domain, meta.profile, "profile"));
  }
  Json issues = Json::array();
  for (std::size_t i = 0; i < domain.issues.size(); ++i) {
    const auto& issue = domain.issues[i];
    Json options = Json::array();
    for (std::size_t o = 0; o < issue.size(); ++o) {
      options.push_back(Json{{"option", issue.options[o]},
                             {"value", profile ? Json(profile->evaluations[i][o]) : Json()}});
    }
    issues.push_back(Json{{"issue", issue.name},
                          {"weight", profile ? Json(profile->weights[i]) : Json()},
                          {"options", std::move(options)}});
  }
  return Json{{"issues", std::move(issues)},
              {"reservation", profile ? Json(profile->reservation) : Json()},
              {"profile_held", profile.has_value()},
              {"profile_text", profile ? Json(meta.profile) : Json()}};
}

Result<Json> ComposeJson(TalksService& svc, const TalksProfileComposeRequest& r) {
  BC_ASSIGN_OR_RETURN(auto state, svc.State(r.talks));
  if (!state.initialized()) return FailedPrecondition("the talks have no agenda yet");
  BC_ASSIGN_OR_RETURN(auto text, ComposeProfile(state.domain(), r));
  return Json{{"profile_text", std::move(text)}};
}

Result<AnalysisInput> InputOf(TalksService& svc, const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto meta, svc.Meta(id));
  BC_ASSIGN_OR_RETURN(auto state, svc.State(id));
  return AnalysisInputOf(state, meta.profile);
}

Result<Json> EvaluateOp(TalksService& svc, const TalksEvaluateRequest& r) {
  BC_ASSIGN_OR_RETURN(auto input, InputOf(svc, r.talks));
  return EvaluateJson(input, r.package);
}

Result<Json> AnalysisOp(TalksService& svc, const TalksAnalysisRequest& r) {
  BC_ASSIGN_OR_RETURN(auto input, InputOf(svc, r.talks));
  // Through the process's memo: a basis asked before (or prepared by the
  // web app in the background) is not computed again.
  return AnalysisJson(input, static_cast<std::size_t>(r.cap), &ChartSolutionsMemo::Shared());
}

Result<SyncReport> Create(TalksService& svc, const TalksCreateRequest& r) {
  BC_ASSIGN_OR_RETURN(auto domain, negotiation::ParseDomain(r.domain, "domain"));
  return svc.Create(r.talks, r.title, domain, r.sides, r.rule, r.side_authorities);
}

// An action that is not a move (idea, condition, suspend, resume).
Result<SyncReport> Act(TalksService& svc, TalksOutcome& out, const std::string& id,
                       const talks::Action& action) {
  return svc.Act(id, action, "", &out.outcome);
}

talks::Action ActionOf(talks::Action::Kind kind) {
  talks::Action a;
  a.kind = kind;
  return a;
}

// The operations that change the talks, through the desk's sync-then-run.
std::optional<Result<TalksOutcome>> RunChange(TalksDesk& desk, const Request& request) {
  using K = talks::Action::Kind;
  if (const auto* r = std::get_if<TalksCreateRequest>(&request)) {
    return desk.Run([r](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      out.outcome = "created talks '" + r->talks + "'";
      return Create(svc, *r);
    });
  }
  if (const auto* r = std::get_if<TalksInviteRequest>(&request)) {
    return desk.Run([r](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      BC_ASSIGN_OR_RETURN(auto role, talks::ParseRole(r->role));
      out.outcome = "invited " + r->contact + " as " + r->role;
      return svc.Invite(r->talks, r->contact, role);
    });
  }
  if (const auto* r = std::get_if<TalksJoinRequest>(&request)) {
    return desk.Run([r](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      out.outcome = "joined talks '" + r->talks + "'";
      return svc.Join(r->talks, r->profile, r->rule);
    });
  }
  if (const auto* r = std::get_if<TalksShareRequest>(&request)) {
    return desk.Run([r](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      out.outcome = "shared our profile with the mediator";
      return svc.ShareProfile(r->talks);
    });
  }
  if (const auto* r = std::get_if<TalksSuggestRequest>(&request)) {
    return desk.Run([r, &desk](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      talks_client::SuggestOptions o;
      o.caucus = r->caucus;
      o.solution = r->solution;
      o.note = r->note;
      BC_ASSIGN_OR_RETURN(o.conditions, desk.ResolveConditions(r->talks, r->conditions));
      talks::PackageSpec suggested;
      BC_ASSIGN_OR_RETURN(auto report, svc.Suggest(r->talks, o, &suggested));
      out.data["package"] = PackageJson(suggested);
      out.outcome = "suggested the " + r->solution + " package";
      return report;
    });
  }
  if (const auto* r = std::get_if<TalksIdeaRequest>(&request)) {
    return desk.Run([r](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      talks::Action a = ActionOf(K::kIdea);
      a.package = r->package;
      a.note = r->note;
      return Act(svc, out, r->talks, a);
    });
  }
  if (const auto* r = std::get_if<TalksConditionRequest>(&request)) {
    return desk.Run([r](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      talks::Action a = ActionOf(K::kCondition);
      a.condition = r->condition;
      a.status =
          r->status == "failed" ? talks::ConditionStatus::kFailed : talks::ConditionStatus::kMet;
      a.reason = r->note;
      return Act(svc, out, r->talks, a);
    });
  }
  if (const auto* r = std::get_if<TalksSuspendRequest>(&request)) {
    return desk.Run([r](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      talks::Action a = ActionOf(K::kSuspend);
      a.reason = r->reason;
      return Act(svc, out, r->talks, a);
    });
  }
  if (const auto* r = std::get_if<TalksResumeRequest>(&request)) {
    return desk.Run([r](TalksService& svc, TalksOutcome& out) -> Result<SyncReport> {
      return Act(svc, out, r->talks, ActionOf(K::kResume));
    });
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> ComposeProfile(const negotiation::Domain& domain,
                                   const TalksProfileComposeRequest& r) {
  for (const auto& [issue, w] : r.weights) {
    if (!domain.IssueIndex(issue)) return InvalidArgument("weights: no issue '" + issue + "'");
  }
  for (const auto& [issue, row] : r.values) {
    auto i = domain.IssueIndex(issue);
    if (!i) return InvalidArgument("values: no issue '" + issue + "'");
    for (const auto& [option, v] : row) {
      if (!domain.OptionIndex(*i, option)) {
        std::string why = "values: issue '";
        why.append(issue).append("' has no option '").append(option).append("'");
        return InvalidArgument(why);
      }
    }
  }
  negotiation::Profile p;
  p.name = "profile";
  p.reservation = r.reservation;
  double sum = 0;
  for (const auto& issue : domain.issues) {
    auto w = r.weights.find(issue.name);
    if (w == r.weights.end()) return InvalidArgument("weights: issue '" + issue.name + "' missing");
    if (!std::isfinite(w->second) || w->second < 0) {
      return InvalidArgument("weights: '" + issue.name + "' must be a number >= 0");
    }
    sum += w->second;
    p.weights.push_back(w->second);
    auto row = r.values.find(issue.name);
    if (row == r.values.end()) return InvalidArgument("values: issue '" + issue.name + "' missing");
    std::vector<double> evals;
    for (const auto& option : issue.options) {
      auto v = row->second.find(option);
      if (v == row->second.end()) {
        return InvalidArgument("values: option '" + option + "' of '" + issue.name + "' missing");
      }
      evals.push_back(v->second);
    }
    p.evaluations.push_back(std::move(evals));
  }
  if (!(sum > 0)) return InvalidArgument("weights: at least one issue must weigh more than 0");
  for (double& w : p.weights) w /= sum;
  BC_RETURN_IF_ERROR(p.Validate(domain));
  return negotiation::ProfileToJson(domain, p);
}

std::optional<Result<TalksOutcome>> RunTalksOp(TalksDesk& desk, const Request& request) {
  TalksService& talks = desk.service();
  if (auto changed = RunChange(desk, request)) return changed;
  if (const auto* r = std::get_if<TalksAgendaRequest>(&request)) {
    return ReadOnly(AgendaJson(talks, r->talks));
  }
  if (const auto* r = std::get_if<TalksProfileComposeRequest>(&request)) {
    return ReadOnly(ComposeJson(talks, *r));
  }
  if (const auto* r = std::get_if<TalksEvaluateRequest>(&request)) {
    return ReadOnly(EvaluateOp(talks, *r));
  }
  if (const auto* r = std::get_if<TalksAnalysisRequest>(&request)) {
    return ReadOnly(AnalysisOp(talks, *r));
  }
  if (const auto* r = std::get_if<RecordVerifyRequest>(&request)) {
    return ReadOnly(VerifyRecordJson(talks, *r));
  }
  if (const auto* r = std::get_if<RecordExportRequest>(&request)) {
    return ReadOnly(ExportRecordJson(talks, *r));
  }
  return std::nullopt;
}

}  // namespace backchannel::app
