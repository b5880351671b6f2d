// `backchannel analyze`: the bargaining analysis of a domain and two or more
// profiles, as a readable report or as the JSON object of docs/negotiation.md
// ("analyze JSON"). With --offers, also the packages that improve on the
// offers on the table.
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

struct AnalyzeArgs {
  std::string domain;
  std::vector<std::string> profiles;
  std::string offers;
  bool json = false;
  bool lenient = false;
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
                   const std::optional<ScoredPackage>& s) {
  out << "  " << std::left << std::setw(18) << name;
  if (!s) {
    out << "none (no package is individually rational)\n";
    return;
  }
  out << Utilities(s->utilities) << "  " << PackageText(domain, s->package) << "\n";
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
  if (!args.offers.empty()) {
    auto offers = LoadOffers(args.offers, domain, scenario->profiles.size());
    if (!offers) return ctx.Fail(offers.error());
    made = std::move(*offers);
    auto found = negotiation::Improvements(domain, scenario->profiles, Received(made));
    if (!found) return ctx.Fail(found.error());
    improvements = std::move(*found);
  }
  auto report = negotiation::Analyze(domain, scenario->profiles);
  if (!report) return ctx.Fail(report.error());

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
    doc["pareto_count"] = report->pareto.size();
    doc["pareto"] = Json::array();
    for (const auto& s : report->pareto) doc["pareto"].push_back(ScoredJson(domain, s));
    doc["nash"] = OptionalJson(domain, report->nash);
    doc["kalai_smorodinsky"] = OptionalJson(domain, report->kalai_smorodinsky);
    doc["egalitarian"] = OptionalJson(domain, report->egalitarian);
    doc["utilitarian"] = OptionalJson(domain, report->utilitarian);
    doc["zopa"] = Json{{"exists", report->zopa.exists}, {"count", report->zopa.count}};
    if (improvements) {
      doc["improvements"] = Json::array();
      for (const auto& s : *improvements) doc["improvements"].push_back(ScoredJson(domain, s));
    }
    ctx.out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
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
  out << "Zone of possible agreement: "
      << (report->zopa.exists ? "yes, " + report->zopa.count + " packages" : std::string("none"))
      << "\n";
  out << "Pareto frontier: " << report->pareto.size() << " packages\n";
  const std::size_t shown = std::min<std::size_t>(report->pareto.size(), 10);
  for (std::size_t k = 0; k < shown; ++k) {
    out << "  " << Utilities(report->pareto[k].utilities) << "  "
        << PackageText(domain, report->pareto[k].package) << "\n";
  }
  if (shown < report->pareto.size()) {
    out << "  ... " << report->pareto.size() - shown << " more (use --json for all)\n";
  }
  out << "Solutions (utilities in side order):\n";
  PrintSolution(out, domain, "Nash", report->nash);
  PrintSolution(out, domain, "Kalai-Smorodinsky", report->kalai_smorodinsky);
  PrintSolution(out, domain, "Egalitarian", report->egalitarian);
  PrintSolution(out, domain, "Utilitarian", report->utilitarian);
  if (improvements) {
    out << "Packages that improve on the offers on the table: " << improvements->size() << "\n";
    for (const auto& s : *improvements) {
      out << "  " << Utilities(s.utilities) << "  " << PackageText(domain, s.package) << "\n";
    }
  }
}

}  // namespace

void RegisterAnalyzeCommands(CLI::App& app, Context& context) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Bargaining analysis: Pareto frontier, Nash, Kalai-Smorodinsky, ZOPA");
  cmd->add_option("--domain", args->domain, "Domain file (GENIUS XML, GeniusWeb or native JSON)")
      ->required();
  cmd->add_option("--profile", args->profiles, "Profile file, once per side (at least two)")
      ->required();
  cmd->add_option("--offers", args->offers, "Offers file (docs/negotiation.md, Offers file)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--lenient", args->lenient, "Read what GENIUS reads, with warnings");
  cmd->callback([args, &context] { RunAnalyze(*args, context); });
}

}  // namespace backchannel::cli
