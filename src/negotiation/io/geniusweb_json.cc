// GeniusWeb JSON: a domain {"name", "issuesValues": {issue: {"values": [..]}
// or {"range": {"low", "high", "step"}}}} and a profile
// {"LinearAdditiveUtilitySpace": {"issueUtilities", "issueWeights", "domain",
// "name", "reservationBid"}}. See docs/negotiation.md, "GeniusWeb JSON".
#include <cmath>
#include <set>

#include "negotiation/io/json_formats.h"

namespace backchannel::negotiation::io_internal {
namespace {

std::string Pointer(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  std::string out = "/";
  out += a;
  if (!b.empty()) (out += "/") += b;
  if (!c.empty()) (out += "/") += c;
  return out;
}

// The text of a GeniusWeb value: strings as they are, numbers in decimal.
std::optional<std::string> ValueText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) return v.dump();
  return std::nullopt;
}

Status ReadRange(const Json& range, const std::string& where, Issue* issue,
                 const Diagnostics& diag) {
  auto num = [&](const char* key) -> std::optional<double> {
    auto it = range.find(key);
    if (it == range.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
  };
  auto low = num("low");
  auto high = num("high");
  auto step = num("step");
  if (!range.is_object() || !low || !high || !step) {
    return diag.Error(0, where, "range needs numeric low, high and step");
  }
  if (!(*step > 0) || *high < *low || !std::isfinite(*low) || !std::isfinite(*high)) {
    return diag.Error(0, where, "range needs low <= high and step > 0");
  }
  const double count = std::floor((*high - *low) / *step + 1e-9) + 1;
  if (!(count <= static_cast<double>(kMaxIntegerOptions))) {
    return diag.Error(0, where, "range too large to materialise");
  }
  const bool integral = *low == std::floor(*low) && *step == std::floor(*step) &&
                        std::fabs(*low) < 1e15 && std::fabs(*high) < 1e15;
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(count); ++k) {
    const double v = *low + static_cast<double>(k) * *step;
    issue->options.push_back(integral ? std::to_string(static_cast<std::int64_t>(v))
                                      : Json(v).dump());
  }
  if (integral && *step == 1) {
    issue->kind = IssueKind::kInteger;
    issue->lower = static_cast<std::int64_t>(*low);
    issue->upper = static_cast<std::int64_t>(*low) + static_cast<std::int64_t>(count) - 1;
  }
  return Status::Ok();
}

Status ReadDiscreteUtilities(const Domain& domain, std::size_t i, const Json& spec,
                             const std::string& where, RawProfile* raw, const Diagnostics& diag) {
  auto vu = spec.find("valueUtilities");
  if (vu == spec.end() || !vu->is_object()) {
    return diag.Error(0, where, "DiscreteValueSetUtilities needs an object \"valueUtilities\"");
  }
  for (const auto& [value, u] : vu->items()) {
    auto o = domain.OptionIndex(i, value);
    if (!o) {
      BC_RETURN_IF_ERROR(
          diag.Problem(0, where + "/valueUtilities/" + value, "value not in the domain; skipped"));
      continue;
    }
    if (!u.is_number()) return diag.Error(0, where + "/valueUtilities/" + value, "not a number");
    double e = u.get<double>();
    if (!(e >= 0 && e <= 1)) {
      BC_RETURN_IF_ERROR(
          diag.Problem(0, where + "/valueUtilities/" + value, "utility outside [0, 1]; clamped"));
      e = e < 0 || std::isnan(e) ? 0.0 : 1.0;
    }
    raw->evaluations[i][*o] = e;
  }
  return Status::Ok();
}

Status ReadNumberUtilities(const Domain& domain, std::size_t i, const Json& spec,
                           const std::string& where, RawProfile* raw, const Diagnostics& diag) {
  double f[4] = {0, 0, 0, 0};
  const char* keys[4] = {"lowValue", "lowUtility", "highValue", "highUtility"};
  for (int k = 0; k < 4; ++k) {
    auto it = spec.find(keys[k]);
    if (it == spec.end() || !it->is_number()) {
      return diag.Error(0, where, std::string("NumberValueSetUtilities needs numeric ") + keys[k]);
    }
    f[k] = it->get<double>();
  }
  const auto& options = domain.issues[i].options;
  for (std::size_t o = 0; o < options.size(); ++o) {
    auto x = ParseNumber(options[o]);
    if (!x || *x < f[0] || *x > f[2]) {
      raw->evaluations[i][o] = 0.0;
      continue;
    }
    double u = f[2] == f[0] ? f[1] : f[1] + (*x - f[0]) * (f[3] - f[1]) / (f[2] - f[0]);
    raw->evaluations[i][o] = u < 0 ? 0.0 : (u > 1 ? 1.0 : u);
  }
  return Status::Ok();
}

}  // namespace

Result<Domain> ParseGeniusWebDomain(const Json& doc, const Diagnostics& diag) {
  Domain domain;
  auto name = doc.find("name");
  domain.name =
      name != doc.end() && name->is_string() ? name->get<std::string>() : StemOf(diag.source());
  auto iv = doc.find("issuesValues");
  if (iv == doc.end() || !iv->is_object()) {
    return diag.Error(0, "/issuesValues", "expected an object of issues");
  }
  std::size_t total = 0;
  for (const auto& [issue_name, spec] : iv->items()) {
    const std::string where = Pointer("issuesValues", issue_name);
    Issue issue;
    issue.name = issue_name;
    if (issue_name.empty()) return diag.Error(0, where, "issue has an empty name");
    if (!spec.is_object()) return diag.Error(0, where, "expected an object, got " + TypeName(spec));
    if (auto values = spec.find("values"); values != spec.end()) {
      if (!values->is_array()) return diag.Error(0, where + "/values", "expected an array");
      std::set<std::string> seen;
      for (const auto& v : *values) {
        auto text = ValueText(v);
        if (!text) return diag.Error(0, where + "/values", "a value is neither string nor number");
        if (!seen.insert(*text).second) {
          BC_RETURN_IF_ERROR(
              diag.Problem(0, where + "/values", "value '" + *text + "' repeated; copy skipped"));
          continue;
        }
        issue.options.push_back(*text);
      }
    } else if (auto range = spec.find("range"); range != spec.end()) {
      BC_RETURN_IF_ERROR(ReadRange(*range, where + "/range", &issue, diag));
    } else {
      return diag.Error(0, where, "issue needs \"values\" or \"range\"");
    }
    if (issue.options.empty()) return diag.Error(0, where, "issue has no values");
    total += issue.size();
    if (total > kMaxTotalOptions) {
      return diag.Error(0, where, "the domain has too many options in total");
    }
    domain.issues.push_back(std::move(issue));
  }
  if (domain.issues.empty()) return diag.Error(0, "/issuesValues", "the domain has no issues");
  Status s = domain.Validate();
  if (!s.ok()) return diag.Error(0, "", s.message());
  return domain;
}

Result<Profile> ParseGeniusWebProfile(const Domain& domain, const Json& doc,
                                      const Diagnostics& diag) {
  const Json& space = doc.at("LinearAdditiveUtilitySpace");
  if (!space.is_object()) {
    return diag.Error(0, "/LinearAdditiveUtilitySpace", "expected an object");
  }
  const std::string root = "/LinearAdditiveUtilitySpace";
  const std::size_t n = domain.issues.size();
  RawProfile raw;
  auto name = space.find("name");
  raw.name =
      name != space.end() && name->is_string() ? name->get<std::string>() : StemOf(diag.source());
  raw.weights.assign(n, 0.0);
  raw.evaluations.resize(n);
  raw.absolute.assign(n, true);  // GeniusWeb utilities are used as they are
  for (std::size_t i = 0; i < n; ++i) raw.evaluations[i].resize(domain.issues[i].size());

  auto utilities = space.find("issueUtilities");
  if (utilities == space.end() || !utilities->is_object()) {
    return diag.Error(0, root + "/issueUtilities", "expected an object");
  }
  std::vector<bool> seen(n, false);
  for (const auto& [issue_name, spec] : utilities->items()) {
    const std::string where = root + "/issueUtilities/" + issue_name;
    auto i = domain.IssueIndex(issue_name);
    if (!i) {
      BC_RETURN_IF_ERROR(diag.Problem(0, where, "issue not in the domain; skipped"));
      continue;
    }
    seen[*i] = true;
    if (!spec.is_object()) return diag.Error(0, where, "expected an object");
    if (auto d = spec.find("DiscreteValueSetUtilities"); d != spec.end()) {
      if (!d->is_object()) return diag.Error(0, where, "expected an object");
      BC_RETURN_IF_ERROR(
          ReadDiscreteUtilities(domain, *i, *d, where + "/DiscreteValueSetUtilities", &raw, diag));
    } else if (auto num = spec.find("NumberValueSetUtilities"); num != spec.end()) {
      if (!num->is_object()) return diag.Error(0, where, "expected an object");
      BC_RETURN_IF_ERROR(
          ReadNumberUtilities(domain, *i, *num, where + "/NumberValueSetUtilities", &raw, diag));
    } else {
      return diag.Error(0, where, "expected DiscreteValueSetUtilities or NumberValueSetUtilities");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!seen[i]) {
      BC_RETURN_IF_ERROR(diag.Problem(
          0, root + "/issueUtilities",
          "no utilities for issue '" + domain.issues[i].name + "'; its values evaluate to 0"));
    }
  }

  auto weights = space.find("issueWeights");
  if (weights == space.end() || !weights->is_object()) {
    return diag.Error(0, root + "/issueWeights", "expected an object");
  }
  std::vector<bool> weighted(n, false);
  for (const auto& [issue_name, w] : weights->items()) {
    const std::string where = root + "/issueWeights/" + issue_name;
    auto i = domain.IssueIndex(issue_name);
    if (!i) {
      BC_RETURN_IF_ERROR(diag.Problem(0, where, "issue not in the domain; skipped"));
      continue;
    }
    if (!w.is_number() || !(w.get<double>() >= 0)) {
      return diag.Error(0, where, "weight is not a non-negative number");
    }
    raw.weights[*i] = w.get<double>();
    weighted[*i] = true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!weighted[i]) {
      BC_RETURN_IF_ERROR(
          diag.Problem(0, root + "/issueWeights",
                       "no weight for issue '" + domain.issues[i].name + "'; taken as 0"));
    }
  }

  // The reservation value is the utility of reservationBid (0 when absent),
  // computed once the profile is normalised.
  Package partial_bid(n, 0);
  std::vector<bool> in_bid(n, false);
  if (auto bid = space.find("reservationBid"); bid != space.end() && !bid->is_null()) {
    const std::string where = root + "/reservationBid";
    auto values = bid->is_object() ? bid->find("issuevalues") : bid->end();
    if (!bid->is_object() || values == bid->end() || !values->is_object()) {
      return diag.Error(0, where, "expected {\"issuevalues\": {issue: value}}");
    }
    for (const auto& [issue_name, v] : values->items()) {
      auto i = domain.IssueIndex(issue_name);
      auto text = ValueText(v);
      auto o = i && text ? domain.OptionIndex(*i, *text) : Result<std::size_t>(NotFound(""));
      if (!o) {
        BC_RETURN_IF_ERROR(diag.Problem(0, where + "/issuevalues/" + issue_name,
                                        "not an issue and value of the domain; skipped"));
        continue;
      }
      partial_bid[*i] = static_cast<std::uint32_t>(*o);
      in_bid[*i] = true;
    }
  }
  BC_ASSIGN_OR_RETURN(Profile profile, NormaliseProfile(domain, std::move(raw), diag));
  double reservation = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (in_bid[i]) reservation += profile.IssueUtility(i, partial_bid[i]);
  }
  profile.reservation = reservation > 1 ? 1.0 : reservation;
  return profile;
}

}  // namespace backchannel::negotiation::io_internal
