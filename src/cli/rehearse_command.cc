// `backchannel rehearse`: a tournament of the rehearsal agents (agents.h,
// tournament.h) on one domain and two or more profiles, printing each
// agent's average utility, agreement rate and distance to the Nash solution.
// Two profiles: bilateral alternating offers; more: stacked alternating
// offers with one opponent model per counterpart (RunMultilateralTournament).
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>

#include "backchannel/negotiation/tournament.h"
#include "cli/cli.h"
#include "cli/inputs.h"

namespace backchannel::cli {
namespace {

using Json = nlohmann::ordered_json;

struct RehearseArgs {
  std::string domain;
  std::vector<std::string> profiles;
  std::vector<std::string> agents;
  int rounds = 100;
  std::uint64_t seed = 1;
  bool json = false;
  bool lenient = false;
};

void PrintAgents(std::ostream& out, const std::vector<negotiation::AgentStats>& agents) {
  out << std::left << std::setw(20) << "agent" << std::right << std::setw(14) << "avg utility"
      << std::setw(16) << "agreement rate" << std::setw(18) << "distance to Nash"
      << "\n";
  for (const auto& a : agents) {
    out << std::left << std::setw(20) << a.agent << std::right << std::fixed << std::setprecision(4)
        << std::setw(14) << a.average_utility << std::setw(16) << a.agreement_rate << std::setw(18)
        << a.average_nash_distance << "\n";
  }
}

Json AgentsJson(const std::vector<negotiation::AgentStats>& agents) {
  Json out = Json::array();
  for (const auto& a : agents) {
    out.push_back(Json{{"agent", a.agent},
                       {"sessions", a.sessions},
                       {"agreements", a.agreements},
                       {"agreement_rate", a.agreement_rate},
                       {"average_utility", a.average_utility},
                       {"average_nash_distance", a.average_nash_distance}});
  }
  return out;
}

void RunMultilateral(const RehearseArgs& args, const LoadedScenario& scenario, Context& ctx) {
  negotiation::MultilateralScenario s{scenario.domain.name, scenario.domain, scenario.profiles};
  negotiation::TournamentOptions options;
  options.agents = args.agents;
  options.deadline_rounds = args.rounds;
  options.seed = args.seed;
  auto report = negotiation::RunMultilateralTournament(s, options);
  if (!report) return ctx.Fail(report.error());
  if (args.json) {
    Json doc;
    doc["domain"] = scenario.domain.name;
    doc["profiles"] = Json::array();
    for (const auto& p : scenario.profiles) doc["profiles"].push_back(p.name);
    doc["protocol"] = "stacked alternating offers";
    doc["rounds"] = args.rounds;
    doc["sessions"] = report->sessions.size();
    doc["nash"] = report->nash;
    doc["agents"] = AgentsJson(report->agents);
    ctx.Emit(doc);
    return;
  }
  ctx.out << "Rehearsal on " << scenario.domain.name << " (";
  for (std::size_t i = 0; i < scenario.profiles.size(); ++i) {
    ctx.out << (i ? ", " : "") << scenario.profiles[i].name;
  }
  ctx.out << "), stacked alternating offers, " << report->sessions.size() << " sessions of at most "
          << args.rounds << " rounds\n";
  ctx.out << "Each agent on every side against every other agent on the rest; utilities are "
             "the agent's own side's\n";
  PrintAgents(ctx.out, report->agents);
}

void RunRehearse(const RehearseArgs& args, Context& ctx) {
  if (args.profiles.size() < 2) {
    return ctx.Fail(InvalidArgument("rehearse needs at least two --profile files"));
  }
  if (args.rounds < 1) return ctx.Fail(InvalidArgument("--rounds must be at least 1"));
  auto scenario = LoadScenario(args.domain, args.profiles, args.lenient, ctx.err);
  if (!scenario) return ctx.Fail(scenario.error());
  if (scenario->profiles.size() > 2) return RunMultilateral(args, *scenario, ctx);
  negotiation::Scenario s{scenario->domain.name, scenario->domain, scenario->profiles[0],
                          scenario->profiles[1]};
  negotiation::TournamentOptions options;
  options.agents = args.agents;
  options.deadline_rounds = args.rounds;
  options.seed = args.seed;
  auto report = negotiation::RunTournament({s}, options);
  if (!report) return ctx.Fail(report.error());
  if (args.json) {
    Json doc;
    doc["domain"] = scenario->domain.name;
    doc["profiles"] = {scenario->profiles[0].name, scenario->profiles[1].name};
    doc["rounds"] = args.rounds;
    doc["sessions"] = report->sessions.size();
    doc["agents"] = AgentsJson(report->agents);
    ctx.Emit(doc);
    return;
  }
  ctx.out << "Rehearsal on " << scenario->domain.name << " (" << scenario->profiles[0].name
          << " vs " << scenario->profiles[1].name << "), " << report->sessions.size()
          << " sessions of at most " << args.rounds << " rounds\n";
  PrintAgents(ctx.out, report->agents);
}

}  // namespace

void RegisterRehearseCommands(CLI::App& app, Context& context) {
  auto args = std::make_shared<RehearseArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rehearse",
      "Rehearse: a tournament of negotiation agents on a domain and two or more profiles");
  cmd->add_option("--domain", args->domain, "Domain file")->required();
  cmd->add_option("--profile", args->profiles, "Profile file, once per side (two or more)")
      ->required();
  cmd->add_option("--rounds", args->rounds, "Deadline of each session in rounds (default 100)");
  cmd->add_option("--agent", args->agents, "Agent to include (repeatable; default all)");
  cmd->add_option("--seed", args->seed, "Seed for randomised agents (default 1)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--lenient", args->lenient, "Read what GENIUS reads, with warnings");
  cmd->callback([args, &context] { RunRehearse(*args, context); });
}

}  // namespace backchannel::cli
