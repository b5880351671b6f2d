// The negotiation model: a domain (the agenda: issues and their options), a
// package (one option per issue), and a side's private profile (how much it
// values each option, additively, and what it gets without agreement).
//
// Semantics follow GENIUS's additive utility spaces (see
// ../shared/domains/README.md and docs/negotiation.md):
//   U(package) = sum_i weight_i * eval_i(option_i),
// weights normalised to sum 1, evaluations normalised per issue to [0, 1]
// (divided by the issue's largest raw evaluation), a missing evaluation is 0,
// integer issues materialised as one option per integer value with the linear
// evaluator clamped to [0, 1]. Profiles built by the importers are already
// normalised; Profile::Validate checks that a hand-built one is.
//
// Pure data; no I/O. Thread safety: distinct objects safe; shared const safe.
#ifndef BACKCHANNEL_NEGOTIATION_DOMAIN_H_
#define BACKCHANNEL_NEGOTIATION_DOMAIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/result.h"

namespace backchannel::negotiation {

enum class IssueKind { kDiscrete, kInteger };

struct Issue {
  std::string name;
  IssueKind kind = IssueKind::kDiscrete;
  // Option names, in domain order. For kInteger: the decimal strings of
  // lower..upper, so every issue is analysed the same way.
  std::vector<std::string> options;
  std::int64_t lower = 0;  // kInteger only
  std::int64_t upper = 0;  // kInteger only
  // May be split between sides (Adjusted Winner, Brams and Taylor).
  bool divisible = false;

  std::size_t size() const { return options.size(); }
};

struct Domain {
  std::string name;
  std::vector<Issue> issues;

  // Index of the issue or option with that name; kNotFound otherwise.
  Result<std::size_t> IssueIndex(const std::string& issue) const;
  Result<std::size_t> OptionIndex(std::size_t issue, const std::string& option) const;
  // Exact number of complete packages, in decimal (arbitrarily large).
  std::string OutcomeCount() const;
  // OK when names are unique and non-empty and every issue has an option.
  Status Validate() const;
};

// A complete package: option index per issue, in domain order.
using Package = std::vector<std::uint32_t>;
// A partial package: nullopt where an issue is left open.
using PartialPackage = std::vector<std::optional<std::uint32_t>>;

struct Profile {
  std::string name;  // e.g. the file it came from, or the side's name
  // weights[i] >= 0, summing to 1 (within 1e-9).
  std::vector<double> weights;
  // evaluations[i][o] in [0, 1]: the normalised value of option o of issue i.
  std::vector<std::vector<double>> evaluations;
  // Utility of no agreement, in [0, 1].
  double reservation = 0.0;
  // Reported, not applied: analysis is at t = 0.
  std::optional<double> discount;

  // weights[i] * evaluations[i][o].
  double IssueUtility(std::size_t issue, std::uint32_t option) const {
    return weights[issue] * evaluations[issue][option];
  }
  // REQUIRES: package is complete and fits the domain this profile was built for.
  double Utility(const Package& package) const;
  // OK when the shapes match `domain` and the values are normalised.
  Status Validate(const Domain& domain) const;
};

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_DOMAIN_H_
