// The package builder's numbers and the analysis chart's data
// (analysis_view.h). The frontier, Nash and Kalai-Smorodinsky come from the
// negotiation engine's exact Analyze (docs/analysis.md) over the profiles
// this client knows; the sample is uniform (libsodium's randombytes_uniform).
#include "backchannel/app/analysis_view.h"

#include <algorithm>
#include <cstdio>

#include "app/complete_package.h"
#include "backchannel/app/analysis_memo.h"
#include "backchannel/app/request.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/negotiation/io.h"
#include "backchannel/negotiation/moves.h"
#include "backchannel/negotiation/opponent_model.h"
#include "backchannel/talks/state.h"

namespace backchannel::app {
namespace {

using negotiation::Package;

Json PackageNames(const negotiation::Domain& d, const Package& p) {
  Json j = Json::object();
  for (std::size_t i = 0; i < d.issues.size(); ++i) j[d.issues[i].name] = d.issues[i].options[p[i]];
  return j;
}

// Utilities of `p` per side (null where no profile is known).
Json Utilities(const AnalysisInput& in, const Package& p) {
  Json u = Json::array();
  for (const auto& profile : in.profiles) {
    if (profile) {
      u.push_back(profile->Utility(p));
    } else {
      u.push_back(nullptr);
    }
  }
  return u;
}

Json Point(const AnalysisInput& in, const Package& p) {
  return Json{{"package", PackageNames(in.domain, p)}, {"u", Utilities(in, p)}};
}

std::vector<std::size_t> Known(const AnalysisInput& in) {
  std::vector<std::size_t> k;
  for (std::size_t s = 0; s < in.profiles.size(); ++s) {
    if (in.profiles[s]) k.push_back(s);
  }
  return k;
}

// The number of outcomes, saturating at `limit + 1` (enough to compare).
std::uint64_t OutcomesUpTo(const negotiation::Domain& d, std::uint64_t limit) {
  std::uint64_t n = 1;
  for (const auto& issue : d.issues) {
    n *= issue.size();
    if (n > limit) return limit + 1;
  }
  return n;
}

Json Sample(const AnalysisInput& in, std::size_t cap, bool* complete) {
  Json out = Json::array();
  const std::uint64_t total = OutcomesUpTo(in.domain, cap);
  *complete = total <= cap;
  Package p(in.domain.issues.size(), 0);
  if (*complete) {
    // Every outcome, in odometer order (the last issue turns fastest).
    for (std::uint64_t k = 0; k < total; ++k) {
      out.push_back(Point(in, p));
      for (std::size_t i = p.size(); i-- > 0;) {
        if (++p[i] < in.domain.issues[i].size()) break;
        p[i] = 0;
      }
    }
    return out;
  }
  // Uniform over outcomes: each issue's option uniform and independent.
  for (std::size_t k = 0; k < cap; ++k) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      p[i] = crypto::RandomUniform(static_cast<std::uint32_t>(in.domain.issues[i].size()));
    }
    out.push_back(Point(in, p));
  }
  return out;
}

// The engine's input: the profiles of the sides whose utilities are known.
std::vector<negotiation::Profile> KnownProfiles(const AnalysisInput& in,
                                                const std::vector<std::size_t>& known) {
  std::vector<negotiation::Profile> profiles;
  profiles.reserve(known.size());
  for (std::size_t s : known) profiles.push_back(*in.profiles[s]);
  return profiles;
}

Json Pairs(const AnalysisInput& in, const std::vector<std::size_t>& known) {
  Json pairs = Json::array();
  if (in.sides.size() == 2) {
    pairs.push_back(Json::array({0, 1}));
    return pairs;
  }
  const bool envoy = in.me && !in.mediator && in.profiles[*in.me];
  for (std::size_t a = 0; a < known.size(); ++a) {
    for (std::size_t b = a + 1; b < known.size(); ++b) {
      const std::size_t i = known[a];
      const std::size_t j = known[b];
      if (envoy && i != *in.me && j != *in.me) continue;
      if (envoy && j == *in.me) {
        pairs.push_back(Json::array({j, i}));
      } else {
        pairs.push_back(Json::array({i, j}));
      }
    }
  }
  return pairs;
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string EstimateWords(const AnalysisInput& in) {
  std::string estimated;
  for (std::size_t s = 0; s < in.sides.size(); ++s) {
    if (!in.profiles[s] || in.exact[s]) continue;
    estimated += (estimated.empty() ? "" : ", ") + in.sides[s] + " (from " +
                 std::to_string(in.offers_seen[s]) + " offer" +
                 (in.offers_seen[s] == 1 ? "" : "s") + ")";
  }
  if (estimated.empty()) {
    return "nothing is estimated: every utility shown comes from a profile held here";
  }
  return "the utilities of " + estimated +
         " are estimates: the frequency opponent model (HardHeaded, ANAC 2011) weighs an issue "
         "more the less that side moved on it, and an option more the more often it offered "
         "it; their walk-away points are unknown (taken as 0)";
}

Json Explain(const AnalysisInput& in) {
  return Json{
      {"frontier", "packages no one can improve for both sides"},
      {"nash",
       "the package that maximises the product of both sides' gains over their walk-away points"},
      {"kalai_smorodinsky",
       "the package that gives every side the same share of the most it could get above its "
       "walk-away point"},
      {"reservation", "a side's walk-away point: what no agreement is worth to it"},
      {"estimated", EstimateWords(in)}};
}

}  // namespace

Result<negotiation::PartialPackage> PartialOf(const negotiation::Domain& d,
                                              const PackageView& package) {
  negotiation::PartialPackage p(d.issues.size());
  for (const auto& [issue, option] : package) {
    auto i = d.IssueIndex(issue);
    if (!i) return InvalidArgument("package: the agenda has no issue '" + issue + "'");
    auto o = d.OptionIndex(*i, option);
    if (!o) {
      std::string why = "package: issue '";
      why.append(issue).append("' has no option '").append(option).append("'");
      return InvalidArgument(why);
    }
    p[*i] = static_cast<std::uint32_t>(*o);
  }
  return p;
}

Result<AnalysisInput> AnalysisInputOf(const talks::TalksState& st, std::string_view own_profile) {
  if (!st.initialized()) return FailedPrecondition("the talks have no agenda yet");
  const auto& neg = st.negotiation();
  AnalysisInput in;
  in.domain = st.domain();
  in.sides = neg.sides();
  const std::size_t n = in.sides.size();
  in.profiles.resize(n);
  in.exact.assign(n, false);
  in.offers_seen.assign(n, 0);
  in.mediator = st.me().role == talks::Role::kMediator;
  for (std::size_t s = 0; s < n; ++s) {
    if (!st.me().side.empty() && in.sides[s] == st.me().side) in.me = s;
  }
  for (const auto& m : neg.history()) {
    if (m.kind != negotiation::MoveKind::kPropose && m.kind != negotiation::MoveKind::kCounter) {
      continue;
    }
    in.offers.push_back(AnalysisOffer{m.id, m.side, std::string(negotiation::MoveKindName(m.kind)),
                                      CompletePackage(m.package), neg.IsWithdrawn(m.id)});
  }
  if (in.me && !own_profile.empty()) {
    BC_ASSIGN_OR_RETURN(auto p, negotiation::ParseProfile(in.domain, own_profile, "profile"));
    in.profiles[*in.me] = std::move(p);
    in.exact[*in.me] = true;
  }
  for (const auto& [side, text] : st.shared_profiles()) {
    for (std::size_t s = 0; s < n; ++s) {
      if (in.sides[s] != side || in.profiles[s]) continue;
      BC_ASSIGN_OR_RETURN(auto p, negotiation::ParseProfile(in.domain, text, side));
      in.profiles[s] = std::move(p);
      in.exact[s] = true;
    }
  }
  for (std::size_t s = 0; s < n; ++s) {
    if (in.profiles[s]) continue;
    std::vector<Package> offers;
    for (const auto& o : in.offers) {
      if (o.side == s && o.package) offers.push_back(*o.package);
    }
    if (offers.empty()) continue;  // no offers: nothing to estimate from
    BC_ASSIGN_OR_RETURN(auto est, negotiation::EstimateProfile(in.domain, offers));
    in.profiles[s] = std::move(est);
    in.offers_seen[s] = offers.size();
  }
  return in;
}

Result<Json> AnalysisJson(const AnalysisInput& in, std::size_t cap, ChartSolutionsMemo* memo) {
  if (cap < 1 || cap > kMaxAnalysisCap) {
    return InvalidArgument("cap must be 1.." + std::to_string(kMaxAnalysisCap));
  }
  const std::vector<std::size_t> known = Known(in);
  bool all_exact = true;
  for (std::size_t s : known) all_exact = all_exact && in.exact[s];
  Json j;
  j["title"] = all_exact ? "exact" : "estimated";
  j["explain"] = Explain(in);
  j["sides"] = in.sides;
  j["me"] = in.me ? Json(in.sides[*in.me]) : Json(nullptr);
  j["known"] = Json::array();
  j["exact"] = Json::array();
  j["reservations"] = Json::array();
  for (std::size_t s = 0; s < in.sides.size(); ++s) {
    j["known"].push_back(in.profiles[s].has_value());
    j["exact"].push_back(in.profiles[s].has_value() && in.exact[s]);
    if (in.profiles[s] && in.exact[s]) {
      j["reservations"].push_back(in.profiles[s]->reservation);
    } else {
      j["reservations"].push_back(nullptr);
    }
  }
  j["outcomes"] = in.domain.OutcomeCount();
  j["pairs"] = Pairs(in, known);
  bool sample_complete = false;
  j["sample"] = Sample(in, cap, &sample_complete);
  j["sample_complete"] = sample_complete;
  j["frontier"] = Json::array();
  j["frontier_complete"] = false;
  j["nash"] = nullptr;
  j["kalai_smorodinsky"] = nullptr;
  if (known.size() >= 2) {
    const auto profiles = KnownProfiles(in, known);
    BC_ASSIGN_OR_RETURN(auto solved, memo != nullptr ? memo->Get(in.domain, profiles)
                                                     : ComputeChartSolutions(in.domain, profiles));
    for (const auto& p : solved.frontier) j["frontier"].push_back(Point(in, p));
    j["frontier_complete"] = solved.frontier_complete;
    if (solved.nash) j["nash"] = Point(in, *solved.nash);
    if (solved.kalai_smorodinsky) j["kalai_smorodinsky"] = Point(in, *solved.kalai_smorodinsky);
  }
  j["offers"] = Json::array();
  for (const auto& o : in.offers) {
    j["offers"].push_back(
        Json{{"move", o.move},
             {"side", in.sides[o.side]},
             {"kind", o.kind},
             {"package", o.package ? PackageNames(in.domain, *o.package) : Json::object()},
             {"u", o.package ? Utilities(in, *o.package) : Json::array()},
             {"withdrawn", o.withdrawn}});
  }
  return j;
}

void PrepareAnalysis(const AnalysisInput& in, ChartSolutionsMemo& memo) {
  const std::vector<std::size_t> known = Known(in);
  if (known.size() >= 2) memo.Prepare(in.domain, KnownProfiles(in, known));
}

Result<Json> EvaluateJson(const AnalysisInput& in, const PackageView& package) {
  BC_ASSIGN_OR_RETURN(auto partial, PartialOf(in.domain, package));
  const auto full = CompletePackage(partial);
  std::string open;
  for (std::size_t i = 0; i < partial.size(); ++i) {
    if (!partial[i]) open += (open.empty() ? "" : ", ") + in.domain.issues[i].name;
  }
  Json j;
  j["complete"] = full.has_value();
  std::string words;
  if (in.me && in.profiles[*in.me] && in.exact[*in.me] && full) {
    const auto& own = *in.profiles[*in.me];
    const double u = own.Utility(*full);
    j["my_utility"] = u;
    words = "Worth " + Fixed(u) + " to you (" + in.sides[*in.me] + "), " +
            (u >= own.reservation ? "at or above" : "below") + " your walk-away point " +
            Fixed(own.reservation) + ".";
  } else {
    j["my_utility"] = nullptr;
    if (full && in.me) words = "Your side's profile is not held here.";
  }
  j["others"] = Json::array();
  for (std::size_t s = 0; s < in.sides.size(); ++s) {
    if (in.me && s == *in.me) continue;
    Json o{{"side", in.sides[s]}, {"utility", nullptr}, {"estimated", !in.exact[s]}};
    if (full && in.profiles[s]) {
      const double u = in.profiles[s]->Utility(*full);
      o["utility"] = u;
      words += std::string(words.empty() ? "" : " ") + in.sides[s] + ": " + Fixed(u) +
               (in.exact[s] ? " (its shared profile)." : " (estimated from its offers).");
    } else if (full) {
      words += std::string(words.empty() ? "" : " ") + in.sides[s] +
               ": unknown (no profile and no offers yet).";
    }
    j["others"].push_back(std::move(o));
  }
  if (!full) {
    const std::size_t n = std::count(open.begin(), open.end(), ',') + 1;
    words = "Incomplete: " + std::to_string(n) + " of " + std::to_string(partial.size()) +
            " issues still open (" + open + ").";
  }
  j["words"] = words;
  return j;
}

std::string AnalysisText(const Json& a) {
  const auto& sides = a["sides"];
  auto point = [&](const Json& p) {
    std::string u;
    for (std::size_t s = 0; s < sides.size(); ++s) {
      if (!u.empty()) u += ", ";
      u += sides[s].get<std::string>() + " " +
           (p["u"][s].is_null() ? std::string("?") : Fixed(p["u"][s].get<double>()));
    }
    std::string pkg;
    for (const auto& [k, v] : p["package"].items()) {
      pkg += (pkg.empty() ? "" : "; ") + k + " = " + v.get<std::string>();
    }
    return "(" + u + ")  " + pkg;
  };
  std::string out = "Analysis (" + a["title"].get<std::string>() + ") of " +
                    a["outcomes"].get<std::string>() + " outcomes.\n";
  out += "Estimates: " + a["explain"]["estimated"].get<std::string>() + ".\n";
  if (a["frontier"].empty()) {
    out += "Frontier: not computed (fewer than two sides' utilities are known).\n";
  } else {
    out += "Frontier (" + a["explain"]["frontier"].get<std::string>() +
           "): " + std::to_string(a["frontier"].size()) + " packages" +
           (a["frontier_complete"].get<bool>() ? "" : " (incomplete: over the engine's budget)") +
           ".\n";
    std::size_t shown = 0;
    for (const auto& p : a["frontier"]) {
      if (++shown > 10) {
        out += "  ... and " + std::to_string(a["frontier"].size() - 10) + " more\n";
        break;
      }
      out += "  " + point(p) + "\n";
    }
  }
  if (!a["nash"].is_null()) {
    out += "Nash (" + a["explain"]["nash"].get<std::string>() + "):\n  " + point(a["nash"]) + "\n";
  } else {
    out += "Nash: none (no package is worth at least the walk-away point to every side).\n";
  }
  if (!a["kalai_smorodinsky"].is_null()) {
    out += "Kalai-Smorodinsky (" + a["explain"]["kalai_smorodinsky"].get<std::string>() + "):\n  " +
           point(a["kalai_smorodinsky"]) + "\n";
  }
  return out;
}

}  // namespace backchannel::app
