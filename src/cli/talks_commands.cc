// `backchannel talks ...` and `backchannel record ...` (docs/talks.md): a thin
// layer over talks_client::TalksService. Every talks command first syncs
// (receives what is queued, lets the reactor act, flushes the outbox), then
// does its one thing, and prints what happened in the order it happened.
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backchannel/app/request.h"
#include "backchannel/app/talks_view.h"
#include "backchannel/common/file_io.h"
#include "backchannel/negotiation/io.h"
#include "backchannel/talks/record.h"
#include "backchannel/talks_client/service.h"
#include "cli/cli.h"
#include "cli/client_common.h"
#include "cli/talks_view.h"

namespace backchannel::cli {
namespace {

using Json = nlohmann::ordered_json;
using talks_client::SyncReport;
using talks_client::TalksService;

struct TalksArgs {
  Common common;
  std::string id;
};

using Operation = std::function<Result<SyncReport>(TalksService&, Json& result)>;

void PrintReport(Context& ctx, const SyncReport& r) {
  for (const auto& h : r.happenings) PrintHappening(ctx.out, h);
  for (const auto& s : r.refused) ctx.err << "warning: " << s.message() << "\n";
}

Json ReportJson(const SyncReport& r) {
  Json j{{"happenings", Json::array()}, {"refused", Json::array()}, {"queued", r.queued}};
  for (const auto& h : r.happenings)
    j["happenings"].push_back(Json{{"talks", h.talks}, {"text", h.text}});
  for (const auto& s : r.refused) {
    j["refused"].push_back(Json{{"code", std::string(StatusCodeName(s.code()))},
                                {"message", std::string(s.message())}});
  }
  return j;
}

// Opens the client, syncs, runs `op`, prints. `result` may carry "text" (a
// closing line for people) and anything else for --json.
void Run(Context& ctx, const Common& c, const Operation& op) {
  auto client = OpenClient(c);
  if (!client) return ctx.FailOpen(client.error());
  TalksService& service = *client->talks;
  auto synced = service.Sync();
  if (!synced) return ctx.Fail(synced.error());
  Json result = Json::object();
  auto done = op(service, result);
  SyncReport all = *synced;
  if (done) {
    for (auto& h : done->happenings) all.happenings.push_back(h);
    for (auto& s : done->refused) all.refused.push_back(s);
    all.queued = done->queued;
  }
  if (c.json) {
    Json j = ReportJson(all);
    j["result"] = result;
    if (done) {
      ctx.Emit(j);
    } else {
      const app::Error error = app::ErrorFrom(done.error());
      ctx.Emit(j, &error);
    }
  } else {
    PrintReport(ctx, all);
    if (done && result.contains("text")) ctx.out << result["text"].get<std::string>();
  }
  if (!done) return ctx.Fail(done.error());
}

// "TEXT@GUARANTOR NAME" against the talks' members.
Result<std::vector<talks::ConditionSpec>> ParseConditions(TalksService& service,
                                                          const std::string& id,
                                                          const std::vector<std::string>& items) {
  std::vector<talks::ConditionSpec> out;
  if (items.empty()) return out;
  BC_ASSIGN_OR_RETURN(auto state, service.State(id));
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

Result<talks::Scope> ParseScope(TalksService& service, const std::string& id,
                                const std::string& text) {
  BC_ASSIGN_OR_RETURN(auto state, service.State(id));
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

// The move commands share their shape: id, maybe a target, maybe a package.
struct MoveArgs {
  TalksArgs t;
  std::uint64_t target = 0;
  std::string package;
  std::string suggestion;
  std::string reason;
  std::string revises;
  bool exploratory = false;
  std::vector<std::string> conditions;
};

void AddMoveCommand(CLI::App& talks, Context& ctx, const std::string& name, const std::string& help,
                    negotiation::MoveKind kind) {
  using negotiation::MoveKind;
  auto args = std::make_shared<MoveArgs>();
  CLI::App* cmd = talks.add_subcommand(name, help);
  AddCommon(cmd, args->t.common);
  cmd->add_option("talks", args->t.id, "Talks id")->required();
  const bool targeted = kind == MoveKind::kCounter || kind == MoveKind::kReject ||
                        kind == MoveKind::kWithdraw || kind == MoveKind::kAccept;
  if (targeted) {
    auto* t = cmd->add_option("move", args->target, "The move (offer) it refers to, e.g. 3");
    if (kind != MoveKind::kAccept) t->required();
  }
  if (kind == MoveKind::kAccept) {
    cmd->add_option("--suggestion", args->suggestion, "Accept the mediator's suggestion (e.g. s1)");
  }
  if (kind == MoveKind::kPropose || kind == MoveKind::kCounter) {
    cmd->add_option("--package", args->package, "issue=option, issue=option, ...")->required();
    cmd->add_option("--condition", args->conditions, "TEXT@GUARANTOR (repeatable)");
  }
  if (kind == MoveKind::kReject) cmd->add_option("--reason", args->reason, "Why")->required();
  if (kind != MoveKind::kAccept && kind != MoveKind::kRatify) {
    cmd->add_flag("--exploratory", args->exploratory,
                  "Personal and not cleared at home (deniable even inside the talks)");
  }
  cmd->add_option("--revises", args->revises, "The draft this one replaces (after a veto)");
  cmd->callback([&ctx, args, kind]() {
    Run(ctx, args->t.common, [&](TalksService& svc, Json& result) -> Result<SyncReport> {
      talks::Action a;
      a.kind = talks::Action::Kind::kMove;
      a.move = kind;
      a.authority = args->exploratory ? talks::Authority::kExploratory : talks::Authority::kCleared;
      a.target = args->target;
      a.suggestion = args->suggestion;
      a.reason = args->reason;
      if (kind == negotiation::MoveKind::kAccept && a.target == 0 && a.suggestion.empty()) {
        return InvalidArgument("accept what? give a move id or --suggestion ID");
      }
      if (!args->package.empty()) {
        BC_ASSIGN_OR_RETURN(a.package, app::ParsePackageText(args->package));
      }
      BC_ASSIGN_OR_RETURN(a.conditions, ParseConditions(svc, args->t.id, args->conditions));
      std::string outcome;
      BC_ASSIGN_OR_RETURN(auto r, svc.Act(args->t.id, a, args->revises, &outcome));
      result["outcome"] = outcome;
      result["text"] = "=> " + outcome + "\n";
      return r;
    });
  });
}

void AddActionCommand(CLI::App& talks, Context& ctx, const std::string& name,
                      const std::string& help, talks::Action::Kind kind) {
  struct Args {
    TalksArgs t;
    std::string reason;
    std::string condition;
    std::string status;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = talks.add_subcommand(name, help);
  AddCommon(cmd, args->t.common);
  cmd->add_option("talks", args->t.id, "Talks id")->required();
  if (kind == talks::Action::Kind::kCondition) {
    cmd->add_option("condition", args->condition, "Condition id, e.g. c1")->required();
    cmd->add_option("status", args->status, "met or failed")
        ->required()
        ->check(CLI::IsMember({"met", "failed"}));
    cmd->add_option("--note", args->reason, "What the guarantor observed");
  } else if (kind == talks::Action::Kind::kSuspend) {
    cmd->add_option("--reason", args->reason, "Why the talks stop");
  }
  cmd->callback([&ctx, args, kind]() {
    Run(ctx, args->t.common, [&](TalksService& svc, Json& result) -> Result<SyncReport> {
      talks::Action a;
      a.kind = kind;
      a.reason = args->reason;
      a.condition = args->condition;
      a.status =
          args->status == "failed" ? talks::ConditionStatus::kFailed : talks::ConditionStatus::kMet;
      std::string outcome;
      BC_ASSIGN_OR_RETURN(auto r, svc.Act(args->t.id, a, "", &outcome));
      result["outcome"] = outcome;
      return r;
    });
  });
}

}  // namespace

void RegisterTalksCommands(CLI::App& app, Context& ctx) {
  CLI::App* talks = app.add_subcommand("talks", "Negotiate over the channel (docs/talks.md)");
  talks->require_subcommand(1);

  {
    struct Args {
      TalksArgs t;
      std::string title, agenda, rule;
      std::vector<std::string> sides;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks->add_subcommand("create", "Open talks you host");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id (1..64 characters)")->required();
    cmd->add_option("--title", a->title, "Title")->required();
    cmd->add_option("--agenda", a->agenda,
                    "Agenda: a domain file (GENIUS XML, GeniusWeb or native JSON)")
        ->required();
    cmd->add_option("--side", a->sides, "A side (repeat; at least two)")->required();
    cmd->add_option("--rule", a->rule, "Your side's clearance rule (an envoy host)");
    cmd->callback([&ctx, a]() {
      Run(ctx, a->t.common, [&](TalksService& svc, Json&) -> Result<SyncReport> {
        BC_ASSIGN_OR_RETURN(auto domain, negotiation::LoadDomain(a->agenda));
        return svc.Create(a->t.id, a->title, domain, a->sides, a->rule);
      });
    });
  }
  {
    struct Args {
      TalksArgs t;
      std::string contact, role;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks->add_subcommand(
        "invite", "Seat a contact at the table (host) or bring in a principal (envoy)");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id")->required();
    cmd->add_option("contact", a->contact, "Contact name")->required();
    cmd->add_option("--role", a->role, "envoy, principal, mediator or guarantor")->required();
    cmd->callback([&ctx, a]() {
      Run(ctx, a->t.common, [&](TalksService& svc, Json&) -> Result<SyncReport> {
        BC_ASSIGN_OR_RETURN(auto role, talks::ParseRole(a->role));
        return svc.Invite(a->t.id, a->contact, role);
      });
    });
  }
  {
    struct Args {
      TalksArgs t;
      std::string profile, rule;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks->add_subcommand("join", "Join talks you were invited to");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id")->required();
    cmd->add_option("--profile", a->profile, "Your side's private profile (kept here)");
    cmd->add_option("--rule", a->rule,
                    "Your side's clearance rule, e.g. approve=State,NSC;veto=Pentagon");
    cmd->callback([&ctx, a]() {
      Run(ctx, a->t.common, [&](TalksService& svc, Json&) -> Result<SyncReport> {
        std::string profile;
        if (!a->profile.empty()) {
          BC_ASSIGN_OR_RETURN(profile, ReadFile(a->profile));
        }
        return svc.Join(a->t.id, profile, a->rule);
      });
    });
  }
  {
    auto a = std::make_shared<TalksArgs>();
    CLI::App* cmd = talks->add_subcommand("status", "Sync and show talks (all, or one)");
    AddCommon(cmd, a->common);
    cmd->add_option("talks", a->id, "Talks id");
    cmd->callback([&ctx, a]() {
      Run(ctx, a->common, [&](TalksService& svc, Json& result) -> Result<SyncReport> {
        std::vector<std::string> ids;
        if (!a->id.empty()) {
          ids.push_back(a->id);
        } else {
          BC_ASSIGN_OR_RETURN(auto all, svc.List());
          for (const auto& m : all) ids.push_back(m.id);
        }
        std::string text;
        Json list = Json::array();
        for (const auto& id : ids) {
          BC_ASSIGN_OR_RETURN(auto meta, svc.Meta(id));
          BC_ASSIGN_OR_RETURN(auto state, svc.State(id));
          const app::TalksView view = app::BuildTalksView(state, meta.joined, meta.profile);
          list.push_back(app::TalksViewJson(view));
          text += TalksStatusText(view);
        }
        if (ids.empty()) text = "No talks.\n";
        result["talks"] = list;
        result["text"] = text;
        return SyncReport{};
      });
    });
  }
  {
    auto a = std::make_shared<TalksArgs>();
    CLI::App* cmd = talks->add_subcommand(
        "sync", "Receive, let the reactor act, send what is queued; print what happened");
    AddCommon(cmd, a->common);
    cmd->add_option("talks", a->id,
                    "Talks id (optional: checked to exist; a sync always serves every talks)");
    cmd->callback([&ctx, a]() {
      Run(ctx, a->common, [a](TalksService& service, Json&) -> Result<SyncReport> {
        if (!a->id.empty()) BC_RETURN_IF_ERROR(service.Meta(a->id).status());
        return SyncReport{};
      });
    });
  }
  {
    struct Args {
      TalksArgs t;
      std::string text, scope = "plenary";
      bool cleared = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks->add_subcommand("say", "Send words in a scope");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id")->required();
    cmd->add_option("text", a->text, "What to say")->required();
    cmd->add_option("--scope", a->scope, "plenary (default), caucus:SIDE, internal, direct:NAME");
    cmd->add_flag("--cleared", a->cleared, "Speak with authority (default: exploratory)");
    cmd->callback([&ctx, a]() {
      Run(ctx, a->t.common, [&](TalksService& svc, Json&) -> Result<SyncReport> {
        BC_ASSIGN_OR_RETURN(auto scope, ParseScope(svc, a->t.id, a->scope));
        return svc.Chat(a->t.id, scope, a->text,
                        a->cleared ? talks::Authority::kCleared : talks::Authority::kExploratory);
      });
    });
  }
  using negotiation::MoveKind;
  AddMoveCommand(*talks, ctx, "propose", "Propose a package", MoveKind::kPropose);
  AddMoveCommand(*talks, ctx, "counter", "Counter an offer with a package", MoveKind::kCounter);
  AddMoveCommand(*talks, ctx, "accept", "Accept an offer or suggestion ad referendum",
                 MoveKind::kAccept);
  AddMoveCommand(*talks, ctx, "reject", "Reject an offer, with a reason", MoveKind::kReject);
  AddMoveCommand(*talks, ctx, "withdraw", "Withdraw your offer or acceptance", MoveKind::kWithdraw);
  AddMoveCommand(*talks, ctx, "ratify", "Ratify the agreement", MoveKind::kRatify);
  for (const bool approve : {true, false}) {
    struct Args {
      TalksArgs t;
      std::string draft, reason;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd =
        talks->add_subcommand(approve ? "approve" : "veto",
                              approve ? "Approve your envoy's draft" : "Veto your envoy's draft");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id")->required();
    cmd->add_option("draft", a->draft, "Draft id, e.g. d1")->required();
    auto* reason = cmd->add_option("--reason", a->reason, "Why");
    if (!approve) reason->required();
    cmd->callback([&ctx, a, approve]() {
      Run(ctx, a->t.common, [&](TalksService& svc, Json&) -> Result<SyncReport> {
        return svc.Verdict(a->t.id, a->draft, approve, a->reason);
      });
    });
  }
  {
    auto a = std::make_shared<TalksArgs>();
    CLI::App* cmd = talks->add_subcommand(
        "share-profile", "Share your side's private profile with the mediator only");
    AddCommon(cmd, a->common);
    cmd->add_option("talks", a->id, "Talks id")->required();
    cmd->callback([&ctx, a]() {
      Run(ctx, a->common,
          [&](TalksService& svc, Json&) -> Result<SyncReport> { return svc.ShareProfile(a->id); });
    });
  }
  {
    struct Args {
      TalksArgs t;
      talks_client::SuggestOptions o;
      std::vector<std::string> conditions;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks->add_subcommand("suggest", "Mediator: suggest the analysis' package");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id")->required();
    cmd->add_option("--caucus", a->o.caucus, "Float it to this side only");
    cmd->add_option("--solution", a->o.solution, "nash (default), ks, egalitarian, utilitarian");
    cmd->add_option("--condition", a->conditions, "TEXT@GUARANTOR (repeatable)");
    cmd->add_option("--note", a->o.note, "Your words with it");
    cmd->callback([&ctx, a]() {
      Run(ctx, a->t.common, [&](TalksService& svc, Json& result) -> Result<SyncReport> {
        BC_ASSIGN_OR_RETURN(a->o.conditions, ParseConditions(svc, a->t.id, a->conditions));
        talks::PackageSpec p;
        BC_ASSIGN_OR_RETURN(auto r, svc.Suggest(a->t.id, a->o, &p));
        Json pj = Json::object();
        for (const auto& [k, v] : p) pj[k] = v;
        result["package"] = pj;
        return r;
      });
    });
  }
  AddActionCommand(*talks, ctx, "suspend", "Suspend the talks", talks::Action::Kind::kSuspend);
  AddActionCommand(*talks, ctx, "resume", "Resume the talks you suspended",
                   talks::Action::Kind::kResume);
  AddActionCommand(*talks, ctx, "condition", "Guarantor: confirm a condition met or failed",
                   talks::Action::Kind::kCondition);
}

void RegisterRecordCommands(CLI::App& app, Context& ctx) {
  CLI::App* record = app.add_subcommand("record", "Your side's tamper-evident record of talks");
  record->require_subcommand(1);
  {
    struct Args {
      TalksArgs t;
      std::string file;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = record->add_subcommand("verify", "Check the record's hash chain");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id");
    cmd->add_option("--file", a->file, "Verify an exported JSON record instead of the store");
    cmd->callback([&ctx, a]() {
      talks::RecordVerification v;
      if (!a->file.empty()) {
        auto text = ReadFile(a->file);
        if (!text) return ctx.Fail(text.error());
        auto rec = talks::RecordFromJson(*text);
        if (!rec) return ctx.Fail(rec.error());
        v = talks::VerifyRecord(rec->entries, rec->head);
      } else {
        if (a->t.id.empty()) return ctx.Fail(InvalidArgument("which talks? (or --file)"));
        auto client = OpenClient(a->t.common);
        if (!client) return ctx.FailOpen(client.error());
        TalksService& svc = *client->talks;
        auto r = svc.VerifyRecord(a->t.id);
        if (!r) return ctx.Fail(r.error());
        v = *r;
      }
      if (a->t.common.json) {
        Json problems = Json::array();
        for (const auto& p : v.problems) problems.push_back(Json{{"seq", p.seq}, {"what", p.what}});
        const app::Error damaged{"corrupt", "the record is damaged"};
        ctx.Emit(
            Json{
                {"intact", v.ok}, {"entries", v.entries}, {"head", v.head}, {"problems", problems}},
            v.ok ? nullptr : &damaged);
      } else if (v.ok) {
        ctx.out << "Record intact: " << v.entries << " entries, chain head " << v.head << "\n";
      } else {
        ctx.out << "Record DAMAGED (" << v.problems.size() << " problem(s)):\n";
        for (const auto& p : v.problems) ctx.out << "  " << p.what << "\n";
      }
      if (!v.ok) ctx.exit_code = kExitFailed;
    });
  }
  {
    struct Args {
      TalksArgs t;
      std::string format = "md", out;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = record->add_subcommand("export", "Write the side's archive of the talks");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id")->required();
    cmd->add_option("--format", a->format, "md (default) or json")
        ->check(CLI::IsMember({"md", "json"}));
    cmd->add_option("--out", a->out, "Write to this file instead of stdout");
    cmd->callback([&ctx, a]() {
      auto client = OpenClient(a->t.common);
      if (!client) return ctx.FailOpen(client.error());
      TalksService& svc = *client->talks;
      auto text = svc.ExportRecord(a->t.id, a->format);
      if (!text) return ctx.Fail(text.error());
      if (a->out.empty()) {
        if (a->t.common.json) return ctx.Emit(Json{{"format", a->format}, {"archive", *text}});
        ctx.out << *text;
        return;
      }
      std::ofstream f(a->out, std::ios::binary | std::ios::trunc);
      if (!f || !(f << *text))
        return ctx.Fail(Status(StatusCode::kIoError, "cannot write " + a->out));
      if (a->t.common.json) return ctx.Emit(Json{{"format", a->format}, {"wrote", a->out}});
      ctx.out << "Wrote " << a->out << "\n";
    });
  }
}

}  // namespace backchannel::cli
