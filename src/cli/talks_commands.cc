// `backchannel talks ...` and `backchannel record ...` (docs/talks.md): a thin
// layer over the application core (app/talks_desk.h, app/talks_ops.h,
// app/record.h). Every talks command first syncs (receives what is queued, lets the reactor act,
// flushes the outbox), then does its one thing, and prints what happened in the order it happened.
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backchannel/app/record.h"
#include "backchannel/app/request.h"
#include "backchannel/app/talks_desk.h"
#include "backchannel/app/talks_ops.h"
#include "backchannel/app/talks_view.h"
#include "backchannel/common/file_io.h"
#include "cli/cli.h"
#include "cli/client_common.h"
#include "cli/talks_view.h"

namespace backchannel::cli {
namespace {

using Json = nlohmann::ordered_json;

struct TalksArgs {
  Common common;
  std::string id;
};

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
  auto feelers = client->SettleFeelers();
  if (!feelers) return ctx.Fail(feelers.error());
  if (!feelers->events.empty()) j["feelers"] = feelers->events;
  for (const auto& e : feelers->refused) {
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
      PrintHappening(ctx.out, h);
    }
    for (const auto& e : done->refused) ctx.err << "warning: " << e.message << "\n";
    for (const auto& e : feelers->events) PrintLines(ctx.out, "[feeler] ", e);
    for (const auto& e : feelers->refused) ctx.err << "warning: " << e.message << "\n";
    if (done->status.ok() && j["result"].contains("text")) {
      ctx.out << j["result"]["text"].get<std::string>();
    }
  }
  if (!done->status.ok()) return ctx.Fail(done->status);
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

// `move` is the subcommand's name and the request's move (talks.move).
void AddMoveCommand(CLI::App& talks, Context& ctx, const std::string& move,
                    const std::string& help) {
  auto args = std::make_shared<MoveArgs>();
  CLI::App* cmd = talks.add_subcommand(move, help);
  AddCommon(cmd, args->t.common);
  cmd->add_option("talks", args->t.id, "Talks id")->required();
  const bool accept = move == "accept";
  const bool targeted = move == "counter" || move == "reject" || move == "withdraw" || accept;
  if (targeted) {
    auto* t = cmd->add_option("move", args->target, "The move (offer) it refers to, e.g. 3");
    if (!accept) t->required();
  }
  if (accept) {
    cmd->add_option("--suggestion", args->suggestion, "Accept the mediator's suggestion (e.g. s1)");
  }
  if (move == "propose" || move == "counter") {
    cmd->add_option("--package", args->package, "issue=option, issue=option, ...")->required();
    cmd->add_option("--condition", args->conditions, "TEXT@GUARANTOR (repeatable)");
  }
  if (move == "reject") cmd->add_option("--reason", args->reason, "Why")->required();
  if (!accept && move != "ratify") {
    cmd->add_flag("--exploratory", args->exploratory,
                  "Personal and not cleared at home (deniable even inside the talks)");
  }
  cmd->add_option("--revises", args->revises, "The draft this one replaces (after a veto)");
  cmd->callback([&ctx, args, move, accept]() {
    app::TalksMoveRequest r;
    r.talks = args->t.id;
    r.move = move;
    r.target = args->target;
    r.suggestion = args->suggestion;
    r.reason = args->reason;
    r.revises = args->revises;
    r.conditions = args->conditions;
    r.exploratory = args->exploratory;
    if (accept && r.target == 0 && r.suggestion.empty()) {
      return ctx.Fail(InvalidArgument("accept what? give a move id or --suggestion ID"));
    }
    if (!args->package.empty()) {
      auto package = app::ParsePackageText(args->package);
      if (!package) return ctx.Fail(package.error());
      r.package = std::move(*package);
    }
    // Bad input is refused before the passphrase is asked for.
    if (Status s = app::ValidateRequest(r); !s.ok()) return ctx.Fail(s);
    RunDesk(
        ctx, args->t.common, [&](app::TalksDesk& desk) { return desk.Move(r); }, MoveText);
  });
}

// The talks actions that are not moves, each one request.
enum class TalksActionCommand { kSuspend, kResume, kCondition };

void AddActionCommand(CLI::App& talks, Context& ctx, const std::string& name,
                      const std::string& help, TalksActionCommand kind) {
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
  if (kind == TalksActionCommand::kCondition) {
    cmd->add_option("condition", args->condition, "Condition id, e.g. c1")->required();
    cmd->add_option("status", args->status, "met or failed")
        ->required()
        ->check(CLI::IsMember({"met", "failed"}));
    cmd->add_option("--note", args->reason, "What the guarantor observed");
  } else if (kind == TalksActionCommand::kSuspend) {
    cmd->add_option("--reason", args->reason, "Why the talks stop");
  }
  cmd->callback([&ctx, args, kind]() {
    const std::string& id = args->t.id;
    if (kind == TalksActionCommand::kCondition) {
      return RunRequest(
          ctx, args->t.common,
          app::TalksConditionRequest{id, args->condition, args->status, args->reason});
    }
    if (kind == TalksActionCommand::kSuspend) {
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
      // The request the web app sends: the agenda file's text and each
      // SIDE=KEY binding, its key decoded here where it enters.
      app::TalksCreateRequest r{a->t.id, a->title, "", a->sides, a->rule, {}};
      for (const auto& b : a->bindings) {
        const auto eq = b.rfind('=');
        if (eq == std::string::npos || eq == 0) {
          return ctx.Fail(InvalidArgument("--side-authority '" + b + "' is not SIDE=KEY"));
        }
        auto key = app::ParseKeyText(b.substr(eq + 1));
        if (!key) {
          return ctx.Fail(InvalidArgument("--side-authority '" + b +
                                          "': not a 32-byte key (base64url or hex)"));
        }
        r.side_authorities[b.substr(0, eq)].push_back(*key);
      }
      auto agenda = ReadFile(a->agenda);
      if (!agenda) return ctx.Fail(agenda.error());
      r.domain = std::move(*agenda);
      RunRequest(ctx, a->t.common, r);
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
            if (done.talks) {
              for (const auto& view : *done.talks) text += TalksStatusText(view);
            }
            if (text.empty()) text = "No talks.\n";
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
      const app::TalksSayRequest r{a->t.id, a->scope, a->text, a->cleared};
      if (Status s = app::ValidateRequest(r); !s.ok()) return ctx.Fail(s);
      RunDesk(ctx, a->t.common, [&](app::TalksDesk& desk) { return desk.Say(r); });
    });
  }
  AddMoveCommand(*talks, ctx, "propose", "Propose a package");
  AddMoveCommand(*talks, ctx, "counter", "Counter an offer with a package");
  AddMoveCommand(*talks, ctx, "accept", "Accept an offer or suggestion ad referendum");
  AddMoveCommand(*talks, ctx, "reject", "Reject an offer, with a reason");
  AddMoveCommand(*talks, ctx, "withdraw", "Withdraw your offer or acceptance");
  AddMoveCommand(*talks, ctx, "ratify", "Ratify the agreement");
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
      const app::TalksVerdictRequest r{a->t.id, a->draft, approve, a->reason};
      if (Status s = app::ValidateRequest(r); !s.ok()) return ctx.Fail(s);
      RunDesk(ctx, a->t.common, [&](app::TalksDesk& desk) { return desk.Verdict(r); });
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
    auto a = std::make_shared<app::TalksSuggestRequest>();
    CLI::App* cmd = talks->add_subcommand("suggest", "Mediator: suggest the analysis' package");
    auto common = std::make_shared<Common>();
    AddCommon(cmd, *common);
    cmd->add_option("talks", a->talks, "Talks id")->required();
    cmd->add_option("--caucus", a->caucus, "Float it to this side only");
    cmd->add_option("--solution", a->solution, "nash (default), ks, egalitarian, utilitarian");
    cmd->add_option("--condition", a->conditions, "TEXT@GUARANTOR (repeatable)");
    cmd->add_option("--note", a->note, "Your words with it");
    cmd->callback([&ctx, a, common]() { RunRequest(ctx, *common, *a); });
  }
  AddActionCommand(*talks, ctx, "suspend", "Suspend the talks", TalksActionCommand::kSuspend);
  AddActionCommand(*talks, ctx, "resume", "Resume the talks you suspended",
                   TalksActionCommand::kResume);
  AddActionCommand(*talks, ctx, "condition", "Guarantor: confirm a condition met or failed",
                   TalksActionCommand::kCondition);
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
      app::RecordCheckView v;
      if (!a->file.empty()) {
        auto r = app::VerifyRecordFile(a->file);
        if (!r) return ctx.Fail(r.error());
        v = std::move(*r);
      } else {
        if (a->t.id.empty()) return ctx.Fail(InvalidArgument("which talks? (or --file)"));
        auto client = OpenClient(a->t.common);
        if (!client) return ctx.FailOpen(client.error());
        auto r = app::VerifyStoredRecord(*client, a->t.id);
        if (!r) return ctx.Fail(r.error());
        v = std::move(*r);
      }
      if (a->t.common.json) {
        const app::Error damaged{"corrupt", "the record is damaged"};
        ctx.Emit(app::ToJson(v), v.intact ? nullptr : &damaged);
      } else if (v.intact) {
        ctx.out << "Record intact: " << v.entries << " entries, chain head " << v.head << "\n";
      } else {
        ctx.out << "Record DAMAGED (" << v.problems.size() << " problem(s)):\n";
        for (const auto& p : v.problems) ctx.out << "  " << p.what << "\n";
      }
      if (!v.intact) ctx.exit_code = kExitFailed;
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
      auto text = app::ExportRecordText(*client, a->t.id, a->format);
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
