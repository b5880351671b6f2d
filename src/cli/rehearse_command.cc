// `backchannel rehearse`: a tournament of the rehearsal agents (agents.h,
// tournament.h) on one domain and two or more profiles, printing each
// agent's average utility, agreement rate and distance to the Nash solution.
// Two profiles: bilateral alternating offers; more: stacked alternating
// offers with one opponent model per counterpart (RunMultilateralTournament).
#include <iomanip>
#include <memory>

#include "backchannel/app/scenario.h"
#include "cli/cli.h"
#include "cli/inputs.h"

namespace backchannel::cli {
namespace {

struct RehearseArgs {
  app::RehearseInput input;
  bool json = false;
};

void PrintAgents(std::ostream& out, const std::vector<app::AgentStatsView>& agents) {
  out << std::left << std::setw(20) << "agent" << std::right << std::setw(14) << "avg utility"
      << std::setw(16) << "agreement rate" << std::setw(18) << "distance to Nash"
      << "\n";
  for (const auto& a : agents) {
    out << std::left << std::setw(20) << a.agent << std::right << std::fixed << std::setprecision(4)
        << std::setw(14) << a.average_utility << std::setw(16) << a.agreement_rate << std::setw(18)
        << a.average_nash_distance << "\n";
  }
}

void RunRehearse(const RehearseArgs& args, Context& ctx) {
  std::vector<std::string> warnings;
  auto report = app::RehearseScenarioFiles(args.input, &warnings);
  PrintWarnings(warnings, ctx.err);
  if (!report) return ctx.Fail(report.error());
  if (args.json) {
    ctx.Emit(app::ToJson(*report));
    return;
  }
  if (report->multilateral) {
    ctx.out << "Rehearsal on " << report->domain << " (";
    for (std::size_t i = 0; i < report->profiles.size(); ++i) {
      ctx.out << (i ? ", " : "") << report->profiles[i];
    }
    ctx.out << "), stacked alternating offers, " << report->sessions << " sessions of at most "
            << report->rounds << " rounds\n";
    ctx.out << "Each agent on every side against every other agent on the rest; utilities are "
               "the agent's own side's\n";
  } else {
    ctx.out << "Rehearsal on " << report->domain << " (" << report->profiles[0] << " vs "
            << report->profiles[1] << "), " << report->sessions << " sessions of at most "
            << report->rounds << " rounds\n";
  }
  PrintAgents(ctx.out, report->agents);
}

}  // namespace

void RegisterRehearseCommands(CLI::App& app, Context& context) {
  auto args = std::make_shared<RehearseArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rehearse",
      "Rehearse: a tournament of negotiation agents on a domain and two or more profiles");
  cmd->add_option("--domain", args->input.domain, "Domain file")->required();
  cmd->add_option("--profile", args->input.profiles, "Profile file, once per side (two or more)")
      ->required();
  cmd->add_option("--rounds", args->input.rounds,
                  "Deadline of each session in rounds (default 100)");
  cmd->add_option("--agent", args->input.agents, "Agent to include (repeatable; default all)");
  cmd->add_option("--seed", args->input.seed, "Seed for randomised agents (default 1)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--lenient", args->input.lenient, "Read what GENIUS reads, with warnings");
  cmd->callback([args, &context] { RunRehearse(*args, context); });
}

}  // namespace backchannel::cli
