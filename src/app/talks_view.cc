// The talks view (talks_view.h): one walk over the state, the profile parsed
// once, then plain structs; JSON from the structs.
#include "backchannel/app/talks_view.h"

#include "app/complete_package.h"
#include "backchannel/negotiation/io.h"
#include "backchannel/negotiation/opponent_model.h"
#include "backchannel/talks/label.h"
#include "backchannel/talks/state.h"

namespace backchannel::app {
namespace {

using negotiation::MoveKind;

std::string Name(const talks::TalksState& st, const std::string& id) {
  const talks::Member* m = st.FindMember(id);
  return m ? m->name : "?";
}

// The complete package of a partial one, or nothing when an issue is open.
// Our private utility, when we hold a profile (parsed once per view).
struct OwnUtility {
  std::optional<negotiation::Profile> profile;
  std::optional<double> operator()(const negotiation::PartialPackage& p) const {
    if (!profile) return std::nullopt;
    auto full = CompletePackage(p);
    if (!full) return std::nullopt;
    return profile->Utility(*full);
  }
};

std::string PhaseWords(const talks::TalksState& st) {
  const auto& neg = st.negotiation();
  std::string words;
  if (neg.agreement()) {
    words = "agreed on #" + std::to_string(*neg.agreement());
    if (neg.phase() == negotiation::Phase::kRatified) words += ", ratified";
  } else if (neg.history().empty()) {
    words = "open, no offer yet";
  } else {
    const std::size_t moves = neg.history().size();
    words = "open, " + std::to_string(moves) + (moves == 1 ? " move" : " moves") + " so far";
  }
  if (st.suspension()) words += " (suspended)";
  return words;
}

void AddEstimates(const talks::TalksState& st, TalksView& v) {
  const auto& neg = st.negotiation();
  for (std::size_t s = 0; s < neg.sides().size(); ++s) {
    if (neg.sides()[s] == st.me().side) continue;
    std::vector<negotiation::Package> offers;
    for (const auto& m : neg.history()) {
      if (m.side != s || (m.kind != MoveKind::kPropose && m.kind != MoveKind::kCounter)) continue;
      if (auto full = CompletePackage(m.package)) offers.push_back(*full);
    }
    if (offers.empty()) continue;
    auto est = negotiation::EstimateProfile(st.domain(), offers);
    if (!est) continue;
    EstimateView e;
    e.offers_seen = offers.size();
    for (std::size_t i = 0; i < st.domain().issues.size(); ++i) {
      e.weights.emplace_back(st.domain().issues[i].name, est->weights[i]);
    }
    v.opponent_model.emplace_back(neg.sides()[s], std::move(e));
  }
}

MoveView MoveOf(const talks::TalksState& st, const negotiation::Move& m, const OwnUtility& own) {
  const auto& neg = st.negotiation();
  MoveView mv;
  mv.id = m.id;
  mv.kind = std::string(negotiation::MoveKindName(m.kind));
  mv.side = neg.sides()[m.side];
  auto info = st.move_info().find(m.id);
  if (info != st.move_info().end()) {
    mv.by = Name(st, info->second.actor);
    const talks::Member* actor = st.FindMember(info->second.actor);
    const talks::Label label = talks::LabelOf(actor != nullptr ? actor->role : talks::Role::kEnvoy,
                                              info->second.authority);
    mv.authority = std::string(talks::LabelKey(label));
    mv.label = std::string(talks::LabelText(label));
    mv.adopts = info->second.adopts;
    mv.conditions = info->second.conditions;
  }
  if (m.kind == MoveKind::kPropose || m.kind == MoveKind::kCounter) {
    mv.package = talks::DescribePackage(st.domain(), m.package);
    mv.withdrawn = neg.IsWithdrawn(m.id);
    for (std::size_t s = 0; s < neg.sides().size(); ++s) {
      if (neg.Supports(s, m.id)) mv.supported_by.push_back(neg.sides()[s]);
    }
    mv.my_utility = own(m.package);
  }
  mv.target = m.target;
  mv.reason = m.reason;
  return mv;
}

Json PackageJson(const PackageView& p) {
  Json j = Json::object();
  for (const auto& [k, v] : p) j[k] = v;
  return j;
}

}  // namespace

std::string PackageText(const PackageView& p) {
  std::string out;
  for (const auto& [k, v] : p) {
    if (!out.empty()) out += "; ";
    out += k;
    out += " = ";
    out += v;
  }
  return out;
}

TalksView BuildTalksView(const talks::TalksState& st, bool joined, std::string_view profile) {
  const auto& neg = st.negotiation();
  OwnUtility own;
  if (!profile.empty()) {
    if (auto p = negotiation::ParseProfile(st.domain(), profile, "profile")) {
      own.profile = std::move(*p);
    }
  }
  TalksView v;
  v.talks = st.talks();
  v.title = st.definition().title;
  v.joined = joined;
  v.sides = st.definition().sides;
  v.host = Name(st, st.definition().host);
  v.me = MemberView{st.me().name, std::string(talks::RoleName(st.me().role)), st.me().side};
  v.phase = std::string(negotiation::PhaseName(neg.phase()));
  v.phase_words = PhaseWords(st);
  v.last_event = st.last_seq();
  for (const auto& [id, m] : st.members()) {
    v.members.push_back(MemberView{m.name, std::string(talks::RoleName(m.role)), m.side});
  }
  if (!st.rule().empty()) v.clearance_rule = st.rule().ToString();
  if (st.suspension()) {
    v.suspension = SuspensionView{Name(st, st.suspension()->by), st.suspension()->side,
                                  st.suspension()->reason};
  }
  for (const auto& m : neg.history()) v.moves.push_back(MoveOf(st, m, own));
  if (neg.agreement()) {
    v.agreement = *neg.agreement();
    for (const auto& mv : v.moves) {
      if (mv.id == *neg.agreement()) v.agreed_package = mv.package;
    }
  }
  for (const auto& s : st.suggestions()) {
    SuggestionView sv{s.id, s.package, s.note, s.conditions, std::nullopt};
    if (auto p = talks::ResolvePackage(st.domain(), s.package)) sv.my_utility = own(*p);
    v.suggestions.push_back(std::move(sv));
  }
  for (const auto& i : st.ideas()) {
    const talks::Member* by = st.FindMember(i.by);
    const talks::Label label = talks::LabelOf(by != nullptr ? by->role : talks::Role::kTrack2,
                                              talks::Authority::kExploratory);
    IdeaView iv{i.id,
                Name(st, i.by),
                i.package,
                i.note,
                std::string(talks::LabelKey(label)),
                std::string(talks::LabelText(label)),
                std::nullopt};
    if (auto p = talks::ResolvePackage(st.domain(), i.package)) iv.my_utility = own(*p);
    v.ideas.push_back(std::move(iv));
  }
  for (const auto& c : st.conditions()) {
    v.conditions.push_back(ConditionView{c.id, c.spec.text, Name(st, c.spec.guarantor),
                                         std::string(talks::ConditionStatusName(c.status)),
                                         c.note});
  }
  for (const auto& d : st.drafts()) {
    auto out = st.DraftClearance(d);
    DraftView dv;
    dv.id = d.id;
    dv.by = Name(st, d.author);
    dv.move = std::string(negotiation::MoveKindName(d.action.move));
    dv.package = d.action.package;
    dv.revises = d.revises;
    dv.clearance = std::string(talks::ClearanceStateName(out.state));
    dv.waiting_for = out.waiting_for;
    dv.blocked_by = out.blocked_by;
    for (const auto& [who, verdict] : d.verdicts) {
      dv.verdicts[who] = VerdictView{verdict.approve, verdict.reason};
    }
    dv.tabled = d.tabled;
    v.drafts.push_back(std::move(dv));
  }
  for (const auto& f : st.floats()) {
    v.floated_in_caucus.push_back(FloatView{Name(st, f.from), f.side, f.package, f.note});
  }
  for (const auto& [mid, why] : st.refusals()) v.refused.push_back(why);
  v.awaiting_host = st.AwaitingHost().size();
  for (const auto& [side, p] : st.shared_profiles()) v.profiles_shared.push_back(side);
  // A side that shares nothing still models the others from their offers.
  v.is_envoy = st.me().role == talks::Role::kEnvoy;
  if (v.is_envoy) AddEstimates(st, v);
  return v;
}

Json TalksViewJson(const TalksView& v) {
  Json j{{"talks", v.talks},
         {"title", v.title},
         {"joined", v.joined},
         {"sides", v.sides},
         {"host", v.host},
         {"me", Json{{"name", v.me.name}, {"role", v.me.role}, {"side", v.me.side}}},
         {"phase", v.phase},
         {"phase_words", v.phase_words},
         {"last_event", v.last_event}};
  Json members = Json::array();
  for (const auto& m : v.members) {
    members.push_back(Json{{"name", m.name}, {"role", m.role}, {"side", m.side}});
  }
  j["members"] = members;
  if (!v.clearance_rule.empty()) j["clearance_rule"] = v.clearance_rule;
  j["suspended"] = v.suspension.has_value();
  if (v.suspension) {
    j["suspension"] = Json{
        {"by", v.suspension->by}, {"side", v.suspension->side}, {"reason", v.suspension->reason}};
  }
  Json moves = Json::array();
  for (const auto& m : v.moves) {
    Json mj{{"id", m.id}, {"kind", m.kind}, {"side", m.side}};
    if (m.by) mj["by"] = *m.by;
    if (m.authority) mj["authority"] = *m.authority;
    if (m.label) mj["label"] = *m.label;
    if (!m.adopts.empty()) mj["adopts"] = m.adopts;
    if (!m.conditions.empty()) mj["conditions"] = m.conditions;
    if (m.package) {
      mj["package"] = PackageJson(*m.package);
      mj["withdrawn"] = m.withdrawn;
      mj["supported_by"] = m.supported_by;
      if (m.my_utility) mj["my_utility"] = *m.my_utility;
    }
    if (m.target != 0) mj["target"] = m.target;
    if (!m.reason.empty()) mj["reason"] = m.reason;
    moves.push_back(mj);
  }
  j["moves"] = moves;
  if (v.agreement) j["agreement"] = *v.agreement;
  if (v.agreed_package) j["agreed_package"] = PackageJson(*v.agreed_package);
  Json sugg = Json::array();
  for (const auto& s : v.suggestions) {
    Json sj{{"id", s.id},
            {"package", PackageJson(s.package)},
            {"note", s.note},
            {"conditions", s.conditions}};
    if (s.my_utility) sj["my_utility"] = *s.my_utility;
    sugg.push_back(sj);
  }
  j["suggestions"] = sugg;
  Json ideas = Json::array();
  for (const auto& i : v.ideas) {
    Json ij{{"id", i.id},
            {"by", i.by},
            {"package", PackageJson(i.package)},
            {"note", i.note},
            {"authority", i.authority},
            {"label", i.label},
            {"binding", false}};
    if (i.my_utility) ij["my_utility"] = *i.my_utility;
    ideas.push_back(ij);
  }
  j["ideas"] = ideas;
  Json conds = Json::array();
  for (const auto& c : v.conditions) {
    conds.push_back(Json{{"id", c.id},
                         {"text", c.text},
                         {"guarantor", c.guarantor},
                         {"status", c.status},
                         {"note", c.note}});
  }
  j["conditions"] = conds;
  Json drafts = Json::array();
  for (const auto& d : v.drafts) {
    Json verdicts = Json::object();
    for (const auto& [who, vd] : d.verdicts) {
      verdicts[who] = Json{{"approve", vd.approve}, {"reason", vd.reason}};
    }
    drafts.push_back(Json{{"id", d.id},
                          {"by", d.by},
                          {"move", d.move},
                          {"package", PackageJson(d.package)},
                          {"revises", d.revises},
                          {"clearance", d.clearance},
                          {"waiting_for", d.waiting_for},
                          {"blocked_by", d.blocked_by},
                          {"verdicts", verdicts},
                          {"tabled", d.tabled}});
  }
  j["drafts"] = drafts;
  Json floats = Json::array();
  for (const auto& f : v.floated_in_caucus) {
    floats.push_back(Json{
        {"from", f.from}, {"side", f.side}, {"package", PackageJson(f.package)}, {"note", f.note}});
  }
  j["floated_in_caucus"] = floats;
  j["refused"] = v.refused;
  j["awaiting_host"] = v.awaiting_host;
  Json pending = Json::array();
  for (const auto& p : v.pending_introductions) {
    pending.push_back({{"name", p.name},
                       {"side", p.side},
                       {"role", p.role},
                       {"authority_key", p.authority_key},
                       {"authority_side", p.authority_side},
                       {"reason", p.reason},
                       {"command", p.command}});
  }
  j["pending_introductions"] = std::move(pending);
  j["profiles_shared"] = v.profiles_shared;
  if (v.is_envoy) {
    Json estimates = Json::object();
    for (const auto& [side, e] : v.opponent_model) {
      Json w = Json::object();
      for (const auto& [issue, weight] : e.weights) w[issue] = weight;
      estimates[side] = Json{{"offers_seen", e.offers_seen}, {"estimated_weights", w}};
    }
    j["opponent_model"] = estimates;
  }
  j["timeline"] = TimelineJson(v.timeline);
  return j;
}

}  // namespace backchannel::app
