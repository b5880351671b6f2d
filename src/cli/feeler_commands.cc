// `backchannel feeler send|status|overlap|forget` and `backchannel talks
// feeler|zone` (docs/feelers.md): a thin layer
// over the application core's feeler requests (app/feeler_ops.h), as the web
// app uses them. Every command first syncs (receives what is queued —
// results arrive there, like any message — ends exchanges whose time is up,
// posts the outbox), then does its one thing, and prints what happened in
// order. With --json: one document of the app's shape (docs/app-api.md,
// $defs feeler_report and feeler_status).
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "backchannel/app/error.h"
#include "backchannel/app/feeler_ops.h"
#include "backchannel/common/file_io.h"
#include "cli/cli.h"
#include "cli/client_common.h"

namespace backchannel::cli {
namespace {

using app::FeelerReport;
using app::FeelerView;

void PrintReport(Context& ctx, const FeelerReport& r) {
  for (const auto& e : r.events) PrintLines(ctx.out, "[feeler] ", e);
  for (const auto& s : r.refused) ctx.err << "warning: " << s.message() << "\n";
}

// A contact name as one shell word (names may hold spaces).
std::string Quoted(const std::string& name) {
  if (name.find_first_of(" '\"\\$`") == std::string::npos) return name;
  std::string out = "'";
  for (char ch : name) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string When(std::int64_t seconds) {
  char buf[32];
  const std::time_t t = seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// An overlap check: our own label and position, and the answer once done.
void PrintOverlapView(std::ostream& out, const FeelerView& v) {
  PrintLines(out, "",
             v.contact + " · overlap check · " + v.phase + " · since " + When(v.created_at) +
                 " · id " + v.id);
  if (v.phase == "incoming") {
    PrintLines(out, "  ",
               "answer with your own position: backchannel feeler overlap " + Quoted(v.contact) +
                   " --label L (--at-least N | --at-most M)");
    return;
  }
  PrintLines(out, "  on: ",
             v.label + " (" + v.unit + ", " + std::to_string(v.width) + " bits), you: " +
                 (v.side == "at_least" ? "at least " : "at most ") + std::to_string(v.value));
  if (v.phase == "done") {
    PrintLines(out, "  ", v.overlap == "yes" ? "the positions overlap" : "no overlap");
  } else if (v.phase != "expired" && v.phase != "withheld") {
    PrintLines(out, "  ", "pending until " + When(v.expires_at));
  }
  if (!v.notice.empty()) PrintLines(out, "  ", v.notice);
}

// A zone check: the talks, what we chose, the count (and the list) once done.
void PrintZoneView(std::ostream& out, const FeelerView& v) {
  PrintLines(out, "",
             v.contact + " · zone check" + (v.talks.empty() ? "" : " in talks " + v.talks) + " · " +
                 v.phase + " · since " + When(v.created_at) + " · id " + v.id);
  if (v.phase == "incoming") {
    PrintLines(out, "  ",
               std::string("they ask for ") +
                   (v.list ? "the list of candidates both accept" : "only the count") +
                   "; answer: backchannel talks zone ID --to " + Quoted(v.contact) +
                   (v.list ? " --list" : ""));
    return;
  }
  PrintLines(out, "  ",
             std::to_string(v.candidates) + " candidates, you accept " +
                 std::to_string(v.accepted) + (v.list ? "; list asked for" : "; count only"));
  if (v.zone_count) {
    PrintLines(out, "  ", std::to_string(*v.zone_count) + " both would accept");
    for (const auto& m : v.matched) PrintLines(out, "    ", m);
  } else if (v.phase != "expired" && v.phase != "withheld") {
    PrintLines(out, "  ", "pending until " + When(v.expires_at));
  }
  if (!v.notice.empty()) PrintLines(out, "  ", v.notice);
}

void PrintView(std::ostream& out, const FeelerView& v) {
  if (v.kind == "overlap") return PrintOverlapView(out, v);
  if (v.kind == "zone") return PrintZoneView(out, v);
  std::string line = v.contact + (v.talks.empty() ? "" : " · talks " + v.talks) + " · " + v.phase +
                     " · k=" + std::to_string(v.k) + " · since " + When(v.created_at) + " · id " +
                     v.id;
  PrintLines(out, "", line);
  std::string topics;
  for (const auto& t : v.topics) topics += (topics.empty() ? "" : ", ") + t;
  if (!topics.empty()) PrintLines(out, "  your topics: ", topics);
  if (v.phase == "done") {
    std::string matched;
    for (const auto& t : v.matched) matched += (matched.empty() ? "" : ", ") + t;
    PrintLines(out, "  shared: ", matched.empty() ? "(none)" : matched);
  } else if (v.phase == "incoming") {
    PrintLines(out, "  ",
               "waiting for your own topics: backchannel feeler send " + Quoted(v.contact) +
                   " --topic ...");
  } else if (v.phase != "expired" && v.phase != "withheld") {
    PrintLines(out, "  ", "pending until " + When(v.expires_at));
  }
  if (!v.notice.empty()) PrintLines(out, "  ", v.notice);
}

// Opens the client with every handler and runs `request` through the
// application core; prints what happened first, then `text` of the outcome
// for people (--json: the app's document).
void Run(Context& ctx, const Common& c, const app::Request& request,
         const std::function<std::string(const app::FeelerOutcome&)>& text) {
  // Bad input is refused before the passphrase is asked for.
  if (Status valid = app::ValidateRequest(request); !valid.ok()) return ctx.Fail(valid);
  auto client = OpenClient(c);
  if (!client) return ctx.FailOpen(client.error());
  auto done = app::IsTalksFeelerRequest(request)
                  ? app::RunTalksFeeler(*client->feelers, *client->talks, request)
                  : app::RunFeeler(*client->feelers, request);
  if (!done) return ctx.Fail(done.error());
  const Status& s = done->status;
  if (c.json) {
    if (s.ok()) {
      ctx.Emit(app::ToJson(*done));
    } else {
      const app::Error error = app::ErrorFrom(s);
      ctx.Emit(app::ToJson(*done), &error);
    }
  } else {
    PrintReport(ctx, done->report);
    if (s.ok()) ctx.out << text(*done);
  }
  if (!s.ok()) ctx.Fail(s);
}

// A candidates file: one complete package a line, "issue=option, ...";
// blank lines and lines starting with '#' are skipped.
Result<std::vector<std::string>> ReadZoneCandidates(const std::string& path) {
  BC_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    out.push_back(line.substr(first));
  }
  if (out.empty()) return InvalidArgument(path + ": no candidate package in the file");
  return out;
}

// `talks feeler` and `talks zone`, registered under the talks command.
void RegisterTalksFeelerCommands(CLI::App& talks, Context& context) {
  {
    struct Args {
      Common common;
      app::TalksFeelerRequest request;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks.add_subcommand(
        "feeler",
        "A feeler with another member inside talks: only the topics both named are revealed");
    AddCommon(cmd, a->common);
    cmd->add_option("id", a->request.talks, "Talks id")->required();
    cmd->add_option("--to", a->request.to, "The member (name as seated, or member id)")->required();
    cmd->add_option("--topic", a->request.topics,
                    "A topic you would discuss: an agenda ISSUE or ISSUE:OPTION of the talks, or "
                    "free text (repeat; at most 32)")
        ->required();
    cmd->add_option("--k", a->request.k,
                    "Items each side sends: 8, 16 or 32 (default: the smallest that holds them)")
        ->check(CLI::IsMember({8, 16, 32}));
    cmd->callback([&context, a]() {
      Run(context, a->common, a->request, [](const app::FeelerOutcome&) { return std::string(); });
    });
  }
  {
    struct Args {
      Common common;
      app::TalksZoneRequest request;
      std::string candidates;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks.add_subcommand(
        "zone",
        "Blind zone of agreement with a member: how many candidate packages both would accept");
    AddCommon(cmd, a->common);
    cmd->add_option("id", a->request.talks, "Talks id")->required();
    cmd->add_option("--to", a->request.to, "The member (name as seated, or member id)")->required();
    cmd->add_option("--candidates", a->candidates,
                    "File of at most 100 complete packages, one a line: issue=option, ... "
                    "(default: the agenda's packages if at most 100, else the mediator's "
                    "suggestions)");
    cmd->add_flag("--list", a->request.list,
                  "Ask for the list of candidates both accept (shown only if both ask)");
    cmd->callback([&context, a]() {
      if (!a->candidates.empty()) {
        auto read = ReadZoneCandidates(a->candidates);
        if (!read) return context.Fail(read.error().WithContext("--candidates"));
        a->request.candidates = std::move(*read);
      }
      Run(context, a->common, a->request, [](const app::FeelerOutcome&) { return std::string(); });
    });
  }
}

}  // namespace

void RegisterFeelerCommands(CLI::App& app, Context& context) {
  // The talks command group registers before this one (command_groups.cc).
  for (CLI::App* talks :
       app.get_subcommands([](CLI::App* sub) { return sub->get_name() == "talks"; })) {
    RegisterTalksFeelerCommands(*talks, context);
  }
  CLI::App* feeler = app.add_subcommand(
      "feeler", "Say which topics you would discuss; see only those the contact named too");
  feeler->require_subcommand(1);
  {
    struct Args {
      Common common;
      app::FeelerSendRequest request;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = feeler->add_subcommand(
        "send", "Offer a feeler to a contact (or answer theirs) with your own topics");
    AddCommon(cmd, a->common);
    cmd->add_option("contact", a->request.contact, "Contact name")->required();
    // At least one of the two (the request's validation refuses neither).
    cmd->add_option("--topic", a->request.topics,
                    "A topic you would discuss, free text (repeat; at most 32)");
    cmd->add_option(
        "--agenda", a->request.agenda,
        "An agenda id you would discuss: ISSUE or ISSUE:OPTION (repeat; counts with --topic)");
    cmd->add_option("--k", a->request.k,
                    "Items each side sends: 8, 16 or 32 (default: the smallest that holds the "
                    "topics; the exchange uses the larger of both sides')")
        ->check(CLI::IsMember({8, 16, 32}));
    cmd->callback([&context, a]() {
      Run(context, a->common, a->request, [](const app::FeelerOutcome&) { return std::string(); });
    });
  }
  {
    struct Args {
      Common common;
      std::string contact;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = feeler->add_subcommand(
        "status", "Pending feelers, shared topics, the budget and the history");
    AddCommon(cmd, a->common);
    cmd->add_option("contact", a->contact, "Only feelers with this contact");
    cmd->callback([&context, a]() {
      Run(context, a->common, app::FeelerStatusRequest{a->contact},
          [a](const app::FeelerOutcome& o) {
            std::ostringstream text;
            const auto& views = *o.feelers;
            if (views.empty()) text << "no feelers\n";
            for (const auto& v : views) PrintView(text, v);
            text << "budget: " << o.budget_per_day << " feelers per contact per day";
            if (o.budget_left) text << ", " << *o.budget_left << " left with " << a->contact;
            text << "\n";
            return text.str();
          });
    });
  }
  {
    struct Args {
      Common common;
      app::FeelerOverlapRequest request;
      std::uint64_t at_least = 0, at_most = 0;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = feeler->add_subcommand(
        "overlap",
        "Blind overlap check on a numeric issue: both learn only whether at-least N <= at-most M");
    AddCommon(cmd, a->common);
    cmd->add_option("contact", a->request.contact, "Contact name")->required();
    cmd->add_option("--label", a->request.label, "The agreed issue, e.g. enrichment-cap")
        ->required();
    cmd->add_option("--unit", a->request.unit, "The agreed unit (default: units)");
    cmd->add_option("--width", a->request.width, "The agreed integer width in bits, 1..32 (32)");
    CLI::Option* least = cmd->add_option("--at-least", a->at_least, "Your side needs at least N");
    CLI::Option* most = cmd->add_option("--at-most", a->at_most, "Your side gives at most M");
    least->excludes(most);
    // One of the two (neither: the request's validation refuses it).
    cmd->callback([&context, a, least, most]() {
      if (least->count() > 0) a->request.at_least = a->at_least;
      if (most->count() > 0) a->request.at_most = a->at_most;
      Run(context, a->common, a->request, [](const app::FeelerOutcome&) { return std::string(); });
    });
  }
  {
    struct Args {
      Common common;
      std::uint64_t per_day = 0;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = feeler->add_subcommand(
        "budget",
        "Show or set this home's probing budget: feelers per contact per day (asked or answered)");
    AddCommon(cmd, a->common);
    CLI::Option* per_day =
        cmd->add_option("--per-day", a->per_day, "Exchanges per contact per day, 1..24");
    cmd->callback([&context, a, per_day]() {
      app::FeelerBudgetRequest request;
      if (per_day->count() > 0) request.per_day = a->per_day;
      Run(context, a->common, request, [](const app::FeelerOutcome& o) {
        return "budget: " + std::to_string(o.budget_per_day) +
               " feelers per contact per day (asked or answered; each contact's own client "
               "enforces its own)\n";
      });
    });
  }
  {
    struct Args {
      Common common;
      std::string id;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = feeler->add_subcommand(
        "forget", "Delete one feeler (its secret too, if it is still open) from this home");
    AddCommon(cmd, a->common);
    cmd->add_option("id", a->id, "The id `feeler status` shows")->required();
    cmd->callback([&context, a]() {
      app::FeelerForgetRequest request;
      request.id = a->id;
      Run(context, a->common, request,
          [](const app::FeelerOutcome&) { return std::string("forgotten\n"); });
    });
  }
}

}  // namespace backchannel::cli
