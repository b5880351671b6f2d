// The feeler operations (feeler_ops.h): feeler.send, feeler.status and
// feeler.forget on FeelerService, and their JSON.
#include "backchannel/app/feeler_ops.h"

#include <utility>

#include "backchannel/app/error.h"

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
    out.budget_per_day = svc.policy().per_window;
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

}  // namespace

bool IsFeelerRequest(const Request& request) {
  return std::holds_alternative<FeelerSendRequest>(request) ||
         std::holds_alternative<FeelerStatusRequest>(request) ||
         std::holds_alternative<FeelerForgetRequest>(request) ||
         std::holds_alternative<FeelerOverlapRequest>(request);
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
