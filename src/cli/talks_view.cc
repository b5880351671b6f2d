// The talks status view (talks_view.h).
#include "cli/talks_view.h"

#include <cstdio>

#include "backchannel/negotiation/io.h"
#include "backchannel/negotiation/opponent_model.h"

namespace backchannel::cli {
namespace {

using Json = nlohmann::ordered_json;
using negotiation::MoveKind;

std::string Name(const talks::TalksState& st, const std::string& id) {
  const talks::Member* m = st.FindMember(id);
  return m ? m->name : "?";
}

Json PackageJson(const talks::PackageSpec& p) {
  Json j = Json::object();
  for (const auto& [k, v] : p) j[k] = v;
  return j;
}

std::string PackageText(const talks::PackageSpec& p) {
  std::string out;
  for (const auto& [k, v] : p) out += (out.empty() ? "" : "; ") + k + " = " + v;
  return out;
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// Our private utility of a complete package, when we hold a profile.
std::optional<double> OwnUtility(const talks::TalksState& st, const talks_client::TalksMeta& meta,
                                 const negotiation::PartialPackage& p) {
  if (meta.profile.empty()) return std::nullopt;
  for (const auto& o : p) {
    if (!o) return std::nullopt;
  }
  auto profile = negotiation::ParseProfile(st.domain(), meta.profile, "profile");
  if (!profile) return std::nullopt;
  negotiation::Package full;
  for (const auto& o : p) full.push_back(*o);
  return profile->Utility(full);
}

}  // namespace

Json TalksStatusJson(const talks::TalksState& st, const talks_client::TalksMeta& meta) {
  const auto& neg = st.negotiation();
  Json j{{"talks", st.talks()},
         {"title", st.definition().title},
         {"joined", meta.joined},
         {"sides", st.definition().sides},
         {"host", Name(st, st.definition().host)},
         {"me", Json{{"name", st.me().name},
                     {"role", std::string(talks::RoleName(st.me().role))},
                     {"side", st.me().side}}},
         {"phase", std::string(negotiation::PhaseName(neg.phase()))},
         {"last_event", st.last_seq()}};
  Json members = Json::array();
  for (const auto& [id, m] : st.members()) {
    members.push_back(
        Json{{"name", m.name}, {"role", std::string(talks::RoleName(m.role))}, {"side", m.side}});
  }
  j["members"] = members;
  if (!st.rule().empty()) j["clearance_rule"] = st.rule().ToString();
  j["suspended"] = st.suspension().has_value();
  if (st.suspension()) {
    j["suspension"] = Json{{"by", Name(st, st.suspension()->by)},
                           {"side", st.suspension()->side},
                           {"reason", st.suspension()->reason}};
  }
  Json moves = Json::array();
  for (const auto& m : neg.history()) {
    Json mj{{"id", m.id},
            {"kind", std::string(negotiation::MoveKindName(m.kind))},
            {"side", neg.sides()[m.side]}};
    auto info = st.move_info().find(m.id);
    if (info != st.move_info().end()) {
      mj["by"] = Name(st, info->second.actor);
      mj["authority"] = std::string(talks::AuthorityName(info->second.authority));
      if (!info->second.adopts.empty()) mj["adopts"] = info->second.adopts;
      if (!info->second.conditions.empty()) mj["conditions"] = info->second.conditions;
    }
    if (m.kind == MoveKind::kPropose || m.kind == MoveKind::kCounter) {
      mj["package"] = PackageJson(talks::DescribePackage(st.domain(), m.package));
      mj["withdrawn"] = neg.IsWithdrawn(m.id);
      Json support = Json::array();
      for (std::size_t s = 0; s < neg.sides().size(); ++s) {
        if (neg.Supports(s, m.id)) support.push_back(neg.sides()[s]);
      }
      mj["supported_by"] = support;
      if (auto u = OwnUtility(st, meta, m.package)) mj["my_utility"] = *u;
    }
    if (m.target != 0) mj["target"] = m.target;
    if (!m.reason.empty()) mj["reason"] = m.reason;
    moves.push_back(mj);
  }
  j["moves"] = moves;
  if (neg.agreement()) j["agreement"] = *neg.agreement();
  Json sugg = Json::array();
  for (const auto& s : st.suggestions()) {
    Json sj{{"id", s.id},
            {"package", PackageJson(s.package)},
            {"note", s.note},
            {"conditions", s.conditions}};
    if (auto p = talks::ResolvePackage(st.domain(), s.package)) {
      if (auto u = OwnUtility(st, meta, *p)) sj["my_utility"] = *u;
    }
    sugg.push_back(sj);
  }
  j["suggestions"] = sugg;
  Json conds = Json::array();
  for (const auto& c : st.conditions()) {
    conds.push_back(Json{{"id", c.id},
                         {"text", c.spec.text},
                         {"guarantor", Name(st, c.spec.guarantor)},
                         {"status", std::string(talks::ConditionStatusName(c.status))},
                         {"note", c.note}});
  }
  j["conditions"] = conds;
  Json drafts = Json::array();
  for (const auto& d : st.drafts()) {
    auto out = st.DraftClearance(d);
    Json verdicts = Json::object();
    for (const auto& [who, v] : d.verdicts) {
      verdicts[who] = Json{{"approve", v.approve}, {"reason", v.reason}};
    }
    drafts.push_back(Json{{"id", d.id},
                          {"by", Name(st, d.author)},
                          {"move", std::string(negotiation::MoveKindName(d.action.move))},
                          {"package", PackageJson(d.action.package)},
                          {"revises", d.revises},
                          {"clearance", std::string(talks::ClearanceStateName(out.state))},
                          {"waiting_for", out.waiting_for},
                          {"blocked_by", out.blocked_by},
                          {"verdicts", verdicts},
                          {"tabled", d.tabled}});
  }
  j["drafts"] = drafts;
  Json floats = Json::array();
  for (const auto& f : st.floats()) {
    floats.push_back(Json{{"from", Name(st, f.from)},
                          {"side", f.side},
                          {"package", PackageJson(f.package)},
                          {"note", f.note}});
  }
  j["floated_in_caucus"] = floats;
  Json refusals = Json::array();
  for (const auto& [mid, why] : st.refusals()) refusals.push_back(why);
  j["refused"] = refusals;
  j["awaiting_host"] = st.AwaitingHost().size();
  Json shared = Json::array();
  for (const auto& [side, p] : st.shared_profiles()) shared.push_back(side);
  j["profiles_shared"] = shared;
  // A side that shares nothing still models the others from their offers.
  if (st.me().role == talks::Role::kEnvoy) {
    Json estimates = Json::object();
    for (std::size_t s = 0; s < neg.sides().size(); ++s) {
      if (neg.sides()[s] == st.me().side) continue;
      std::vector<negotiation::Package> offers;
      for (const auto& m : neg.history()) {
        if (m.side != s || (m.kind != MoveKind::kPropose && m.kind != MoveKind::kCounter)) continue;
        negotiation::Package full;
        bool complete = true;
        for (const auto& o : m.package) {
          complete = complete && o.has_value();
          if (o) full.push_back(*o);
        }
        if (complete) offers.push_back(full);
      }
      if (offers.empty()) continue;
      auto est = negotiation::EstimateProfile(st.domain(), offers);
      if (!est) continue;
      Json w = Json::object();
      for (std::size_t i = 0; i < st.domain().issues.size(); ++i) {
        w[st.domain().issues[i].name] = est->weights[i];
      }
      estimates[neg.sides()[s]] = Json{{"offers_seen", offers.size()}, {"estimated_weights", w}};
    }
    j["opponent_model"] = estimates;
  }
  return j;
}

std::string TalksStatusText(const talks::TalksState& st, const talks_client::TalksMeta& meta) {
  Json j = TalksStatusJson(st, meta);
  std::string out;
  out += "Talks '" + st.talks() + "': " + st.definition().title + "\n";
  out += "  you: " + st.me().name + " (" + std::string(talks::RoleName(st.me().role)) +
         (st.me().side.empty() ? "" : " of " + st.me().side) + ")" +
         (meta.joined ? "" : " — invited, not joined") + "; host: " + j["host"].get<std::string>() +
         "\n";
  out += "  phase: " + j["phase"].get<std::string>();
  if (st.suspension()) {
    out += " — SUSPENDED by " + j["suspension"]["by"].get<std::string>() +
           (st.suspension()->reason.empty() ? "" : ": " + st.suspension()->reason);
  }
  out += "\n";
  if (!st.rule().empty()) out += "  clearance rule: " + st.rule().ToString() + "\n";
  for (const auto& m : j["moves"]) {
    out += "  #" + std::to_string(m["id"].get<std::uint64_t>()) + " " +
           m["side"].get<std::string>() + " " + m["kind"].get<std::string>();
    if (m.contains("authority")) out += " [" + m["authority"].get<std::string>() + "]";
    if (m.contains("target")) out += " #" + std::to_string(m["target"].get<std::uint64_t>());
    if (m.contains("package")) {
      talks::PackageSpec p;
      for (const auto& [k, v] : m["package"].items()) p[k] = v.get<std::string>();
      out += " {" + PackageText(p) + "}";
      if (m["withdrawn"].get<bool>()) out += " (withdrawn)";
      if (m.contains("my_utility")) out += " u(me)=" + Fixed(m["my_utility"].get<double>());
    }
    if (m.contains("adopts")) out += " adopting " + m["adopts"].get<std::string>();
    if (m.contains("reason")) out += ": " + m["reason"].get<std::string>();
    out += "\n";
  }
  for (const auto& s : st.suggestions()) {
    out += "  suggestion " + s.id + ": {" + PackageText(s.package) + "}\n";
  }
  for (const auto& c : st.conditions()) {
    out += "  condition " + c.id + ": " + c.spec.text + " — guarantor " +
           Name(st, c.spec.guarantor) + ": " + std::string(talks::ConditionStatusName(c.status)) +
           "\n";
  }
  for (const auto& d : j["drafts"]) {
    out += "  draft " + d["id"].get<std::string>() + " (" + d["move"].get<std::string>() + ") " +
           d["clearance"].get<std::string>();
    if (!d["blocked_by"].empty()) {
      out += " — blocked by";
      for (const auto& b : d["blocked_by"]) {
        out += " " + b.get<std::string>() + " (\"" +
               d["verdicts"][b.get<std::string>()]["reason"].get<std::string>() + "\")";
      }
    }
    if (!d["waiting_for"].empty()) {
      out += " — waiting for";
      for (const auto& w : d["waiting_for"]) out += " " + w.get<std::string>();
    }
    if (d["tabled"].get<bool>()) out += " — tabled";
    out += "\n";
  }
  for (const auto& r : j["refused"]) out += "  refused by the host: " + r.get<std::string>() + "\n";
  if (!j["profiles_shared"].empty()) {
    out += "  profiles shared with the mediator:";
    for (const auto& s : j["profiles_shared"]) out += " " + s.get<std::string>();
    out += "\n";
  }
  if (j.contains("opponent_model")) {
    for (const auto& [side, e] : j["opponent_model"].items()) {
      out += "  estimate of " + side + "'s priorities (from " +
             std::to_string(e["offers_seen"].get<std::size_t>()) + " offers):";
      for (const auto& [issue, w] : e["estimated_weights"].items()) {
        out += " " + issue + "=" + Fixed(w.get<double>());
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace backchannel::cli
