#include "backchannel/negotiation/domain.h"

#include <cmath>
#include <set>

namespace backchannel::negotiation {
namespace {

// Multiplies a decimal number held as little-endian base-10^9 limbs by `m`.
void MultiplyLimbs(std::vector<std::uint32_t>& limbs, std::uint64_t m) {
  constexpr std::uint64_t kBase = 1'000'000'000;
  std::uint64_t carry = 0;
  for (auto& limb : limbs) {
    // limb < 10^9 and m < 2^32 keep the product and carry inside 64 bits.
    const std::uint64_t v = static_cast<std::uint64_t>(limb) * m + carry;
    limb = static_cast<std::uint32_t>(v % kBase);
    carry = v / kBase;
  }
  while (carry != 0) {
    limbs.push_back(static_cast<std::uint32_t>(carry % kBase));
    carry /= kBase;
  }
}

}  // namespace

Result<std::size_t> Domain::IssueIndex(const std::string& issue) const {
  for (std::size_t i = 0; i < issues.size(); ++i) {
    if (issues[i].name == issue) return i;
  }
  return NotFound("no issue named '" + issue + "'");
}

Result<std::size_t> Domain::OptionIndex(std::size_t issue, const std::string& option) const {
  if (issue >= issues.size()) return NotFound("issue index out of range");
  const auto& opts = issues[issue].options;
  for (std::size_t o = 0; o < opts.size(); ++o) {
    if (opts[o] == option) return o;
  }
  return NotFound("issue '" + issues[issue].name + "' has no option '" + option + "'");
}

std::string Domain::OutcomeCount() const {
  std::vector<std::uint32_t> limbs{1};
  // Each factor is an in-memory option count, far below 2^32.
  for (const auto& issue : issues) MultiplyLimbs(limbs, issue.size());
  std::string out = std::to_string(limbs.back());
  for (std::size_t i = limbs.size() - 1; i-- > 0;) {
    std::string part = std::to_string(limbs[i]);
    out += std::string(9 - part.size(), '0') + part;
  }
  return out;
}

Status Domain::Validate() const {
  std::set<std::string> names;
  for (const auto& issue : issues) {
    if (issue.name.empty()) return InvalidArgument("an issue has an empty name");
    if (!names.insert(issue.name).second) {
      return InvalidArgument("issue '" + issue.name + "' appears twice");
    }
    if (issue.options.empty()) return InvalidArgument("issue '" + issue.name + "' has no options");
    for (const auto& option : issue.options) {
      if (option.empty()) {
        return InvalidArgument("issue '" + issue.name + "' has an option with an empty name");
      }
    }
    std::set<std::string> opts(issue.options.begin(), issue.options.end());
    if (opts.size() != issue.options.size()) {
      return InvalidArgument("issue '" + issue.name + "' repeats an option");
    }
  }
  if (issues.empty()) return InvalidArgument("the domain has no issues");
  return Status::Ok();
}

double Profile::Utility(const Package& package) const {
  double u = 0;
  for (std::size_t i = 0; i < package.size(); ++i) u += IssueUtility(i, package[i]);
  return u;
}

Status Profile::Validate(const Domain& domain) const {
  if (weights.size() != domain.issues.size() || evaluations.size() != domain.issues.size()) {
    return InvalidArgument("profile '" + name + "' does not have one weight per issue");
  }
  double sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0)) return InvalidArgument("profile '" + name + "' has a negative weight");
    sum += weights[i];
    if (evaluations[i].size() != domain.issues[i].size()) {
      return InvalidArgument("profile '" + name + "' has the wrong number of evaluations for '" +
                             domain.issues[i].name + "'");
    }
    for (double e : evaluations[i]) {
      if (!(e >= 0 && e <= 1)) {
        return InvalidArgument("profile '" + name + "' has an evaluation outside [0, 1]");
      }
    }
  }
  if (std::fabs(sum - 1.0) > 1e-9)
    return InvalidArgument("profile '" + name + "' weights do not sum to 1");
  if (!(reservation >= 0 && reservation <= 1)) {
    return InvalidArgument("profile '" + name + "' reservation value is outside [0, 1]");
  }
  return Status::Ok();
}

}  // namespace backchannel::negotiation
