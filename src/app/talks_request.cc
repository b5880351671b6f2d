// Decoding and validation of the talks operations of issue 18
// (request_fields.h; docs/app-api.md "Talks"). Kept apart from request.cc so
// each family of operations has its own decoder.
#include <cmath>
#include <variant>

#include "app/request_fields.h"
#include "backchannel/talks/message.h"

namespace backchannel::app {
namespace {

Status CheckSide(std::string_view field, const std::string& side) {
  return CheckName(field, side, true);
}

// A side that side_authorities binds must be one of the talks' sides.
Status CheckBoundSide(const std::vector<std::string>& sides, const std::string& side) {
  for (const auto& s : sides) {
    if (s == side) return {};
  }
  return InvalidArgument("side_authorities: '" + side.substr(0, kMaxNameSize) +
                         "' is not one of the sides");
}

// A utility-like number: finite, in [0, 1].
Status CheckUnit(std::string_view field, double v) {
  if (!std::isfinite(v) || v < 0 || v > 1) {
    return InvalidArgument(std::string(field) + " must be a number in [0, 1]");
  }
  return {};
}

Status CheckConditions(const std::vector<std::string>& conditions) {
  if (conditions.size() > kMaxConditions) {
    return InvalidArgument("at most " + std::to_string(kMaxConditions) + " conditions");
  }
  for (const auto& c : conditions) {
    BC_RETURN_IF_ERROR(CheckText("condition", c, true));
    const auto at = c.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == c.size()) {
      return InvalidArgument("condition '" + c.substr(0, kMaxNameSize) + "' is not TEXT@GUARANTOR");
    }
  }
  return {};
}

struct TalksValidator {
  Status operator()(const TalksCreateRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckText("title", r.title, true));
    BC_RETURN_IF_ERROR(CheckName("title", r.title, true));
    if (r.domain.empty()) return InvalidArgument("domain (the domain file's text) is required");
    if (r.domain.size() > kMaxDomainTextSize) {
      return InvalidArgument("domain is over " + std::to_string(kMaxDomainTextSize) + " bytes");
    }
    if (r.sides.size() < 2 || r.sides.size() > kMaxSides) {
      return InvalidArgument("sides: 2.." + std::to_string(kMaxSides) + " sides are required");
    }
    for (std::size_t i = 0; i < r.sides.size(); ++i) {
      BC_RETURN_IF_ERROR(CheckSide("side", r.sides[i]));
      for (std::size_t j = 0; j < i; ++j) {
        if (r.sides[i] == r.sides[j]) return InvalidArgument("side '" + r.sides[i] + "' twice");
      }
    }
    BC_RETURN_IF_ERROR(CheckText("rule", r.rule, false));
    for (const auto& [side, keys] : r.side_authorities) {
      BC_RETURN_IF_ERROR(CheckBoundSide(r.sides, side));
      if (keys.empty()) return InvalidArgument("side_authorities: " + side + " lists no key");
    }
    return {};
  }
  Status operator()(const TalksInviteRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckName("contact", r.contact, true));
    if (!talks::ParseRole(r.role)) {
      return InvalidArgument("role must be envoy, principal, mediator, guarantor or track2");
    }
    return {};
  }
  Status operator()(const TalksJoinRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckText("profile", r.profile, false));
    return CheckText("rule", r.rule, false);
  }
  Status operator()(const TalksAgendaRequest& r) const { return CheckTalks(r.talks, true); }
  Status operator()(const TalksProfileComposeRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    if (r.weights.empty()) return InvalidArgument("weights are required");
    for (const auto& [issue, w] : r.weights) {
      BC_RETURN_IF_ERROR(CheckName("weights issue", issue, true));
      if (!std::isfinite(w) || w < 0) return InvalidArgument("weights must be numbers >= 0");
    }
    for (const auto& [issue, row] : r.values) {
      BC_RETURN_IF_ERROR(CheckName("values issue", issue, true));
      for (const auto& [option, v] : row) {
        BC_RETURN_IF_ERROR(CheckName("values option", option, true));
        BC_RETURN_IF_ERROR(CheckUnit("values", v));
      }
    }
    return CheckUnit("reservation", r.reservation);
  }
  Status operator()(const TalksEvaluateRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    for (const auto& [issue, option] : r.package) {
      BC_RETURN_IF_ERROR(CheckName("package issue", issue, true));
      BC_RETURN_IF_ERROR(CheckName("package option", option, true));
    }
    return {};
  }
  Status operator()(const TalksShareRequest& r) const { return CheckTalks(r.talks, true); }
  Status operator()(const TalksSuggestRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    if (r.solution != "nash" && r.solution != "ks" && r.solution != "egalitarian" &&
        r.solution != "utilitarian") {
      return InvalidArgument("solution must be nash, ks, egalitarian or utilitarian");
    }
    BC_RETURN_IF_ERROR(CheckName("caucus", r.caucus, false));
    BC_RETURN_IF_ERROR(CheckConditions(r.conditions));
    return CheckText("note", r.note, false);
  }
  Status operator()(const TalksIdeaRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckPackage(r.package));
    return CheckText("note", r.note, false);
  }
  Status operator()(const TalksConditionRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckName("condition", r.condition, true));
    if (r.status != "met" && r.status != "failed") {
      return InvalidArgument("status must be met or failed");
    }
    return CheckText("note", r.note, false);
  }
  Status operator()(const TalksSuspendRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    return CheckText("reason", r.reason, false);
  }
  Status operator()(const TalksResumeRequest& r) const { return CheckTalks(r.talks, true); }
  Status operator()(const TalksAnalysisRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    if (r.cap < 1 || r.cap > kMaxAnalysisCap) {
      return InvalidArgument("cap must be 1.." + std::to_string(kMaxAnalysisCap));
    }
    return {};
  }
  Status operator()(const RecordVerifyRequest& r) const { return CheckTalks(r.talks, true); }
  Status operator()(const RecordExportRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    if (r.format != "md" && r.format != "json") return InvalidArgument("format must be md or json");
    return {};
  }
};

}  // namespace

bool ValidateTalksOp(const Request& request, Status* status) {
  bool ours = false;
  std::visit(
      [&](const auto& r) {
        if constexpr (std::is_invocable_r_v<Status, TalksValidator, decltype(r)>) {
          ours = true;
          *status = TalksValidator{}(r);
        }
      },
      request);
  return ours;
}

Result<Request> DecodeTalksOp(const std::string& op, Fields& f) {
  if (op == "talks.create") {
    TalksCreateRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("title", r.title));
    BC_RETURN_IF_ERROR(f.String("domain", r.domain));
    BC_RETURN_IF_ERROR(f.Strings("sides", r.sides));
    BC_RETURN_IF_ERROR(f.String("rule", r.rule));
    // The keys are decoded here, where they enter; a side that is not one
    // of the sides is named before its keys are read.
    std::map<std::string, std::vector<std::string>> bound;
    BC_RETURN_IF_ERROR(f.StringLists("side_authorities", bound));
    for (const auto& [side, texts] : bound) {
      BC_RETURN_IF_ERROR(CheckBoundSide(r.sides, side));
      auto& keys = r.side_authorities[side];
      for (const auto& text : texts) {
        auto key = ParseKeyText(text);
        if (!key) {
          return InvalidArgument("side_authorities: " + side.substr(0, kMaxNameSize) +
                                 ": not a 32-byte key (base64url or hex)");
        }
        keys.push_back(*key);
      }
    }
    return Request{r};
  }
  if (op == "talks.invite") {
    TalksInviteRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    BC_RETURN_IF_ERROR(f.String("role", r.role));
    return Request{r};
  }
  if (op == "talks.join") {
    TalksJoinRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("profile", r.profile));
    BC_RETURN_IF_ERROR(f.String("rule", r.rule));
    return Request{r};
  }
  if (op == "talks.agenda" || op == "talks.share" || op == "talks.resume" ||
      op == "record.verify") {
    std::string talks;
    BC_RETURN_IF_ERROR(f.String("talks", talks));
    if (op == "talks.agenda") return Request{TalksAgendaRequest{talks}};
    if (op == "talks.share") return Request{TalksShareRequest{talks}};
    if (op == "talks.resume") return Request{TalksResumeRequest{talks}};
    return Request{RecordVerifyRequest{talks}};
  }
  if (op == "talks.profile.compose") {
    TalksProfileComposeRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.Numbers("weights", r.weights));
    BC_RETURN_IF_ERROR(f.NumberTable("values", r.values));
    BC_RETURN_IF_ERROR(f.Number("reservation", r.reservation));
    return Request{r};
  }
  if (op == "talks.evaluate") {
    TalksEvaluateRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.Package("package", r.package));
    return Request{r};
  }
  if (op == "talks.suggest") {
    TalksSuggestRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("solution", r.solution));
    BC_RETURN_IF_ERROR(f.String("caucus", r.caucus));
    BC_RETURN_IF_ERROR(f.Strings("conditions", r.conditions));
    BC_RETURN_IF_ERROR(f.String("note", r.note));
    return Request{r};
  }
  if (op == "talks.idea") {
    TalksIdeaRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.Package("package", r.package));
    BC_RETURN_IF_ERROR(f.String("note", r.note));
    return Request{r};
  }
  if (op == "talks.condition") {
    TalksConditionRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("condition", r.condition));
    BC_RETURN_IF_ERROR(f.String("status", r.status));
    BC_RETURN_IF_ERROR(f.String("note", r.note));
    return Request{r};
  }
  if (op == "talks.suspend") {
    TalksSuspendRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("reason", r.reason));
    return Request{r};
  }
  if (op == "talks.analysis") {
    TalksAnalysisRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.Count("cap", r.cap));
    return Request{r};
  }
  if (op == "record.export") {
    RecordExportRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("format", r.format));
    return Request{r};
  }
  return NotFound("not a talks operation");
}

}  // namespace backchannel::app
