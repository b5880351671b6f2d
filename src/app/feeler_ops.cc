// The feeler operations (feeler_ops.h): feeler.send, feeler.status and
// feeler.forget on FeelerService, and their JSON.
#include "backchannel/app/feeler_ops.h"

#include <set>
#include <utility>

#include "backchannel/app/error.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/feelers/topic.h"
#include "backchannel/negotiation/io.h"

namespace backchannel::app {
namespace {

using feelers_client::FeelerReport;
using feelers_client::FeelerService;

void Append(FeelerReport& into, FeelerReport&& from) {
  for (auto& e : from.events) into.events.push_back(std::move(e));
  for (auto& r : from.refused) into.refused.push_back(std::move(r));
  into.queued = from.queued;
}

struct FeelerRunner {
  FeelerService& svc;
  FeelerOutcome& out;

  Status operator()(const FeelerSendRequest& r) const {
    BC_ASSIGN_OR_RETURN(auto sent, svc.Send(r.contact, r.topics, r.k, r.agenda));
    Append(out.report, std::move(sent));
    BC_ASSIGN_OR_RETURN(auto views, svc.List(r.contact));
    // Send started or answered the contact's newest exchange.
    if (!views.empty()) out.feeler = views.back();
    return Status::Ok();
  }
  Status operator()(const FeelerStatusRequest& r) const {
    std::optional<std::string> only;
    if (!r.contact.empty()) only = r.contact;
    BC_ASSIGN_OR_RETURN(out.feelers, svc.List(only));
    BC_ASSIGN_OR_RETURN(auto policy, svc.Policy());
    out.budget_per_day = policy.per_window;
    if (only) {
      BC_ASSIGN_OR_RETURN(auto left, svc.Remaining(*only));
      out.budget_left = left;
    }
    return Status::Ok();
  }
  Status operator()(const FeelerForgetRequest& r) const {
    if (!r.id.empty()) {
      BC_RETURN_IF_ERROR(svc.Forget(r.id));
      out.forgotten = r.id;
      return Status::Ok();
    }
    // Every exchange with the contact, history included: results are local
    // and deletable (docs/feelers.md).
    BC_ASSIGN_OR_RETURN(auto views, svc.List(r.contact));
    out.forgotten_ids.emplace();
    for (const auto& v : views) {
      BC_RETURN_IF_ERROR(svc.Forget(v.id));
      out.forgotten_ids->push_back(v.id);
    }
    return Status::Ok();
  }
  Status operator()(const FeelerBudgetRequest& r) const {
    if (r.per_day) BC_RETURN_IF_ERROR(svc.SetBudgetPerDay(static_cast<std::uint32_t>(*r.per_day)));
    BC_ASSIGN_OR_RETURN(auto policy, svc.Policy());
    out.budget_per_day = policy.per_window;
    out.budget_set = true;
    return Status::Ok();
  }
  Status operator()(const FeelerOverlapRequest& r) const {
    feelers::OverlapLabel label;
    label.label = r.label;
    label.unit = r.unit;
    label.width = static_cast<std::uint8_t>(r.width);  // validated: 1..32
    const auto side = r.at_least ? feelers::OverlapSide::kAtLeast : feelers::OverlapSide::kAtMost;
    BC_ASSIGN_OR_RETURN(auto sent,
                        svc.Overlap(r.contact, label, side, r.at_least ? *r.at_least : *r.at_most));
    Append(out.report, std::move(sent));
    BC_ASSIGN_OR_RETURN(auto views, svc.List(r.contact));
    // The newest overlap exchange with the contact is the one just made.
    for (auto it = views.rbegin(); it != views.rend(); ++it) {
      if (it->kind == "overlap" && it->phase != "incoming") {
        out.feeler = *it;
        break;
      }
    }
    return Status::Ok();
  }
  template <typename Other>
  Status operator()(const Other&) const {
    return InvalidArgument("not a feeler request");
  }
};

// ---- inside talks ----

// The member `to` (a name as seated, or a member id) of the talks, as our
// contact's name: the feeler travels over our pairwise channel with them.
Result<std::string> TalksMemberContact(FeelerService& svc, const talks::TalksState& state,
                                       const std::string& to) {
  const talks::Member* m = state.FindMemberByName(to);
  if (m == nullptr) m = state.FindMember(to);
  if (m == nullptr) return NotFound("no member '" + to + "' in talks " + state.talks());
  if (m->id == state.self()) {
    return InvalidArgument("'" + to + "' is you: a feeler is with another member");
  }
  // talks_client::MemberId: "05" and the identity key's hex.
  auto key = talks_client::MemberKey(m->id);
  if (!key) return Internal("member id '" + m->id + "' is not an identity key");
  auto name = svc.ContactName(*key);
  if (!name) {
    return FailedPrecondition(m->name + " is a member of talks " + state.talks() +
                              " but not a contact of yours (no channel to them yet)");
  }
  return std::move(*name);
}

// The joined talks `id` (a feeler inside talks needs our consent to them).
Result<talks::TalksState> JoinedTalks(talks_client::TalksService& talks, const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto meta, talks.Meta(id));
  if (!meta.joined) return FailedPrecondition("join talks " + id + " first (talks join)");
  BC_ASSIGN_OR_RETURN(auto state, talks.State(id));
  if (!state.initialized()) return FailedPrecondition("talks " + id + " have no agenda yet");
  return state;
}

// An agenda id of these talks: "issue" or "issue:option" naming them.
bool NamesAgendaItem(const negotiation::Domain& domain, const std::string& topic) {
  if (!feelers::AgendaTopic(topic)) return false;  // not spelled as an agenda id
  const auto colon = topic.find(':');
  auto issue = domain.IssueIndex(topic.substr(0, colon));
  if (!issue) return false;
  return colon == std::string::npos || domain.OptionIndex(*issue, topic.substr(colon + 1)).ok();
}

// "issue=option, ..." in agenda order.
std::string ZonePackageText(const negotiation::Domain& domain, const negotiation::Package& p) {
  std::string out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    out += (i == 0 ? "" : ", ") + domain.issues[i].name + "=" + domain.issues[i].options[p[i]];
  }
  return out;
}

Result<negotiation::Package> CompleteZonePackage(const negotiation::Domain& domain,
                                                 const std::string& text) {
  BC_ASSIGN_OR_RETURN(PackageView spec, ParsePackageText(text));
  BC_ASSIGN_OR_RETURN(auto partial, talks::ResolvePackage(domain, spec));
  negotiation::Package out;
  for (std::size_t i = 0; i < partial.size(); ++i) {
    if (!partial[i]) {
      return InvalidArgument("leaves issue '" + domain.issues[i].name +
                             "' open: a candidate is a complete package");
    }
    out.push_back(*partial[i]);
  }
  return out;
}

Status RunTalksFeelerOp(FeelerService& svc, talks_client::TalksService& talks,
                        const TalksFeelerRequest& r, FeelerOutcome& out) {
  BC_ASSIGN_OR_RETURN(auto state, JoinedTalks(talks, r.talks));
  BC_ASSIGN_OR_RETURN(std::string contact, TalksMemberContact(svc, state, r.to));
  // Both sides classify with the same agenda, so a topic naming an agenda
  // item is that item on both (kind byte 2), anything else free text.
  std::vector<std::string> free_text, agenda;
  for (const auto& t : r.topics)
    (NamesAgendaItem(state.domain(), t) ? agenda : free_text).push_back(t);
  BC_ASSIGN_OR_RETURN(auto sent, svc.Send(contact, free_text, r.k, agenda, r.talks));
  Append(out.report, std::move(sent));
  BC_ASSIGN_OR_RETURN(auto views, svc.List(contact));
  for (auto it = views.rbegin(); it != views.rend(); ++it) {
    if (it->kind == "feeler" && it->talks == r.talks) {
      out.feeler = *it;
      break;
    }
  }
  return Status::Ok();
}

Status RunTalksZoneOp(FeelerService& svc, talks_client::TalksService& talks,
                      const TalksZoneRequest& r, FeelerOutcome& out) {
  BC_ASSIGN_OR_RETURN(auto state, JoinedTalks(talks, r.talks));
  BC_ASSIGN_OR_RETURN(std::string contact, TalksMemberContact(svc, state, r.to));
  const negotiation::Domain& domain = state.domain();
  BC_ASSIGN_OR_RETURN(auto meta, talks.Meta(r.talks));
  if (meta.profile.empty()) {
    return FailedPrecondition("you hold no private profile for talks " + r.talks +
                              ": a zone check needs your reservation (talks join --profile, or "
                              "talks profile compose)");
  }
  BC_ASSIGN_OR_RETURN(auto profile,
                      negotiation::ParseProfile(domain, meta.profile, "your profile"));
  std::vector<std::string> texts = r.candidates;
  if (texts.empty()) {
    BC_ASSIGN_OR_RETURN(texts, DefaultZoneCandidates(state));
  }
  feelers_client::ZoneCheck check;
  check.talks = r.talks;
  check.list = r.list;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto package = CompleteZonePackage(domain, texts[i]);
    if (!package) {
      return InvalidArgument("candidates: #" + std::to_string(i + 1) + " (" + texts[i] +
                             "): " + std::string(package.error().message()));
    }
    // The same text on both sides whatever the order its issues were typed in.
    const std::string text = ZonePackageText(domain, *package);
    if (!seen.insert(text).second) {
      return InvalidArgument("candidates: #" + std::to_string(i + 1) + " repeats an earlier one");
    }
    const std::string id = "c" + std::to_string(i + 1);
    check.candidates.push_back({id, text});
    if (profile.Utility(*package) >= profile.reservation) check.acceptable.push_back(id);
  }
  BC_ASSIGN_OR_RETURN(auto sent, svc.Zone(contact, check));
  Append(out.report, std::move(sent));
  BC_ASSIGN_OR_RETURN(auto views, svc.List(contact));
  for (auto it = views.rbegin(); it != views.rend(); ++it) {
    if (it->kind == "zone" && it->phase != "incoming" && it->talks == r.talks) {
      out.feeler = *it;
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> DefaultZoneCandidates(const talks::TalksState& state) {
  const negotiation::Domain& domain = state.domain();
  std::size_t count = 1;
  for (const auto& issue : domain.issues) {
    count *= issue.size();
    if (count > kMaxZoneCandidates) break;
  }
  std::vector<std::string> out;
  if (count <= kMaxZoneCandidates) {
    // Every complete package, the first issue varying slowest.
    negotiation::Package p(domain.issues.size(), 0);
    for (std::size_t n = 0; n < count; ++n) {
      out.push_back(ZonePackageText(domain, p));
      for (std::size_t i = p.size(); i-- > 0;) {
        if (++p[i] < domain.issues[i].size()) break;
        p[i] = 0;
      }
    }
    return out;
  }
  // The mediator's single texts (plenary: every member holds the same
  // ones, in the record's order), without repeats, the latest 100.
  std::set<std::string> seen;
  for (const auto& s : state.suggestions()) {
    auto package = talks::ResolvePackage(domain, s.package);
    if (!package) continue;
    negotiation::Package p;
    for (const auto& o : *package) p.push_back(o.value_or(0));
    std::string text = ZonePackageText(domain, p);
    if (seen.insert(text).second) out.push_back(std::move(text));
  }
  if (out.size() > kMaxZoneCandidates) out.erase(out.begin(), out.end() - kMaxZoneCandidates);
  if (out.empty()) {
    return FailedPrecondition("no default candidate list: the agenda has " + domain.OutcomeCount() +
                              " packages (over 100) and the mediator has suggested none; pass "
                              "--candidates FILE (at most 100 packages both sides agreed)");
  }
  return out;
}

bool IsTalksFeelerRequest(const Request& request) {
  return std::holds_alternative<TalksFeelerRequest>(request) ||
         std::holds_alternative<TalksZoneRequest>(request);
}

Result<FeelerOutcome> RunTalksFeeler(FeelerService& feelers, talks_client::TalksService& talks,
                                     const Request& request) {
  if (!IsTalksFeelerRequest(request)) return InvalidArgument("not a talks feeler request");
  BC_RETURN_IF_ERROR(ValidateRequest(request));
  BC_ASSIGN_OR_RETURN(FeelerReport synced, feelers.Sync());
  FeelerOutcome out;
  out.report = std::move(synced);
  if (const auto* r = std::get_if<TalksFeelerRequest>(&request)) {
    out.status = RunTalksFeelerOp(feelers, talks, *r, out);
  } else {
    out.status = RunTalksZoneOp(feelers, talks, std::get<TalksZoneRequest>(request), out);
  }
  return out;
}

Result<Json> ExecuteTalksFeeler(FeelerService* feelers, talks_client::TalksService& talks,
                                const Request& request) {
  if (feelers == nullptr) {
    return FailedPrecondition("feelers are not open in this face (no FeelerService)");
  }
  BC_ASSIGN_OR_RETURN(FeelerOutcome out, RunTalksFeeler(*feelers, talks, request));
  if (!out.status.ok()) return out.status;
  return ToJson(out);
}

bool IsFeelerRequest(const Request& request) {
  return std::holds_alternative<FeelerSendRequest>(request) ||
         std::holds_alternative<FeelerStatusRequest>(request) ||
         std::holds_alternative<FeelerForgetRequest>(request) ||
         std::holds_alternative<FeelerOverlapRequest>(request) ||
         std::holds_alternative<FeelerBudgetRequest>(request);
}

Result<FeelerOutcome> RunFeeler(FeelerService& feelers, const Request& request) {
  if (!IsFeelerRequest(request)) return InvalidArgument("not a feeler request");
  BC_RETURN_IF_ERROR(ValidateRequest(request));
  BC_ASSIGN_OR_RETURN(FeelerReport synced, feelers.Sync());
  FeelerOutcome out;
  out.report = std::move(synced);
  out.status = std::visit(FeelerRunner{feelers, out}, request);
  return out;
}

Json ToJson(const feelers_client::FeelerView& v) {
  Json j{{"id", v.id},        {"contact", v.contact},       {"kind", v.kind},
         {"phase", v.phase},  {"created_at", v.created_at}, {"expires_at", v.expires_at},
         {"k", v.k},          {"topics", v.topics},         {"matched", v.matched},
         {"notice", v.notice}};
  // An incoming check not answered yet has none of ours to show.
  if (v.kind == "overlap" && !v.side.empty()) {
    j["overlap_check"] = Json{{"label", v.label}, {"unit", v.unit},   {"width", v.width},
                              {"side", v.side},   {"value", v.value}, {"overlap", v.overlap}};
  }
  if (!v.talks.empty()) j["talks"] = v.talks;
  if (v.kind == "zone") {
    // An incoming check shows only what it asks for (list or count).
    j["zone_check"] = Json{{"list", v.list}};
    if (v.phase != "incoming") {
      j["zone_check"]["candidates"] = v.candidates;
      j["zone_check"]["accepted"] = v.accepted;
    }
    if (v.zone_count) j["zone_check"]["count"] = *v.zone_count;
  }
  return j;
}

Json ToJson(const FeelerOutcome& o) {
  Json j{{"events", o.report.events}, {"refused", Json::array()}, {"queued", o.report.queued}};
  for (const auto& s : o.report.refused) {
    const Error e = ErrorFrom(s);
    j["refused"].push_back(Json{{"code", e.code}, {"message", e.message}});
  }
  Json result = Json::object();
  if (o.feeler) result["feeler"] = ToJson(*o.feeler);
  if (o.feelers) {
    result["feelers"] = Json::array();
    for (const auto& v : *o.feelers) result["feelers"].push_back(ToJson(v));
    result["budget_per_day"] = o.budget_per_day;
    if (o.budget_left) result["budget_left"] = *o.budget_left;
  }
  if (o.budget_set) result["budget_per_day"] = o.budget_per_day;
  if (o.forgotten) result["forgotten"] = *o.forgotten;
  if (o.forgotten_ids) result["forgotten_ids"] = *o.forgotten_ids;
  j["result"] = result;
  return j;
}

Result<Json> ExecuteFeeler(FeelerService* feelers, const Request& request) {
  if (feelers == nullptr) {
    return FailedPrecondition("feelers are not open in this face (no FeelerService)");
  }
  BC_ASSIGN_OR_RETURN(FeelerOutcome out, RunFeeler(*feelers, request));
  if (!out.status.ok()) return out.status;
  return ToJson(out);
}

}  // namespace backchannel::app
