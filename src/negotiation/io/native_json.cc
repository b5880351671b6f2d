// The native JSON format, reading and writing. Every field is documented in
// docs/negotiation.md, "Native format".
#include <cmath>
#include <set>

#include "negotiation/io/json_formats.h"

namespace backchannel::negotiation {
namespace io_internal {
namespace {

constexpr int kNativeVersion = 1;

// Strict mode refuses fields it does not know; lenient mode warns.
Status CheckKeys(const Json& obj, const std::string& where, std::set<std::string> allowed,
                 const Diagnostics& diag) {
  for (const auto& [key, value] : obj.items()) {
    if (allowed.count(key) == 0) {
      BC_RETURN_IF_ERROR(diag.Problem(0, where + "/" + key, "unknown field; ignored"));
    }
  }
  return Status::Ok();
}

Status CheckVersion(const Json& doc, const Diagnostics& diag) {
  auto v = doc.find("version");
  if (v == doc.end() || !v->is_number_integer()) {
    return diag.Error(0, "/version", "missing or not an integer");
  }
  if (v->get<std::int64_t>() != kNativeVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  diag.Format(0, "/version",
                              "version " + v->dump() + " is not supported; this build reads " +
                                  std::to_string(kNativeVersion)));
  }
  return Status::Ok();
}

Result<std::string> RequiredString(const Json& obj, const char* key, const std::string& where,
                                   const Diagnostics& diag) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get<std::string>().empty()) {
    return diag.Error(0, where + "/" + key, "missing or not a non-empty string");
  }
  return it->get<std::string>();
}

Result<Issue> ReadIssue(const Json& j, const std::string& where, const Diagnostics& diag) {
  if (!j.is_object()) return diag.Error(0, where, "expected an object, got " + TypeName(j));
  BC_RETURN_IF_ERROR(
      CheckKeys(j, where, {"name", "kind", "options", "lower", "upper", "divisible"}, diag));
  Issue issue;
  BC_ASSIGN_OR_RETURN(issue.name, RequiredString(j, "name", where, diag));
  std::string kind = "discrete";
  if (auto k = j.find("kind"); k != j.end()) {
    if (!k->is_string())
      return diag.Error(0, where + "/kind", "expected \"discrete\" or \"integer\"");
    kind = k->get<std::string>();
  }
  if (auto d = j.find("divisible"); d != j.end()) {
    if (!d->is_boolean()) return diag.Error(0, where + "/divisible", "expected true or false");
    issue.divisible = d->get<bool>();
  }
  if (kind == "discrete") {
    auto options = j.find("options");
    if (options == j.end() || !options->is_array() || options->empty()) {
      return diag.Error(0, where + "/options", "expected a non-empty array of option names");
    }
    std::set<std::string> seen;
    for (std::size_t k = 0; k < options->size(); ++k) {
      const Json& o = (*options)[k];
      const std::string at = where + "/options/" + std::to_string(k);
      if (!o.is_string() || o.get<std::string>().empty()) {
        return diag.Error(0, at, "expected a non-empty string");
      }
      if (!seen.insert(o.get<std::string>()).second) {
        return diag.Error(0, at, "option '" + o.get<std::string>() + "' repeated");
      }
      issue.options.push_back(o.get<std::string>());
    }
    return issue;
  }
  if (kind == "integer") {
    auto lower = j.find("lower");
    auto upper = j.find("upper");
    if (lower == j.end() || upper == j.end() || !lower->is_number_integer() ||
        !upper->is_number_integer()) {
      return diag.Error(0, where, "integer issue needs integer \"lower\" and \"upper\"");
    }
    issue.kind = IssueKind::kInteger;
    issue.lower = lower->get<std::int64_t>();
    issue.upper = upper->get<std::int64_t>();
    if (issue.lower > issue.upper) return diag.Error(0, where, "\"lower\" exceeds \"upper\"");
    if (issue.upper / 2 - issue.lower / 2 >= kMaxIntegerOptions / 2) {
      return diag.Error(0, where, "integer range too large to materialise");
    }
    for (std::int64_t v = issue.lower; v <= issue.upper; ++v) {
      issue.options.push_back(std::to_string(v));
    }
    return issue;
  }
  return diag.Error(0, where + "/kind", "expected \"discrete\" or \"integer\", got '" + kind + "'");
}

Result<double> UnitNumber(const Json& j, const std::string& where, const Diagnostics& diag) {
  if (!j.is_number()) return diag.Error(0, where, "expected a number, got " + TypeName(j));
  const double v = j.get<double>();
  if (!(v >= 0 && v <= 1)) return diag.Error(0, where, "expected a number in [0, 1]");
  return v;
}

Status ReadProfileIssue(const Domain& domain, const Json& j, const std::string& where, Profile* p,
                        std::vector<bool>* seen, const Diagnostics& diag) {
  if (!j.is_object()) return diag.Error(0, where, "expected an object, got " + TypeName(j));
  BC_RETURN_IF_ERROR(CheckKeys(j, where, {"issue", "weight", "evaluations", "linear"}, diag));
  BC_ASSIGN_OR_RETURN(std::string name, RequiredString(j, "issue", where, diag));
  auto i = domain.IssueIndex(name);
  if (!i) return diag.Error(0, where + "/issue", "no issue '" + name + "' in the domain");
  if ((*seen)[*i]) return diag.Error(0, where + "/issue", "issue '" + name + "' appears twice");
  (*seen)[*i] = true;
  auto w = j.find("weight");
  if (w == j.end() || !w->is_number() || !(w->get<double>() >= 0) ||
      !std::isfinite(w->get<double>())) {
    return diag.Error(0, where + "/weight", "missing or not a non-negative number");
  }
  p->weights[*i] = w->get<double>();
  const Issue& issue = domain.issues[*i];
  auto& evals = p->evaluations[*i];
  if (auto lin = j.find("linear"); lin != j.end()) {
    if (issue.kind != IssueKind::kInteger) {
      return diag.Error(0, where + "/linear", "a linear evaluator needs an integer issue");
    }
    if (!lin->is_object() || !lin->contains("slope") || !lin->contains("offset") ||
        !(*lin)["slope"].is_number() || !(*lin)["offset"].is_number()) {
      return diag.Error(0, where + "/linear", "expected {\"slope\": number, \"offset\": number}");
    }
    const double slope = (*lin)["slope"].get<double>();
    const double offset = (*lin)["offset"].get<double>();
    for (std::size_t o = 0; o < issue.size(); ++o) {
      const double u = slope * static_cast<double>(o) + offset;
      evals[o] = u < 0 ? 0.0 : (u > 1 ? 1.0 : u);
    }
    if (j.contains("evaluations")) {
      return diag.Error(0, where, "give either \"evaluations\" or \"linear\", not both");
    }
    return Status::Ok();
  }
  auto e = j.find("evaluations");
  if (e == j.end() || !e->is_object()) {
    return diag.Error(0, where + "/evaluations", "expected an object of option: value in [0, 1]");
  }
  for (const auto& [option, value] : e->items()) {
    const std::string at = where + "/evaluations/" + option;
    auto o = domain.OptionIndex(*i, option);
    if (!o) return diag.Error(0, at, "no option '" + option + "' in issue '" + name + "'");
    BC_ASSIGN_OR_RETURN(evals[*o], UnitNumber(value, at, diag));
  }
  return Status::Ok();
}

}  // namespace

Result<Domain> ParseNativeDomain(const Json& doc, const Diagnostics& diag) {
  BC_RETURN_IF_ERROR(CheckVersion(doc, diag));
  BC_RETURN_IF_ERROR(CheckKeys(doc, "", {"format", "version", "name", "issues"}, diag));
  Domain domain;
  BC_ASSIGN_OR_RETURN(domain.name, RequiredString(doc, "name", "", diag));
  auto issues = doc.find("issues");
  if (issues == doc.end() || !issues->is_array() || issues->empty()) {
    return diag.Error(0, "/issues", "expected a non-empty array of issues");
  }
  std::set<std::string> names;
  std::size_t total = 0;
  for (std::size_t k = 0; k < issues->size(); ++k) {
    const std::string where = "/issues/" + std::to_string(k);
    BC_ASSIGN_OR_RETURN(Issue issue, ReadIssue((*issues)[k], where, diag));
    if (!names.insert(issue.name).second) {
      return diag.Error(0, where + "/name", "issue '" + issue.name + "' appears twice");
    }
    total += issue.size();
    if (total > kMaxTotalOptions) {
      return diag.Error(0, where, "the domain has too many options in total");
    }
    domain.issues.push_back(std::move(issue));
  }
  Status s = domain.Validate();
  if (!s.ok()) return diag.Error(0, "", s.message());
  return domain;
}

Result<Profile> ParseNativeProfile(const Domain& domain, const Json& doc, const Diagnostics& diag) {
  BC_RETURN_IF_ERROR(CheckVersion(doc, diag));
  BC_RETURN_IF_ERROR(CheckKeys(
      doc, "", {"format", "version", "name", "domain", "reservation", "discount", "issues"}, diag));
  Profile p;
  BC_ASSIGN_OR_RETURN(p.name, RequiredString(doc, "name", "", diag));
  if (auto d = doc.find("domain"); d != doc.end()) {
    if (!d->is_string()) return diag.Error(0, "/domain", "expected a string");
    if (d->get<std::string>() != domain.name) {
      BC_RETURN_IF_ERROR(diag.Problem(0, "/domain",
                                      "profile is for domain '" + d->get<std::string>() +
                                          "', read against '" + domain.name + "'"));
    }
  }
  if (auto r = doc.find("reservation"); r != doc.end()) {
    BC_ASSIGN_OR_RETURN(p.reservation, UnitNumber(*r, "/reservation", diag));
  }
  if (auto d = doc.find("discount"); d != doc.end() && !d->is_null()) {
    BC_ASSIGN_OR_RETURN(p.discount, UnitNumber(*d, "/discount", diag));
  }
  const std::size_t n = domain.issues.size();
  p.weights.assign(n, 0.0);
  p.evaluations.resize(n);
  for (std::size_t i = 0; i < n; ++i) p.evaluations[i].assign(domain.issues[i].size(), 0.0);
  auto issues = doc.find("issues");
  if (issues == doc.end() || !issues->is_array()) {
    return diag.Error(0, "/issues", "expected an array of {issue, weight, evaluations}");
  }
  std::vector<bool> seen(n, false);
  for (std::size_t k = 0; k < issues->size(); ++k) {
    BC_RETURN_IF_ERROR(
        ReadProfileIssue(domain, (*issues)[k], "/issues/" + std::to_string(k), &p, &seen, diag));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!seen[i]) {
      BC_RETURN_IF_ERROR(diag.Problem(
          0, "/issues", "issue '" + domain.issues[i].name + "' missing; its weight is taken as 0"));
    }
  }
  double sum = 0;
  for (double w : p.weights) sum += w;
  if (!(sum > 0) || !std::isfinite(sum)) return diag.Error(0, "/issues", "weights sum to 0");
  // Weights already normalised are kept bit for bit, so files round-trip.
  if (std::fabs(sum - 1.0) > 1e-12) {
    for (double& w : p.weights) w /= sum;
  }
  Status s = p.Validate(domain);
  if (!s.ok()) return diag.Error(0, "", s.message());
  return p;
}

}  // namespace io_internal

std::string DomainToJson(const Domain& domain) {
  io_internal::Json doc;
  doc["format"] = "backchannel.domain";
  doc["version"] = io_internal::kNativeVersion;
  doc["name"] = domain.name;
  doc["issues"] = io_internal::Json::array();
  for (const Issue& issue : domain.issues) {
    io_internal::Json j;
    j["name"] = issue.name;
    if (issue.kind == IssueKind::kInteger) {
      j["kind"] = "integer";
      j["lower"] = issue.lower;
      j["upper"] = issue.upper;
    } else {
      j["kind"] = "discrete";
      j["options"] = issue.options;
    }
    j["divisible"] = issue.divisible;
    doc["issues"].push_back(std::move(j));
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string ProfileToJson(const Domain& domain, const Profile& profile) {
  io_internal::Json doc;
  doc["format"] = "backchannel.profile";
  doc["version"] = io_internal::kNativeVersion;
  doc["name"] = profile.name;
  doc["domain"] = domain.name;
  doc["reservation"] = profile.reservation;
  if (profile.discount) doc["discount"] = *profile.discount;
  doc["issues"] = io_internal::Json::array();
  for (std::size_t i = 0; i < domain.issues.size() && i < profile.weights.size(); ++i) {
    io_internal::Json j;
    j["issue"] = domain.issues[i].name;
    j["weight"] = profile.weights[i];
    io_internal::Json evals = io_internal::Json::object();
    for (std::size_t o = 0; o < domain.issues[i].size() && i < profile.evaluations.size() &&
                            o < profile.evaluations[i].size();
         ++o) {
      evals[domain.issues[i].options[o]] = profile.evaluations[i][o];
    }
    j["evaluations"] = std::move(evals);
    doc["issues"].push_back(std::move(j));
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace backchannel::negotiation
