// Negotiation scenarios from files, for the faces: `domain show`, `domain
// convert`, `analyze` and `rehearse` (docs/cli.md, docs/negotiation.md).
// The application core reads the domain and profile files (any format the
// negotiation library reads, strict unless lenient), runs the pure
// negotiation library and returns view models with names in place of
// indices, so a face renders text or JSON without the negotiation types.
//
// Warnings of lenient reading ("file:line: text") are appended to
// `warnings` as they come, on failure too, so a face can show them before the
// error.
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_APP_SCENARIO_H_
#define BACKCHANNEL_APP_SCENARIO_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/common/result.h"

namespace backchannel::app {

struct IssueSummary {
  std::string name;
  bool integer = false;    // an integer range lower..upper, else discrete options
  std::int64_t lower = 0;  // integer issues only
  std::int64_t upper = 0;
  std::size_t option_count = 0;
  bool divisible = false;
  std::vector<std::string> options;  // discrete issues only
};

struct DomainSummary {
  std::string name;
  std::string outcomes;  // exact number of complete packages, decimal
  std::vector<IssueSummary> issues;
  std::string native_json;  // the domain in the native format
};

// Errors: kNotFound (no file), kIoError, kInvalidArgument (bad content),
// kUnsupportedVersion, as the negotiation library reads files.
Result<DomainSummary> ShowDomainFile(const std::string& path, bool lenient,
                                     std::vector<std::string>* warnings);
// The native JSON domain plus "outcomes" (`domain show --json`).
Json ToJson(const DomainSummary& summary);

// A domain and its profiles in the native format (text of each file).
struct ConvertedScenario {
  std::string domain_json;
  std::vector<std::string> profile_json;  // in the order given
};
Result<ConvertedScenario> ConvertScenarioFiles(const std::string& domain_path,
                                               const std::vector<std::string>& profile_paths,
                                               bool lenient, std::vector<std::string>* warnings);

// The budgets of the bargaining analysis (docs/analysis.md); the defaults
// are the negotiation library's.
struct AnalysisBudgets {
  std::size_t max_frontier = 5'000'000;
  std::uint64_t max_frontier_work = 200'000'000;
  std::uint64_t max_zopa_nodes = 100'000'000;
  std::uint64_t max_search_nodes = 50'000'000;
};

struct AnalyzeInput {
  std::string domain;                 // the domain file
  std::vector<std::string> profiles;  // one per side, at least two
  std::string offers;                 // the offers file, or empty
  bool lenient = false;
  AnalysisBudgets budgets;
};

// A package by names: (issue, option) in domain order.
using NamedPackage = std::vector<std::pair<std::string, std::string>>;

struct ScoredPackageView {
  NamedPackage package;
  std::vector<double> utilities;  // in side order
};

struct CertificateView {
  std::string method;  // empty: no certificate
  double value = 0;
  double bound = 0;
  double relaxation = 0;
  std::uint64_t nodes = 0;
  bool proven = false;
};

struct SolutionView {
  std::optional<ScoredPackageView> best;  // nullopt: no package is individually rational
  CertificateView certificate;
};

struct AnalyzeView {
  std::string domain;
  std::size_t issue_count = 0;
  std::vector<std::string> profiles;  // profile names, in side order
  std::vector<double> reservations;
  std::string outcomes;
  // One line per part that went over its budget (the improvements too);
  // empty: the analysis is complete.
  std::vector<std::string> incomplete;
  bool pareto_complete = true;
  std::string pareto_note;
  std::vector<ScoredPackageView> pareto;
  SolutionView nash, kalai_smorodinsky, egalitarian, utilitarian;
  std::vector<double> ideal;
  bool zopa_exists = false;
  bool zopa_count_exact = true;
  std::string zopa_count, zopa_count_lower, zopa_count_upper;
  // Only with an offers file: packages improving on the offers on the table.
  std::optional<std::vector<ScoredPackageView>> improvements;
};

// Errors: kInvalidArgument for fewer than two profiles or a bad offers file
// (the message names the file and the JSON pointer), the file errors above,
// and the analysis' own.
Result<AnalyzeView> AnalyzeScenarioFiles(const AnalyzeInput& input,
                                         std::vector<std::string>* warnings);
// The `analyze --json` object of docs/negotiation.md (without "ok").
Json ToJson(const AnalyzeView& view);

struct RehearseInput {
  std::string domain;
  std::vector<std::string> profiles;  // two or more
  std::vector<std::string> agents;    // empty: every agent
  int rounds = 100;
  std::uint64_t seed = 1;
  bool lenient = false;
};

struct AgentStatsView {
  std::string agent;
  int sessions = 0;
  int agreements = 0;
  double agreement_rate = 0;
  double average_utility = 0;
  double average_nash_distance = 0;
};

struct RehearsalView {
  std::string domain;
  std::vector<std::string> profiles;
  // More than two profiles: stacked alternating offers, one opponent model
  // per counterpart; `nash` is then the exact Nash point.
  bool multilateral = false;
  int rounds = 0;
  std::size_t sessions = 0;
  std::vector<double> nash;
  std::vector<AgentStatsView> agents;
};

// Errors: kInvalidArgument for fewer than two profiles, rounds < 1 or an
// unknown agent, the file errors above, kResourceExhausted for a domain too
// large to analyse.
Result<RehearsalView> RehearseScenarioFiles(const RehearseInput& input,
                                            std::vector<std::string>* warnings);
// The `rehearse --json` object (without "ok").
Json ToJson(const RehearsalView& view);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_SCENARIO_H_
