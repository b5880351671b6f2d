// `backchannel talks analysis|evaluate|agenda` (issue 18): thin faces over
// the application core's requests. Each builds the same request the web app
// sends, runs it through app::Execute and prints its answer (--json: exactly
// the answer; otherwise the core's words).
#include <cstdio>
#include <functional>
#include <memory>

#include "backchannel/app/analysis_view.h"
#include "backchannel/app/request.h"
#include "backchannel/app/talks_desk.h"
#include "cli/cli.h"
#include "cli/client_common.h"

namespace backchannel::cli {
namespace {

// Runs `request` on the home's channel; prints the answer as JSON, or
// `text(result)` for people.
void RunRequest(Context& ctx, const Common& c, const app::Request& request,
                const std::function<std::string(const app::Json& result)>& text) {
  if (Status s = app::ValidateRequest(request); !s.ok()) return ctx.Fail(s);
  auto client = OpenClient(c);
  if (!client) return ctx.FailOpen(client.error());
  app::Channel channel = client->channel();
  auto done = app::Execute(channel, request);
  if (!done) return ctx.Fail(done.error());
  if (c.json) return ctx.Emit(*done);
  ctx.out << text((*done)["result"]);
}

std::string Fixed(const app::Json& v) {
  if (v.is_null()) return "unknown";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
  return buf;
}

}  // namespace

void RegisterTalksDataCommands(CLI::App& talks, Context& ctx) {
  {
    struct Args {
      Common common;
      app::TalksAnalysisRequest r;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks.add_subcommand(
        "analysis", "The bargaining analysis the chart draws: frontier, Nash, Kalai-Smorodinsky");
    AddCommon(cmd, a->common);
    cmd->add_option("talks", a->r.talks, "Talks id")->required();
    cmd->add_option("--cap", a->r.cap, "Sample points at most (1..20000, default 2000)");
    cmd->callback([&ctx, a]() { RunRequest(ctx, a->common, a->r, app::AnalysisText); });
  }
  {
    struct Args {
      Common common;
      std::string talks, package;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = talks.add_subcommand(
        "evaluate", "What a (maybe partial) package is worth to each side, as far as known");
    AddCommon(cmd, a->common);
    cmd->add_option("talks", a->talks, "Talks id")->required();
    cmd->add_option("--package", a->package, "issue=option, issue=option, ...")->required();
    cmd->callback([&ctx, a]() {
      app::TalksEvaluateRequest r;
      r.talks = a->talks;
      auto package = app::ParsePackageText(a->package);
      if (!package) return ctx.Fail(package.error());
      r.package = std::move(*package);
      RunRequest(ctx, a->common, r,
                 [](const app::Json& result) { return result["words"].get<std::string>() + "\n"; });
    });
  }
  {
    struct Args {
      Common common;
      app::TalksAgendaRequest r;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd =
        talks.add_subcommand("agenda", "The agenda, with your profile's weights and values");
    AddCommon(cmd, a->common);
    cmd->add_option("talks", a->r.talks, "Talks id")->required();
    cmd->callback([&ctx, a]() {
      RunRequest(ctx, a->common, a->r, [](const app::Json& result) {
        std::string out;
        for (const auto& issue : result["issues"]) {
          out += issue["issue"].get<std::string>() + " (weight " + Fixed(issue["weight"]) + "):";
          for (const auto& o : issue["options"]) {
            out += " " + o["option"].get<std::string>() + "=" + Fixed(o["value"]);
          }
          out += "\n";
        }
        out += "Walk-away point: " + Fixed(result["reservation"]) + "\n";
        return out;
      });
    });
  }
}

}  // namespace backchannel::cli
