// `backchannel analyze`: the bargaining analysis of a domain and two or more
// profiles, as a readable report or as the JSON object of docs/negotiation.md
// ("analyze JSON"). With --offers, also the packages that improve on the
// offers on the table.
//
// Exit codes: 0 the analysis is complete; 3 (kExitPartial) it was printed but
// a part went over its budget (the frontier, the ZOPA count, a search, the
// improvements): that part is reported as such, with a bound where one is
// known, and everything else is exact; 1 failed, 2 bad input (cli.h).
#include <iomanip>
#include <memory>
#include <sstream>

#include "backchannel/app/scenario.h"
#include "cli/cli.h"
#include "cli/inputs.h"

namespace backchannel::cli {
namespace {

// Printed, but a part of the analysis went over its budget (docs/analysis.md).
constexpr int kExitPartial = 3;

struct AnalyzeArgs {
  app::AnalyzeInput input;
  bool json = false;
};

std::string CertificateText(const app::CertificateView& c) {
  std::ostringstream out;
  out << std::setprecision(9);
  if (c.method == "frontier") {
    out << "optimal over the exact frontier";
  } else {
    out << (c.proven ? "proven optimal" : "NOT proven") << ": value " << c.value << ", bound "
        << c.bound << ", relaxation " << c.relaxation << ", " << c.nodes << " nodes";
  }
  return out.str();
}

std::string Utilities(const std::vector<double>& u) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(6) << "(";
  for (std::size_t i = 0; i < u.size(); ++i) out << (i ? ", " : "") << u[i];
  out << ")";
  return out.str();
}

std::string PackageText(const app::NamedPackage& package) {
  std::string out;
  for (std::size_t i = 0; i < package.size(); ++i) {
    out += (i ? "; " : "") + package[i].first + " = " + package[i].second;
  }
  return out;
}

void PrintSolution(std::ostream& out, const char* name, const app::SolutionView& s) {
  out << "  " << std::left << std::setw(18) << name;
  if (!s.best) {
    out << "none (no package is individually rational)\n";
    return;
  }
  out << Utilities(s.best->utilities) << "  " << PackageText(s.best->package) << "\n";
  out << "  " << std::setw(18) << "" << CertificateText(s.certificate) << "\n";
}

void RunAnalyze(const AnalyzeArgs& args, Context& ctx) {
  std::vector<std::string> warnings;
  auto report = app::AnalyzeScenarioFiles(args.input, &warnings);
  PrintWarnings(warnings, ctx.err);
  if (!report) return ctx.Fail(report.error());
  const std::vector<std::string>& incomplete = report->incomplete;
  if (!incomplete.empty()) {
    ctx.exit_code = kExitPartial;
    for (const auto& line : incomplete) {
      ctx.err << "backchannel: analysis incomplete: " << line << "\n";
    }
  }
  if (args.json) {
    ctx.Emit(app::ToJson(*report));
    return;
  }
  std::ostream& out = ctx.out;
  out << "Domain " << report->domain << ": " << report->issue_count << " issues, "
      << report->outcomes << " possible packages\n";
  for (std::size_t i = 0; i < report->profiles.size(); ++i) {
    out << "Side " << i + 1 << ": " << report->profiles[i] << " (reservation " << std::fixed
        << std::setprecision(6) << report->reservations[i] << ")\n";
  }
  out << "Zone of possible agreement: ";
  if (!report->zopa_exists) {
    out << "none\n";
  } else if (report->zopa_count_exact) {
    out << "yes, " << report->zopa_count << " packages\n";
  } else {
    out << "yes, between " << report->zopa_count_lower << " and " << report->zopa_count_upper
        << " packages (the exact count went over its budget)\n";
  }
  if (report->pareto_complete) {
    out << "Pareto frontier: " << report->pareto.size() << " packages\n";
  } else {
    out << "Pareto frontier: not computed (" << report->pareto_note << ")\n";
  }
  const std::size_t shown = std::min<std::size_t>(report->pareto.size(), 10);
  for (std::size_t k = 0; k < shown; ++k) {
    out << "  " << Utilities(report->pareto[k].utilities) << "  "
        << PackageText(report->pareto[k].package) << "\n";
  }
  if (shown < report->pareto.size()) {
    out << "  ... " << report->pareto.size() - shown << " more (use --json for all)\n";
  }
  out << "Solutions (utilities in side order):\n";
  PrintSolution(out, "Nash", report->nash);
  PrintSolution(out, "Kalai-Smorodinsky", report->kalai_smorodinsky);
  PrintSolution(out, "Egalitarian", report->egalitarian);
  PrintSolution(out, "Utilitarian", report->utilitarian);
  if (!report->ideal.empty())
    out << "  Ideal point (Kalai-Smorodinsky): " << Utilities(report->ideal) << "\n";
  if (report->improvements) {
    out << "Packages that improve on the offers on the table: " << report->improvements->size()
        << "\n";
    for (const auto& s : *report->improvements) {
      out << "  " << Utilities(s.utilities) << "  " << PackageText(s.package) << "\n";
    }
  }
  if (!incomplete.empty()) {
    out << "Incomplete (exit code 3; everything else above is exact):\n";
    for (const auto& line : incomplete) out << "  " << line << "\n";
  }
}

}  // namespace

void RegisterAnalyzeCommands(CLI::App& app, Context& context) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Bargaining analysis: Pareto frontier, Nash, Kalai-Smorodinsky, ZOPA (exit 3: partial)");
  cmd->add_option("--domain", args->input.domain,
                  "Domain file (GENIUS XML, GeniusWeb or native JSON)")
      ->required();
  cmd->add_option("--profile", args->input.profiles, "Profile file, once per side (at least two)")
      ->required();
  cmd->add_option("--offers", args->input.offers, "Offers file (docs/negotiation.md, Offers file)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--lenient", args->input.lenient, "Read what GENIUS reads, with warnings");
  cmd->add_option("--max-frontier", args->input.budgets.max_frontier,
                  "Budget: partial packages kept per issue by the frontier (default 5000000)");
  cmd->add_option("--max-frontier-work", args->input.budgets.max_frontier_work,
                  "Budget: dominance tests of the frontier, 4 sides and more (default 200000000)");
  cmd->add_option("--max-zopa-nodes", args->input.budgets.max_zopa_nodes,
                  "Budget: nodes of the exact ZOPA count (default 100000000)");
  cmd->add_option("--max-search-nodes", args->input.budgets.max_search_nodes,
                  "Budget: nodes of each solution's search (default 50000000)");
  cmd->callback([args, &context] { RunAnalyze(*args, context); });
}

}  // namespace backchannel::cli
