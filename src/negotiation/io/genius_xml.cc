// GENIUS XML: a domain is <negotiation_template><utility_space><objective>
// with <issue> children; a profile is <utility_space> with <objective>, whose
// <issue>s carry evaluations and whose <weight index=...>s refer to the
// issues' index attributes. See docs/negotiation.md, "GENIUS XML".
#include <map>
#include <set>

#include "negotiation/io/io_internal.h"
#include "negotiation/io/xml_document.h"

namespace backchannel::negotiation::io_internal {
namespace {

// The <utility_space> that holds the agenda: the root itself (a profile file)
// or the root's child (a domain template).
Result<xmlNode*> FindUtilitySpace(const XmlDocument& doc, const Diagnostics& diag) {
  xmlNode* root = doc.root();
  if (root == nullptr) return diag.Error(0, "", "empty XML document");
  if (ElementName(root) == "utility_space") return root;
  if (ElementName(root) == "negotiation_template") {
    auto spaces = ChildElements(root, "utility_space");
    if (spaces.empty()) {
      return diag.Error(LineOf(root), "<negotiation_template>", "has no <utility_space>");
    }
    return spaces.front();
  }
  return diag.Error(LineOf(root), Describe(root),
                    "not a GENIUS file: expected <negotiation_template> or <utility_space>");
}

Result<xmlNode*> FindObjective(xmlNode* space, const Diagnostics& diag) {
  auto objectives = ChildElements(space, "objective");
  if (objectives.empty()) return diag.Error(LineOf(space), "<utility_space>", "has no <objective>");
  if (objectives.size() > 1) {
    BC_RETURN_IF_ERROR(diag.Problem(LineOf(objectives[1]), "<objective>",
                                    "more than one root objective; "
                                    "only the first is read"));
  }
  return objectives.front();
}

// Issues in document order, flattening nested objectives.
void CollectIssues(xmlNode* objective, std::vector<xmlNode*>* out) {
  for (xmlNode* c : ChildElements(objective)) {
    const std::string name = ElementName(c);
    if (name == "issue") out->push_back(c);
    if (name == "objective") CollectIssues(c, out);
  }
}

std::string IssueType(xmlNode* issue) {
  for (const char* key : {"type", "vtype", "etype"}) {
    if (auto v = Attribute(issue, key)) return *v;
  }
  return "discrete";
}

Result<Issue> ReadIssue(xmlNode* node, const Diagnostics& diag) {
  Issue issue;
  auto name = Attribute(node, "name");
  if (!name || name->empty()) return diag.Error(LineOf(node), Describe(node), "issue has no name");
  issue.name = *name;
  const std::string where = Describe(node);
  if (!IsValidUtf8(issue.name)) return diag.Error(LineOf(node), "<issue>", "name is not UTF-8");
  const std::string type = IssueType(node);
  if (type == "discrete") {
    issue.kind = IssueKind::kDiscrete;
    std::set<std::string> seen;
    for (xmlNode* item : ChildElements(node, "item")) {
      auto value = Attribute(item, "value");
      if (!value) {
        BC_RETURN_IF_ERROR(
            diag.Problem(LineOf(item), Describe(item), "item has no value; skipped"));
        continue;
      }
      if (!IsValidUtf8(*value)) {
        return diag.Error(LineOf(item), "<item>", "value is not UTF-8");
      }
      if (!seen.insert(*value).second) {
        BC_RETURN_IF_ERROR(
            diag.Problem(LineOf(item), Describe(item), "repeated item value; the copy is skipped"));
        continue;
      }
      issue.options.push_back(*value);
    }
    if (issue.options.empty()) return diag.Error(LineOf(node), where, "issue has no items");
    return issue;
  }
  if (type == "integer") {
    issue.kind = IssueKind::kInteger;
    std::optional<std::string> lo = Attribute(node, "lowerbound");
    std::optional<std::string> hi = Attribute(node, "upperbound");
    if (!lo || !hi) {  // older GENIUS: <range lowerbound=.. upperbound=..>
      auto ranges = ChildElements(node, "range");
      if (!ranges.empty()) {
        lo = Attribute(ranges.front(), "lowerbound");
        hi = Attribute(ranges.front(), "upperbound");
      }
    }
    const std::optional<std::int64_t> lower_opt = lo ? ParseInteger(*lo) : std::nullopt;
    const std::optional<std::int64_t> upper_opt = hi ? ParseInteger(*hi) : std::nullopt;
    if (!lower_opt.has_value() || !upper_opt.has_value()) {
      return diag.Error(LineOf(node), where,
                        "integer issue needs integer lowerbound and upperbound");
    }
    const std::int64_t lower = lower_opt.value_or(0);
    const std::int64_t upper = upper_opt.value_or(0);
    if (lower > upper) return diag.Error(LineOf(node), where, "lowerbound exceeds upperbound");
    if (upper / 2 - lower / 2 >= kMaxIntegerOptions / 2) {
      return diag.Error(LineOf(node), where,
                        "integer range too large to materialise (more than " +
                            std::to_string(kMaxIntegerOptions) + " values)");
    }
    issue.lower = lower;
    issue.upper = upper;
    for (std::int64_t v = lower; v <= upper; ++v) issue.options.push_back(std::to_string(v));
    return issue;
  }
  return diag.Error(LineOf(node), where, "unsupported issue type '" + type + "'");
}

std::string DomainName(xmlNode* objective, const Diagnostics& diag) {
  auto name = Attribute(objective, "name");
  if (name && !name->empty() && *name != "root" && IsValidUtf8(*name)) return *name;
  return StemOf(diag.source());
}

std::optional<double> ValueOf(xmlNode* node) {
  if (auto v = Attribute(node, "value")) return ParseNumber(*v);
  for (xmlNode* c : ChildElements(node, "value")) {  // <discount_factor><value>x</value>
    xmlChar* text = xmlNodeGetContent(c);
    if (text == nullptr) continue;
    auto out = ParseNumber(reinterpret_cast<const char*>(text));
    xmlFree(text);
    return out;
  }
  return std::nullopt;
}

// Reads a profile issue's raw evaluations into `raw` (issue `i` of `domain`).
Status ReadEvaluations(const Domain& domain, std::size_t i, xmlNode* node, RawProfile* raw,
                       const Diagnostics& diag) {
  const Issue& issue = domain.issues[i];
  const std::string where = Describe(node);
  auto& evals = raw->evaluations[i];
  if (issue.kind == IssueKind::kInteger) {
    raw->absolute[i] = true;
    auto evaluators = ChildElements(node, "evaluator");
    if (evaluators.empty()) {
      BC_RETURN_IF_ERROR(diag.Problem(LineOf(node), where,
                                      "integer issue without <evaluator>; "
                                      "every value evaluates to 0"));
      return Status::Ok();
    }
    xmlNode* ev = evaluators.front();
    const auto ftype = Attribute(ev, "ftype").value_or("linear");
    if (ftype != "linear") {
      return diag.Error(LineOf(ev), Describe(ev), "unsupported evaluator ftype '" + ftype + "'");
    }
    auto slope_text = Attribute(ev, "slope");
    auto offset_text = Attribute(ev, "offset");
    auto slope = slope_text ? ParseNumber(*slope_text) : std::nullopt;
    auto offset = offset_text ? ParseNumber(*offset_text) : std::nullopt;
    if (!slope || !offset) {
      return diag.Error(LineOf(ev), Describe(ev),
                        "linear evaluator needs numeric slope and offset");
    }
    std::int64_t lower = issue.lower;
    if (auto lo = Attribute(node, "lowerbound")) {
      if (auto v = ParseInteger(*lo)) lower = *v;
    }
    for (std::size_t o = 0; o < issue.size(); ++o) {
      const double x = static_cast<double>(issue.lower + static_cast<std::int64_t>(o) - lower);
      double u = *slope * x + *offset;
      evals[o] = u < 0 ? 0.0 : (u > 1 ? 1.0 : u);
    }
    return Status::Ok();
  }
  for (xmlNode* item : ChildElements(node, "item")) {
    auto value = Attribute(item, "value");
    if (!value) {
      BC_RETURN_IF_ERROR(diag.Problem(LineOf(item), Describe(item), "item has no value; skipped"));
      continue;
    }
    auto o = domain.OptionIndex(i, *value);
    if (!o) {
      BC_RETURN_IF_ERROR(
          diag.Problem(LineOf(item), Describe(item),
                       "value not in the domain's issue '" + issue.name + "'; skipped"));
      continue;
    }
    auto text = Attribute(item, "evaluation");
    auto e = text ? ParseNumber(*text) : std::nullopt;
    if (!e) {
      BC_RETURN_IF_ERROR(diag.Problem(LineOf(item), Describe(item),
                                      "missing or non-numeric evaluation; read as 0"));
      e = 0.0;
    }
    if (*e < 0) {
      BC_RETURN_IF_ERROR(
          diag.Problem(LineOf(item), Describe(item), "negative evaluation; read as 0"));
      e = 0.0;
    }
    evals[*o] = *e;
  }
  return Status::Ok();
}

}  // namespace

Result<Domain> ParseGeniusDomain(std::string_view text, const Diagnostics& diag) {
  BC_ASSIGN_OR_RETURN(XmlDocument doc, XmlDocument::Parse(text, diag));
  BC_ASSIGN_OR_RETURN(xmlNode * space, FindUtilitySpace(doc, diag));
  BC_ASSIGN_OR_RETURN(xmlNode * objective, FindObjective(space, diag));
  std::vector<xmlNode*> nodes;
  CollectIssues(objective, &nodes);
  Domain domain;
  domain.name = DomainName(objective, diag);
  std::set<std::string> names;
  std::size_t total = 0;
  for (xmlNode* node : nodes) {
    BC_ASSIGN_OR_RETURN(Issue issue, ReadIssue(node, diag));
    if (!names.insert(issue.name).second) {
      return diag.Error(LineOf(node), Describe(node), "issue name appears twice");
    }
    total += issue.size();
    if (total > kMaxTotalOptions) {
      return diag.Error(LineOf(node), Describe(node), "the domain has too many options in total");
    }
    domain.issues.push_back(std::move(issue));
  }
  if (domain.issues.empty()) return diag.Error(LineOf(objective), "<objective>", "has no issues");
  Status s = domain.Validate();
  if (!s.ok()) return diag.Error(0, "", s.message());
  return domain;
}

Result<Profile> ParseGeniusProfile(const Domain& domain, std::string_view text,
                                   const Diagnostics& diag) {
  BC_ASSIGN_OR_RETURN(XmlDocument doc, XmlDocument::Parse(text, diag));
  BC_ASSIGN_OR_RETURN(xmlNode * space, FindUtilitySpace(doc, diag));
  BC_ASSIGN_OR_RETURN(xmlNode * objective, FindObjective(space, diag));
  const std::size_t n = domain.issues.size();
  RawProfile raw;
  raw.name = StemOf(diag.source());
  raw.weights.assign(n, 0.0);
  raw.evaluations.resize(n);
  raw.absolute.assign(n, false);
  for (std::size_t i = 0; i < n; ++i) raw.evaluations[i].resize(domain.issues[i].size());

  if (auto type = Attribute(space, "type"); type && *type == "UNCERTAIN") {
    std::string ignored;
    for (xmlNode* c : ChildElements(space)) {
      const std::string name = ElementName(c);
      if (name == "objective" || name == "reservation" || name == "discount_factor") continue;
      ignored += (ignored.empty() ? "<" : ", <") + name + ">";
    }
    diag.Warn(LineOf(space), "<utility_space type='UNCERTAIN'>",
              "read the additive part and the reservation value only" +
                  (ignored.empty() ? std::string() : "; ignored " + ignored));
  }

  // Issues, matched to the domain by name; their index attribute keys weights.
  std::vector<xmlNode*> nodes;
  CollectIssues(objective, &nodes);
  std::map<std::string, std::size_t> index_to_issue;
  std::vector<bool> seen(n, false);
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    xmlNode* node = nodes[k];
    auto name = Attribute(node, "name").value_or("");
    auto i = domain.IssueIndex(name);
    if (!i) {
      BC_RETURN_IF_ERROR(
          diag.Problem(LineOf(node), Describe(node), "issue not in the domain; skipped"));
      continue;
    }
    if (seen[*i]) return diag.Error(LineOf(node), Describe(node), "issue appears twice");
    seen[*i] = true;
    index_to_issue[Attribute(node, "index").value_or(std::to_string(k + 1))] = *i;
    BC_RETURN_IF_ERROR(ReadEvaluations(domain, *i, node, &raw, diag));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!seen[i]) {
      BC_RETURN_IF_ERROR(diag.Problem(
          LineOf(objective), "<objective>",
          "no evaluations for issue '" + domain.issues[i].name + "'; its weight is taken as 0"));
    }
  }

  std::vector<bool> weighted(n, false);
  for (xmlNode* w : ChildElements(objective, "weight")) {
    auto index = Attribute(w, "index").value_or("");
    auto it = index_to_issue.find(index);
    auto value = ValueOf(w);
    if (it == index_to_issue.end()) {
      BC_RETURN_IF_ERROR(
          diag.Problem(LineOf(w), Describe(w), "weight for no known issue; skipped"));
      continue;
    }
    if (!value || *value < 0) {
      return diag.Error(LineOf(w), Describe(w), "weight is not a non-negative number");
    }
    raw.weights[it->second] = *value;
    weighted[it->second] = true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (seen[i] && !weighted[i]) {
      BC_RETURN_IF_ERROR(
          diag.Problem(LineOf(objective), "<objective>",
                       "no <weight> for issue '" + domain.issues[i].name + "'; taken as 0"));
    }
  }

  for (xmlNode* r : ChildElements(space, "reservation")) {
    auto v = ValueOf(r);
    if (!v || *v < 0 || *v > 1) {
      return diag.Error(LineOf(r), "<reservation>", "value is not a number in [0, 1]");
    }
    raw.reservation = *v;
  }
  for (xmlNode* d : ChildElements(space, "discount_factor")) {
    auto v = ValueOf(d);
    if (!v || *v < 0 || *v > 1) {
      return diag.Error(LineOf(d), "<discount_factor>", "value is not a number in [0, 1]");
    }
    raw.discount = *v;
  }
  return NormaliseProfile(domain, std::move(raw), diag);
}

}  // namespace backchannel::negotiation::io_internal
