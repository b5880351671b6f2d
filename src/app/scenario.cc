#include "backchannel/app/scenario.h"

#include "app/scenario_files.h"
#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/io.h"
#include "backchannel/negotiation/tournament.h"

namespace backchannel::app {
namespace {

using negotiation::Domain;
using negotiation::ScoredPackage;

NamedPackage NamedFromPackage(const Domain& domain, const negotiation::Package& package) {
  NamedPackage out;
  for (std::size_t i = 0; i < package.size() && i < domain.issues.size(); ++i) {
    out.emplace_back(domain.issues[i].name, domain.issues[i].options.at(package[i]));
  }
  return out;
}

ScoredPackageView ScoredView(const Domain& domain, const ScoredPackage& s) {
  return {NamedFromPackage(domain, s.package), s.utilities};
}

std::vector<ScoredPackageView> ScoredViews(const Domain& domain,
                                           const std::vector<ScoredPackage>& list) {
  std::vector<ScoredPackageView> out;
  out.reserve(list.size());
  for (const auto& s : list) out.push_back(ScoredView(domain, s));
  return out;
}

SolutionView SolutionOf(const Domain& domain, const std::optional<ScoredPackage>& s,
                        const negotiation::Certificate& c) {
  SolutionView out;
  if (s) out.best = ScoredView(domain, *s);
  out.certificate = {c.method, c.value, c.bound, c.relaxation, c.nodes, c.proven};
  return out;
}

// offers made by each side -> offers received by each side.
std::vector<std::vector<negotiation::Package>> OffersReceived(
    const std::vector<std::vector<negotiation::Package>>& made) {
  std::vector<std::vector<negotiation::Package>> received(made.size());
  for (std::size_t j = 0; j < made.size(); ++j) {
    for (std::size_t i = 0; i < made.size(); ++i) {
      if (i != j) received[j].insert(received[j].end(), made[i].begin(), made[i].end());
    }
  }
  return received;
}

Json NamedPackageJson(const NamedPackage& package) {
  Json out = Json::object();
  for (const auto& [issue, option] : package) out[issue] = option;
  return out;
}

Json ScoredPackageJson(const ScoredPackageView& s) {
  return Json{{"package", NamedPackageJson(s.package)}, {"utilities", s.utilities}};
}

Json SolutionJson(const SolutionView& s) {
  return s.best ? ScoredPackageJson(*s.best) : Json(nullptr);
}

Json CertificateViewJson(const CertificateView& c) {
  if (c.method.empty()) return Json(nullptr);
  return Json{{"method", c.method},         {"value", c.value}, {"bound", c.bound},
              {"relaxation", c.relaxation}, {"nodes", c.nodes}, {"proven", c.proven}};
}

std::vector<AgentStatsView> AgentViews(const std::vector<negotiation::AgentStats>& agents) {
  std::vector<AgentStatsView> out;
  out.reserve(agents.size());
  for (const auto& a : agents) {
    out.push_back({a.agent, a.sessions, a.agreements, a.agreement_rate, a.average_utility,
                   a.average_nash_distance});
  }
  return out;
}

}  // namespace

Result<DomainSummary> ShowDomainFile(const std::string& path, bool lenient,
                                     std::vector<std::string>* warnings) {
  BC_ASSIGN_OR_RETURN(Domain domain, LoadDomainFile(path, lenient, warnings));
  DomainSummary out;
  out.name = domain.name;
  out.outcomes = domain.OutcomeCount();
  for (const auto& issue : domain.issues) {
    IssueSummary s;
    s.name = issue.name;
    s.integer = issue.kind == negotiation::IssueKind::kInteger;
    s.lower = issue.lower;
    s.upper = issue.upper;
    s.option_count = issue.size();
    s.divisible = issue.divisible;
    if (issue.kind == negotiation::IssueKind::kDiscrete) s.options = issue.options;
    out.issues.push_back(std::move(s));
  }
  out.native_json = negotiation::DomainToJson(domain);
  return out;
}

Json ToJson(const DomainSummary& summary) {
  Json doc = Json::parse(summary.native_json);
  doc["outcomes"] = summary.outcomes;
  return doc;
}

Result<ConvertedScenario> ConvertScenarioFiles(const std::string& domain_path,
                                               const std::vector<std::string>& profile_paths,
                                               bool lenient, std::vector<std::string>* warnings) {
  BC_ASSIGN_OR_RETURN(LoadedScenario scenario,
                      LoadScenarioFiles(domain_path, profile_paths, lenient, warnings));
  ConvertedScenario out;
  out.domain_json = negotiation::DomainToJson(scenario.domain);
  for (const auto& p : scenario.profiles) {
    out.profile_json.push_back(negotiation::ProfileToJson(scenario.domain, p));
  }
  return out;
}

Result<AnalyzeView> AnalyzeScenarioFiles(const AnalyzeInput& input,
                                         std::vector<std::string>* warnings) {
  if (input.profiles.size() < 2) {
    return InvalidArgument("analyze needs at least two --profile files");
  }
  BC_ASSIGN_OR_RETURN(LoadedScenario scenario,
                      LoadScenarioFiles(input.domain, input.profiles, input.lenient, warnings));
  const Domain& domain = scenario.domain;
  AnalyzeView view;
  std::string improvements_note;
  if (!input.offers.empty()) {
    BC_ASSIGN_OR_RETURN(auto made, LoadOffersFile(input.offers, domain, scenario.profiles.size()));
    auto found = negotiation::Improvements(domain, scenario.profiles, OffersReceived(made));
    if (found) {
      view.improvements = ScoredViews(domain, *found);
    } else if (found.error().code() == StatusCode::kResourceExhausted) {
      improvements_note = "improvements: " + std::string(found.error().message());
    } else {
      return found.error();
    }
  }
  const negotiation::AnalysisOptions budgets{
      input.budgets.max_frontier, input.budgets.max_frontier_work, input.budgets.max_zopa_nodes,
      input.budgets.max_search_nodes};
  BC_ASSIGN_OR_RETURN(negotiation::AnalysisReport report,
                      negotiation::Analyze(domain, scenario.profiles, budgets));
  view.domain = domain.name;
  view.issue_count = domain.issues.size();
  for (const auto& p : scenario.profiles) {
    view.profiles.push_back(p.name);
    view.reservations.push_back(p.reservation);
  }
  view.outcomes = report.outcomes;
  view.incomplete = report.incomplete;
  if (!improvements_note.empty()) view.incomplete.push_back(improvements_note);
  view.pareto_complete = report.pareto_complete;
  view.pareto_note = report.pareto_note;
  view.pareto = ScoredViews(domain, report.pareto);
  view.nash = SolutionOf(domain, report.nash, report.nash_certificate);
  view.kalai_smorodinsky =
      SolutionOf(domain, report.kalai_smorodinsky, report.kalai_smorodinsky_certificate);
  view.egalitarian = SolutionOf(domain, report.egalitarian, report.egalitarian_certificate);
  view.utilitarian = SolutionOf(domain, report.utilitarian, report.utilitarian_certificate);
  view.ideal = report.ideal;
  view.zopa_exists = report.zopa.exists;
  view.zopa_count_exact = report.zopa.count_exact;
  view.zopa_count = report.zopa.count;
  view.zopa_count_lower = report.zopa.count_lower;
  view.zopa_count_upper = report.zopa.count_upper;
  return view;
}

Json ToJson(const AnalyzeView& view) {
  Json doc;
  doc["domain"] = view.domain;
  doc["profiles"] = view.profiles;
  doc["reservations"] = view.reservations;
  doc["outcomes"] = view.outcomes;
  doc["complete"] = view.incomplete.empty();
  doc["incomplete"] = view.incomplete;
  doc["pareto_complete"] = view.pareto_complete;
  doc["pareto_count"] = view.pareto.size();
  doc["pareto"] = Json::array();
  for (const auto& s : view.pareto) doc["pareto"].push_back(ScoredPackageJson(s));
  doc["nash"] = SolutionJson(view.nash);
  doc["kalai_smorodinsky"] = SolutionJson(view.kalai_smorodinsky);
  doc["egalitarian"] = SolutionJson(view.egalitarian);
  doc["utilitarian"] = SolutionJson(view.utilitarian);
  doc["ideal"] = view.ideal;
  doc["certificates"] =
      Json{{"nash", CertificateViewJson(view.nash.certificate)},
           {"kalai_smorodinsky", CertificateViewJson(view.kalai_smorodinsky.certificate)},
           {"egalitarian", CertificateViewJson(view.egalitarian.certificate)},
           {"utilitarian", CertificateViewJson(view.utilitarian.certificate)}};
  doc["zopa"] = Json{{"exists", view.zopa_exists}, {"count", view.zopa_count}};
  if (!view.zopa_count_exact) {
    doc["zopa"]["count"] = nullptr;
    doc["zopa"]["count_lower"] = view.zopa_count_lower;
    doc["zopa"]["count_upper"] = view.zopa_count_upper;
  }
  if (view.improvements) {
    doc["improvements"] = Json::array();
    for (const auto& s : *view.improvements) doc["improvements"].push_back(ScoredPackageJson(s));
  }
  return doc;
}

Result<RehearsalView> RehearseScenarioFiles(const RehearseInput& input,
                                            std::vector<std::string>* warnings) {
  if (input.profiles.size() < 2) {
    return InvalidArgument("rehearse needs at least two --profile files");
  }
  if (input.rounds < 1) return InvalidArgument("--rounds must be at least 1");
  BC_ASSIGN_OR_RETURN(LoadedScenario scenario,
                      LoadScenarioFiles(input.domain, input.profiles, input.lenient, warnings));
  negotiation::TournamentOptions options;
  options.agents = input.agents;
  options.deadline_rounds = input.rounds;
  options.seed = input.seed;
  RehearsalView view;
  view.domain = scenario.domain.name;
  for (const auto& p : scenario.profiles) view.profiles.push_back(p.name);
  view.rounds = input.rounds;
  if (scenario.profiles.size() > 2) {
    negotiation::MultilateralScenario s{scenario.domain.name, scenario.domain, scenario.profiles};
    BC_ASSIGN_OR_RETURN(auto report, negotiation::RunMultilateralTournament(s, options));
    view.multilateral = true;
    view.sessions = report.sessions.size();
    view.nash = report.nash;
    view.agents = AgentViews(report.agents);
    return view;
  }
  negotiation::Scenario s{scenario.domain.name, scenario.domain, scenario.profiles[0],
                          scenario.profiles[1]};
  BC_ASSIGN_OR_RETURN(auto report, negotiation::RunTournament({s}, options));
  view.sessions = report.sessions.size();
  view.agents = AgentViews(report.agents);
  return view;
}

Json ToJson(const RehearsalView& view) {
  Json doc;
  doc["domain"] = view.domain;
  doc["profiles"] = view.profiles;
  if (view.multilateral) doc["protocol"] = "stacked alternating offers";
  doc["rounds"] = view.rounds;
  doc["sessions"] = view.sessions;
  if (view.multilateral) doc["nash"] = view.nash;
  doc["agents"] = Json::array();
  for (const auto& a : view.agents) {
    doc["agents"].push_back(Json{{"agent", a.agent},
                                 {"sessions", a.sessions},
                                 {"agreements", a.agreements},
                                 {"agreement_rate", a.agreement_rate},
                                 {"average_utility", a.average_utility},
                                 {"average_nash_distance", a.average_nash_distance}});
  }
  return doc;
}

}  // namespace backchannel::app
