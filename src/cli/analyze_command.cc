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
#include <nlohmann/json.hpp>
#include <sstream>

#include "backchannel/negotiation/analysis.h"
#include "cli/cli.h"
#include "cli/inputs.h"

namespace backchannel::cli {
namespace {

using negotiation::Domain;
using negotiation::ScoredPackage;
using Json = nlohmann::ordered_json;

// Printed, but a part of the analysis went over its budget (docs/analysis.md).
constexpr int kExitPartial = 3;

struct AnalyzeArgs {
  std::string domain;
  std::vector<std::string> profiles;
  std::string offers;
  bool json = false;
  bool lenient = false;
  negotiation::AnalysisOptions budgets;
};

Json PackageJson(const Domain& domain, const negotiation::Package& package) {
  Json out = Json::object();
  for (std::size_t i = 0; i < package.size() && i < domain.issues.size(); ++i) {
    out[domain.issues[i].name] = domain.issues[i].options.at(package[i]);
  }
  return out;
}

Json ScoredJson(const Domain& domain, const ScoredPackage& s) {
  return Json{{"package", PackageJson(domain, s.package)}, {"utilities", s.utilities}};
}

Json OptionalJson(const Domain& domain, const std::optional<ScoredPackage>& s) {
  return s ? ScoredJson(domain, *s) : Json(nullptr);
}

Json CertificateJson(const negotiation::Certificate& c) {
  if (c.method.empty()) return Json(nullptr);
  return Json{{"method", c.method},         {"value", c.value}, {"bound", c.bound},
              {"relaxation", c.relaxation}, {"nodes", c.nodes}, {"proven", c.proven}};
}

std::string CertificateText(const negotiation::Certificate& c) {
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

std::string PackageText(const Domain& domain, const negotiation::Package& package) {
  std::string out;
  for (std::size_t i = 0; i < package.size() && i < domain.issues.size(); ++i) {
    out +=
        (i ? "; " : "") + domain.issues[i].name + " = " + domain.issues[i].options.at(package[i]);
  }
  return out;
}

void PrintSolution(std::ostream& out, const Domain& domain, const char* name,
                   const std::optional<ScoredPackage>& s, const negotiation::Certificate& c) {
  out << "  " << std::left << std::setw(18) << name;
  if (!s) {
    out << "none (no package is individually rational)\n";
    return;
  }
  out << Utilities(s->utilities) << "  " << PackageText(domain, s->package) << "\n";
  out << "  " << std::setw(18) << "" << CertificateText(c) << "\n";
}

// offers made by each side -> offers received by each side.
std::vector<std::vector<negotiation::Package>> Received(
    const std::vector<std::vector<negotiation::Package>>& made) {
  std::vector<std::vector<negotiation::Package>> received(made.size());
  for (std::size_t j = 0; j < made.size(); ++j) {
    for (std::size_t i = 0; i < made.size(); ++i) {
      if (i != j) received[j].insert(received[j].end(), made[i].begin(), made[i].end());
    }
  }
  return received;
}

void RunAnalyze(const AnalyzeArgs& args, Context& ctx) {
  if (args.profiles.size() < 2) {
    ctx.Fail(InvalidArgument("analyze needs at least two --profile files"));
    return;
  }
  auto scenario = LoadScenario(args.domain, args.profiles, args.lenient, ctx.err);
  if (!scenario) return ctx.Fail(scenario.error());
  const Domain& domain = scenario->domain;
  std::optional<std::vector<ScoredPackage>> improvements;
  std::vector<std::vector<negotiation::Package>> made;
  std::string improvements_note;
  if (!args.offers.empty()) {
    auto offers = LoadOffers(args.offers, domain, scenario->profiles.size());
    if (!offers) return ctx.Fail(offers.error());
    made = std::move(*offers);
    auto found = negotiation::Improvements(domain, scenario->profiles, Received(made));
    if (found) {
      improvements = std::move(*found);
    } else if (found.error().code() == StatusCode::kResourceExhausted) {
      improvements_note = "improvements: " + std::string(found.error().message());
    } else {
      return ctx.Fail(found.error());
    }
  }
  auto report = negotiation::Analyze(domain, scenario->profiles, args.budgets);
  if (!report) return ctx.Fail(report.error());
  std::vector<std::string> incomplete = report->incomplete;
  if (!improvements_note.empty()) incomplete.push_back(improvements_note);
  if (!incomplete.empty()) {
    ctx.exit_code = kExitPartial;
    for (const auto& line : incomplete) {
      ctx.err << "backchannel: analysis incomplete: " << line << "\n";
    }
  }

  if (args.json) {
    Json doc;
    doc["domain"] = domain.name;
    doc["profiles"] = Json::array();
    doc["reservations"] = Json::array();
    for (const auto& p : scenario->profiles) {
      doc["profiles"].push_back(p.name);
      doc["reservations"].push_back(p.reservation);
    }
    doc["outcomes"] = report->outcomes;
    doc["complete"] = incomplete.empty();
    doc["incomplete"] = incomplete;
    doc["pareto_complete"] = report->pareto_complete;
    doc["pareto_count"] = report->pareto.size();
    doc["pareto"] = Json::array();
    for (const auto& s : report->pareto) doc["pareto"].push_back(ScoredJson(domain, s));
    doc["nash"] = OptionalJson(domain, report->nash);
    doc["kalai_smorodinsky"] = OptionalJson(domain, report->kalai_smorodinsky);
    doc["egalitarian"] = OptionalJson(domain, report->egalitarian);
    doc["utilitarian"] = OptionalJson(domain, report->utilitarian);
    doc["ideal"] = report->ideal;
    doc["certificates"] =
        Json{{"nash", CertificateJson(report->nash_certificate)},
             {"kalai_smorodinsky", CertificateJson(report->kalai_smorodinsky_certificate)},
             {"egalitarian", CertificateJson(report->egalitarian_certificate)},
             {"utilitarian", CertificateJson(report->utilitarian_certificate)}};
    doc["zopa"] = Json{{"exists", report->zopa.exists}, {"count", report->zopa.count}};
    if (!report->zopa.count_exact) {
      doc["zopa"]["count"] = nullptr;
      doc["zopa"]["count_lower"] = report->zopa.count_lower;
      doc["zopa"]["count_upper"] = report->zopa.count_upper;
    }
    if (improvements) {
      doc["improvements"] = Json::array();
      for (const auto& s : *improvements) doc["improvements"].push_back(ScoredJson(domain, s));
    }
    ctx.Emit(doc);
    return;
  }
  std::ostream& out = ctx.out;
  out << "Domain " << domain.name << ": " << domain.issues.size() << " issues, " << report->outcomes
      << " possible packages\n";
  for (std::size_t i = 0; i < scenario->profiles.size(); ++i) {
    const auto& p = scenario->profiles[i];
    out << "Side " << i + 1 << ": " << p.name << " (reservation " << std::fixed
        << std::setprecision(6) << p.reservation << ")\n";
  }
  out << "Zone of possible agreement: ";
  if (!report->zopa.exists) {
    out << "none\n";
  } else if (report->zopa.count_exact) {
    out << "yes, " << report->zopa.count << " packages\n";
  } else {
    out << "yes, between " << report->zopa.count_lower << " and " << report->zopa.count_upper
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
        << PackageText(domain, report->pareto[k].package) << "\n";
  }
  if (shown < report->pareto.size()) {
    out << "  ... " << report->pareto.size() - shown << " more (use --json for all)\n";
  }
  out << "Solutions (utilities in side order):\n";
  PrintSolution(out, domain, "Nash", report->nash, report->nash_certificate);
  PrintSolution(out, domain, "Kalai-Smorodinsky", report->kalai_smorodinsky,
                report->kalai_smorodinsky_certificate);
  PrintSolution(out, domain, "Egalitarian", report->egalitarian, report->egalitarian_certificate);
  PrintSolution(out, domain, "Utilitarian", report->utilitarian, report->utilitarian_certificate);
  if (!report->ideal.empty())
    out << "  Ideal point (Kalai-Smorodinsky): " << Utilities(report->ideal) << "\n";
  if (improvements) {
    out << "Packages that improve on the offers on the table: " << improvements->size() << "\n";
    for (const auto& s : *improvements) {
      out << "  " << Utilities(s.utilities) << "  " << PackageText(domain, s.package) << "\n";
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
  cmd->add_option("--domain", args->domain, "Domain file (GENIUS XML, GeniusWeb or native JSON)")
      ->required();
  cmd->add_option("--profile", args->profiles, "Profile file, once per side (at least two)")
      ->required();
  cmd->add_option("--offers", args->offers, "Offers file (docs/negotiation.md, Offers file)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--lenient", args->lenient, "Read what GENIUS reads, with warnings");
  cmd->add_option("--max-frontier", args->budgets.max_frontier,
                  "Budget: partial packages kept per issue by the frontier (default 5000000)");
  cmd->add_option("--max-frontier-work", args->budgets.max_frontier_work,
                  "Budget: dominance tests of the frontier, 4 sides and more (default 200000000)");
  cmd->add_option("--max-zopa-nodes", args->budgets.max_zopa_nodes,
                  "Budget: nodes of the exact ZOPA count (default 100000000)");
  cmd->add_option("--max-search-nodes", args->budgets.max_search_nodes,
                  "Budget: nodes of each solution's search (default 50000000)");
  cmd->callback([args, &context] { RunAnalyze(*args, context); });
}

}  // namespace backchannel::cli
