// Clearance rules: parsing and evaluation (clearance.h).
#include "backchannel/talks/clearance.h"

#include <algorithm>
#include <set>

namespace backchannel::talks {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

bool ClearanceRule::Names(std::string_view principal) const {
  return std::find(approvers.begin(), approvers.end(), principal) != approvers.end() ||
         std::find(veto_holders.begin(), veto_holders.end(), principal) != veto_holders.end();
}

std::string ClearanceRule::ToString() const {
  std::string out;
  if (!approvers.empty()) out += "approve=" + Join(approvers);
  if (!veto_holders.empty())
    out += (out.empty() ? "" : ";") + std::string("veto=") + Join(veto_holders);
  return out;
}

Result<ClearanceRule> ParseClearanceRule(std::string_view text) {
  ClearanceRule rule;
  if (Trim(text).empty()) return rule;
  std::set<std::string> seen;
  std::set<std::string> clauses;
  for (std::string_view clause : Split(text, ';')) {
    clause = Trim(clause);
    if (clause.empty()) continue;
    const auto eq = clause.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("clearance rule clause '" + std::string(clause) +
                             "' has no '=' (expected approve=NAME,... or veto=NAME,...)");
    }
    const std::string key(Trim(clause.substr(0, eq)));
    if (key != "approve" && key != "veto") {
      return InvalidArgument("unknown clearance rule clause '" + key +
                             "' (expected approve or veto)");
    }
    if (!clauses.insert(key).second) {
      return InvalidArgument("clearance rule clause '" + key + "' appears twice");
    }
    auto& list = key == "approve" ? rule.approvers : rule.veto_holders;
    for (std::string_view name : Split(clause.substr(eq + 1), ',')) {
      name = Trim(name);
      if (name.empty()) return InvalidArgument("clearance rule '" + key + "' has an empty name");
      if (!seen.insert(std::string(name)).second) {
        return InvalidArgument("'" + std::string(name) + "' appears twice in the clearance rule");
      }
      list.emplace_back(name);
    }
  }
  return rule;
}

std::string_view ClearanceStateName(ClearanceState state) {
  switch (state) {
    case ClearanceState::kPending:
      return "pending";
    case ClearanceState::kCleared:
      return "cleared";
    case ClearanceState::kBlocked:
      return "blocked";
  }
  return "?";
}

ClearanceOutcome EvaluateClearance(const ClearanceRule& rule,
                                   const std::map<std::string, Verdict>& verdicts) {
  ClearanceOutcome out;
  for (const auto& [name, verdict] : verdicts) {
    if (!verdict.approve && rule.Names(name)) out.blocked_by.push_back(name);
  }
  for (const auto& name : rule.approvers) {
    if (!verdicts.contains(name)) out.waiting_for.push_back(name);
  }
  if (!out.blocked_by.empty()) {
    out.state = ClearanceState::kBlocked;
  } else if (out.waiting_for.empty()) {
    out.state = ClearanceState::kCleared;
  }
  return out;
}

}  // namespace backchannel::talks
