// `backchannel talks ...` and `backchannel record ...` (docs/talks.md): a thin
// layer over talks_client::TalksService. Every talks command first syncs
// (receives what is queued, lets the reactor act, flushes the outbox), then
// does its one thing, and prints what happened in the order it happened.
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backchannel/app/request.h"
#include "backchannel/app/talks_desk.h"
#include "backchannel/app/talks_ops.h"
#include "backchannel/app/talks_view.h"
#include "backchannel/common/encoding.h"
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

// Opens the client and runs `call` on the core's talks desk (which syncs
// first); prints what happened, then the result's "text" (a closing line for
// people) unless refused. `finish` may add fields to the result (for --json)
// and the "text".
void RunDesk(Context& ctx, const Common& c,
             const std::function<Result<app::TalksOutcome>(app::TalksDesk&)>& call,
             const std::function<void(const app::TalksOutcome&, Json& result)>& finish = nullptr) {
  auto client = OpenClient(c);
  if (!client) return ctx.FailOpen(client.error());
  app::TalksDesk desk(*client->talks);
  auto done = call(desk);
  if (!done) return ctx.Fail(done.error());
  Json j = app::ToJson(*done);
  // The desk's sync received feeler messages too: post what they answer
  // (a receive handler may not send) and show what the feelers did.
  auto feelers = client->feelers->Settle();
  if (!feelers) return ctx.Fail(feelers.error());
  if (!feelers->events.empty()) j["feelers"] = feelers->events;
  for (const auto& s : feelers->refused) {
    const app::Error e = app::ErrorFrom(s);
    j["refused"].push_back(Json{{"code", e.code}, {"message", e.message}});
  }
  if (finish && done->status.ok()) finish(*done, j["result"]);
  if (c.json) {
    if (done->status.ok()) {
      ctx.Emit(j);
    } else {
      const app::Error error = app::ErrorFrom(done->status);
      ctx.Emit(j, &error);
    }
  } else {
    for (const auto& h : done->happenings) {
      PrintHappening(ctx.out, talks_client::Happening{h.talks, h.text});
    }
    for (const auto& e : done->refused) ctx.err << "warning: " << e.message << "\n";
    for (const auto& e : feelers->events) PrintLines(ctx.out, "[feeler] ", e);
    for (const auto& e : feelers->refused) ctx.err << "warning: " << e.message() << "\n";
    if (done->status.ok() && j["result"].contains("text")) {
      ctx.out << j["result"]["text"].get<std::string>();
    }
  }
  if (!done->status.ok()) return ctx.Fail(done->status);
}

// The operations no request names yet, through the desk's generic Run:
// `op` may put fields (and a closing "text") in `result`.
void Run(Context& ctx, const Common& c, const Operation& op) {
  Json extra = Json::object();
  RunDesk(
      ctx, c,
      [&](app::TalksDesk& desk) {
        return desk.Run([&](TalksService& svc, app::TalksOutcome&) { return op(svc, extra); });
      },
      [&](const app::TalksOutcome&, Json& result) {
        for (const auto& [k, v] : extra.items()) result[k] = v;
      });
}

// An issue 18 request (app/talks_ops.h) through the desk: the same request
// the web app sends. `result.outcome` stays in --json, as before.
void RunRequest(Context& ctx, const Common& c, const app::Request& request) {
  if (Status s = app::ValidateRequest(request); !s.ok()) return ctx.Fail(s);
  RunDesk(ctx, c, [&](app::TalksDesk& desk) -> Result<app::TalksOutcome> {
    auto done = app::RunTalksOp(desk, request);
    if (!done) return Internal("not a talks request");
    return std::move(*done);
  });
}

// "=> <outcome>" after a move.
void MoveText(const app::TalksOutcome& done, Json& result) {
  result["text"] = "=> " + done.outcome + "\n";
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
    app::TalksMoveRequest r;
    r.talks = args->t.id;
    r.move = std::string(negotiation::MoveKindName(kind));
    r.target = args->target;
    r.suggestion = args->suggestion;
    r.reason = args->reason;
    r.revises = args->revises;
    r.conditions = args->conditions;
    r.exploratory = args->exploratory;
    if (kind == negotiation::MoveKind::kAccept && r.target == 0 && r.suggestion.empty()) {
      return ctx.Fail(InvalidArgument("accept what? give a move id or --suggestion ID"));
    }
    if (!args->package.empty()) {
      auto package = app::ParsePackageText(args->package);
      if (!package) return ctx.Fail(package.error());
      r.package = std::move(*package);
    }
    RunDesk(
        ctx, args->t.common, [&](app::TalksDesk& desk) { return desk.Move(r); }, MoveText);
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
    const std::string& id = args->t.id;
    if (kind == talks::Action::Kind::kCondition) {
      return RunRequest(
          ctx, args->t.common,
          app::TalksConditionRequest{id, args->condition, args->status, args->reason});
    }
    if (kind == talks::Action::Kind::kSuspend) {
      return RunRequest(ctx, args->t.common, app::TalksSuspendRequest{id, args->reason});
    }
    RunRequest(ctx, args->t.common, app::TalksResumeRequest{id});
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
      std::vector<std::string> sides, bindings;
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
    cmd->add_option("--side-authority", a->bindings,
                    "SIDE=KEY: a coalition side and one authority (public key) that accredits "
                    "for it (repeat for each)");
    cmd->callback([&ctx, a]() {
      Run(ctx, a->t.common, [&](TalksService& svc, Json&) -> Result<SyncReport> {
        BC_ASSIGN_OR_RETURN(auto domain, negotiation::LoadDomain(a->agenda));
        std::map<std::string, std::vector<std::string>> bound;
        for (const auto& b : a->bindings) {
          const auto eq = b.rfind('=');
          if (eq == std::string::npos || eq == 0) {
            return InvalidArgument("--side-authority '" + b + "' is not SIDE=KEY");
          }
          // As `authority show` prints it (base64url), or hex.
          const std::string text = b.substr(eq + 1);
          auto key = FromBase64Fixed<32>(text, Base64Variant::kUrlSafeNoPadding);
          if (!key) key = FromHexFixed<32>(text);
          if (!key) {
            return InvalidArgument("--side-authority " + b.substr(0, eq) + ": '" + text +
                                   "' is not a 32-byte key (base64url or hex)");
          }
          bound[b.substr(0, eq)].push_back(ToHex(*key));
        }
        return svc.Create(a->t.id, a->title, domain, a->sides, a->rule, bound);
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
    cmd->add_option("--role", a->role, "envoy, principal, mediator, guarantor or track2")
        ->required();
    cmd->callback([&ctx, a]() {
      RunRequest(ctx, a->t.common, app::TalksInviteRequest{a->t.id, a->contact, a->role});
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
      std::string profile;
      if (!a->profile.empty()) {
        auto text = ReadFile(a->profile);
        if (!text) return ctx.Fail(text.error());
        profile = std::move(*text);
      }
      RunRequest(ctx, a->t.common, app::TalksJoinRequest{a->t.id, profile, a->rule});
    });
  }
  {
    auto a = std::make_shared<TalksArgs>();
    CLI::App* cmd = talks->add_subcommand("status", "Sync and show talks (all, or one)");
    AddCommon(cmd, a->common);
    cmd->add_option("talks", a->id, "Talks id");
    cmd->callback([&ctx, a]() {
      RunDesk(
          ctx, a->common, [&](app::TalksDesk& desk) { return desk.Status({a->id}); },
          [](const app::TalksOutcome& done, Json& result) {
            std::string text;
            for (const auto& view : done.talks) text += TalksStatusText(view);
            if (done.talks.empty()) text = "No talks.\n";
            if (done.talks.empty()) result["talks"] = Json::array();
            result["text"] = text;
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
      RunDesk(ctx, a->common, [&](app::TalksDesk& desk) { return desk.Sync(a->id); });
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
      RunDesk(ctx, a->t.common, [&](app::TalksDesk& desk) {
        return desk.Say({a->t.id, a->scope, a->text, a->cleared});
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
      RunDesk(ctx, a->t.common, [&](app::TalksDesk& desk) {
        return desk.Verdict({a->t.id, a->draft, approve, a->reason});
      });
    });
  }
  {
    // Ideas: a package floated as non-binding by a member without a side
    // (Track 2, mediator, guarantor); shown with its author's label.
    struct Args {
      TalksArgs t;
      std::string package, note;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks->add_subcommand(
        "idea", "Float a package as a non-binding idea (Track 2, mediator, guarantor)");
    AddCommon(cmd, a->t.common);
    cmd->add_option("talks", a->t.id, "Talks id")->required();
    cmd->add_option("--package", a->package, "issue=option, issue=option, ...")->required();
    cmd->add_option("--note", a->note, "Your words with it");
    cmd->callback([&ctx, a]() {
      auto package = app::ParsePackageText(a->package);
      if (!package) return ctx.Fail(package.error());
      RunRequest(ctx, a->t.common, app::TalksIdeaRequest{a->t.id, *package, a->note});
    });
  }
  {
    auto a = std::make_shared<TalksArgs>();
    CLI::App* cmd = talks->add_subcommand(
        "share-profile", "Share your side's private profile with the mediator only");
    AddCommon(cmd, a->common);
    cmd->add_option("talks", a->id, "Talks id")->required();
    cmd->callback([&ctx, a]() { RunRequest(ctx, a->common, app::TalksShareRequest{a->id}); });
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
      talks::PackageSpec suggested;
      RunDesk(
          ctx, a->t.common,
          [&](app::TalksDesk& desk) {
            return desk.Run([&](TalksService& svc, app::TalksOutcome&) -> Result<SyncReport> {
              BC_ASSIGN_OR_RETURN(a->o.conditions, desk.ResolveConditions(a->t.id, a->conditions));
              talks::PackageSpec p;
              BC_ASSIGN_OR_RETURN(auto r, svc.Suggest(a->t.id, a->o, &p));
              suggested = p;
              return r;
            });
          },
          [&](const app::TalksOutcome&, Json& result) {
            Json pj = Json::object();
            for (const auto& [k, v] : suggested) pj[k] = v;
            result["package"] = pj;
          });
    });
  }
  AddActionCommand(*talks, ctx, "suspend", "Suspend the talks", talks::Action::Kind::kSuspend);
  AddActionCommand(*talks, ctx, "resume", "Resume the talks you suspended",
                   talks::Action::Kind::kResume);
  AddActionCommand(*talks, ctx, "condition", "Guarantor: confirm a condition met or failed",
                   talks::Action::Kind::kCondition);
  RegisterTalksDataCommands(*talks, ctx);
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
      // The side's own archive: whole or not at all, readable by this user only.
      if (Status s = WriteFileAtomic(a->out, *text, 0600); !s.ok()) return ctx.Fail(s);
      if (a->t.common.json) return ctx.Emit(Json{{"format", a->format}, {"wrote", a->out}});
      ctx.out << "Wrote " << a->out << "\n";
    });
  }
}

}  // namespace backchannel::cli
