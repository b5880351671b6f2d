// Request decoding and validation (request.h).
#include "backchannel/app/request.h"

#include <optional>
#include <set>
#include <vector>

#include "app/request_fields.h"
#include "backchannel/app/json.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/feelers/topic.h"
#include "backchannel/feelers_client/service.h"
#include "backchannel/identity/credential.h"

namespace backchannel::app {

// The field checks every request's validator shares (request_fields.h).

// Bytes a name may not hold: C0 controls and DEL (terminal and log safety).
bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Status CheckName(std::string_view field, const std::string& v, bool required) {
  if (v.empty()) {
    if (required) return InvalidArgument(std::string(field) + " is required");
    return {};
  }
  if (v.size() > kMaxNameSize || HasControl(v)) {
    return InvalidArgument(std::string(field) + " must be 1.." + std::to_string(kMaxNameSize) +
                           " bytes without control characters");
  }
  return {};
}

Status CheckTalks(const std::string& id, bool required) {
  if (id.empty() && !required) return {};
  if (id.empty() || id.size() > kMaxTalksIdSize || id.find('/') != std::string::npos ||
      HasControl(id)) {
    return InvalidArgument("talks must be 1..64 characters without '/' or control characters");
  }
  return {};
}

Status CheckText(std::string_view field, const std::string& v, bool required) {
  if (required && v.empty()) return InvalidArgument(std::string(field) + " is required");
  if (v.size() > kMaxTextSize) {
    return InvalidArgument(std::string(field) + " is over " + std::to_string(kMaxTextSize) +
                           " bytes");
  }
  return {};
}

Status CheckPackage(const PackageView& p) {
  if (p.empty()) return InvalidArgument("package is required for this move");
  for (const auto& [issue, option] : p) {
    BC_RETURN_IF_ERROR(CheckName("package issue", issue, true));
    BC_RETURN_IF_ERROR(CheckName("package option", option, true));
  }
  return {};
}

namespace {

// A pasted code (invitation, credential): required, bounded, one line of
// printable ASCII (both are base64url behind a short prefix).
Status CheckCode(std::string_view field, const std::string& v) {
  if (v.empty()) return InvalidArgument(std::string(field) + " is required");
  if (v.size() > kMaxCodeSize) {
    return InvalidArgument(std::string(field) + " is over " + std::to_string(kMaxCodeSize) +
                           " bytes");
  }
  for (unsigned char c : v) {
    if (c <= 0x20 || c >= 0x7f) {
      return InvalidArgument(std::string(field) + " must be printable ASCII without spaces");
    }
  }
  return {};
}

struct Validator {
  Status operator()(const ContactsRequest&) const { return {}; }
  Status operator()(const SendRequest& r) const {
    BC_RETURN_IF_ERROR(CheckName("contact", r.contact, true));
    return CheckText("text", r.text, true);
  }
  Status operator()(const InboxRequest& r) const { return CheckName("contact", r.contact, false); }
  Status operator()(const TalksStatusRequest& r) const { return CheckTalks(r.talks, false); }
  Status operator()(const TalksSayRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckName("scope", r.scope, true));
    return CheckText("text", r.text, true);
  }
  Status operator()(const TalksMoveRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckText("reason", r.reason, r.move == "reject"));
    BC_RETURN_IF_ERROR(CheckName("revises", r.revises, false));
    BC_RETURN_IF_ERROR(CheckName("suggestion", r.suggestion, false));
    const bool offer = r.move == "propose" || r.move == "counter";
    if (!offer && r.move != "accept" && r.move != "reject" && r.move != "withdraw" &&
        r.move != "ratify") {
      return InvalidArgument("move must be propose, counter, accept, reject, withdraw or ratify");
    }
    if (offer) BC_RETURN_IF_ERROR(CheckPackage(r.package));
    if (!offer && !r.package.empty()) return InvalidArgument("only an offer carries a package");
    if (!offer && !r.conditions.empty()) return InvalidArgument("only an offer carries conditions");
    if (r.conditions.size() > kMaxConditions) {
      return InvalidArgument("at most " + std::to_string(kMaxConditions) + " conditions");
    }
    for (const auto& c : r.conditions) {
      BC_RETURN_IF_ERROR(CheckText("condition", c, true));
      const auto at = c.rfind('@');
      if (at == std::string::npos || at == 0 || at + 1 == c.size()) {
        return InvalidArgument("condition '" + c.substr(0, kMaxNameSize) +
                               "' is not TEXT@GUARANTOR");
      }
    }
    if (r.move == "accept") {
      if ((r.target == 0) == r.suggestion.empty()) {
        return InvalidArgument("accept takes a target (a move number) or a suggestion, not both");
      }
    } else if (!r.suggestion.empty()) {
      return InvalidArgument("only accept takes a suggestion");
    }
    const bool targeted = r.move == "counter" || r.move == "reject" || r.move == "withdraw";
    if (targeted && r.target == 0) return InvalidArgument("target (a move number) is required");
    if ((r.move == "propose" || r.move == "ratify") && r.target != 0) {
      return InvalidArgument(r.move + " takes no target");
    }
    if (r.exploratory && (r.move == "accept" || r.move == "ratify")) {
      return InvalidArgument(r.move + " is always cleared (it cannot be exploratory)");
    }
    return {};
  }
  Status operator()(const TalksVerdictRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckName("draft", r.draft, true));
    return CheckText("reason", r.reason, false);
  }
  Status operator()(const StatusRequest&) const { return {}; }
  Status operator()(const CredentialImportRequest& r) const {
    return CheckCode("credential", r.credential);
  }
  Status operator()(const TrustListRequest&) const { return {}; }
  Status operator()(const TrustAddRequest& r) const {
    // The key was decoded where it entered (DecodeRequest, the CLI's
    // arguments): any 32 bytes are a key here.
    BC_RETURN_IF_ERROR(CheckName("label", r.label, false));
    if (r.sides.empty()) return InvalidArgument("sides: at least one side is required");
    if (r.sides.size() > kMaxScopeItems || r.roles.size() > kMaxScopeItems) {
      return InvalidArgument("sides and roles hold at most " + std::to_string(kMaxScopeItems) +
                             " items each");
    }
    for (const auto& side : r.sides) BC_RETURN_IF_ERROR(CheckName("side", side, true));
    for (const auto& role : r.roles) {
      if (!identity::ParseRole(role)) {
        return InvalidArgument("roles: '" + role.substr(0, kMaxNameSize) +
                               "' is not a role (envoy, principal, mediator)");
      }
    }
    return {};
  }
  Status operator()(const TrustRemoveRequest& r) const { return CheckName("label", r.label, true); }
  Status operator()(const PendingListRequest&) const { return {}; }
  Status operator()(const InviteRequest&) const { return {}; }
  Status operator()(const AcceptRequest& r) const {
    BC_RETURN_IF_ERROR(CheckCode("code", r.code));
    return CheckName("name", r.name, false);
  }
  Status operator()(const FingerprintRequest& r) const {
    return CheckName("contact", r.contact, true);
  }
  Status operator()(const OutboxRequest& r) const {
    BC_RETURN_IF_ERROR(CheckName("contact", r.contact, false));
    return CheckName("cancel", r.cancel, false);
  }
  Status operator()(const ConversationRequest& r) const {
    return CheckName("contact", r.contact, true);
  }
  // ---- feelers ----
  Status operator()(const FeelerSendRequest& r) const {
    BC_RETURN_IF_ERROR(CheckName("contact", r.contact, true));
    const std::size_t count = r.topics.size() + r.agenda.size();
    if (count == 0) return InvalidArgument("topics: name at least one topic (or agenda id)");
    if (count > kMaxFeelerTopics) {
      return InvalidArgument("topics and agenda: at most " + std::to_string(kMaxFeelerTopics) +
                             " together");
    }
    for (const auto& id : r.agenda) {
      if (id.empty() || id.size() > 2 * feelers::kMaxAgendaIdBytes + 1 || HasControl(id)) {
        return InvalidArgument("agenda: each is an issue or issue:option id");
      }
    }
    // What a topic normalises to is FeelerService's to judge (ICU, topic.h);
    // here only its size and no control characters.
    for (const auto& t : r.topics) {
      if (t.empty() || t.size() > feelers::kMaxTopicInputBytes || HasControl(t)) {
        return InvalidArgument("topics: each is 1.." +
                               std::to_string(feelers::kMaxTopicInputBytes) +
                               " bytes without control characters");
      }
    }
    if (r.k != 0 && r.k != 8 && r.k != 16 && r.k != 32) {
      return InvalidArgument("k must be 8, 16 or 32 (or left out)");
    }
    if (r.k != 0 && count > r.k) {
      return InvalidArgument("k=" + std::to_string(r.k) + " holds fewer than the " +
                             std::to_string(count) + " topics");
    }
    return {};
  }
  Status operator()(const FeelerStatusRequest& r) const {
    return CheckName("contact", r.contact, false);
  }
  Status operator()(const FeelerForgetRequest& r) const {
    if (r.id.empty() == r.contact.empty()) {
      return InvalidArgument("feeler.forget takes an id or a contact, not both");
    }
    if (!r.id.empty() &&
        (r.id.size() != 64 || r.id.find_first_not_of("0123456789abcdef") != std::string::npos)) {
      return InvalidArgument("id: a feeler id is the 64 hex digits feeler.status shows");
    }
    return CheckName("contact", r.contact, false);
  }
  Status operator()(const FeelerOverlapRequest& r) const {
    BC_RETURN_IF_ERROR(CheckName("contact", r.contact, true));
    if (r.label.empty() || r.label.size() > 64 || HasControl(r.label)) {
      return InvalidArgument("label must be 1..64 bytes without control characters");
    }
    if (r.unit.empty() || r.unit.size() > 32 || HasControl(r.unit)) {
      return InvalidArgument("unit must be 1..32 bytes without control characters");
    }
    if (r.width < 1 || r.width > 32) return InvalidArgument("width must be 1..32 bits");
    if (r.at_least.has_value() == r.at_most.has_value()) {
      return InvalidArgument(r.at_least ? "an overlap check takes at_least or at_most, not both"
                                        : "an overlap check needs at_least or at_most");
    }
    const std::uint64_t value = r.at_least ? *r.at_least : *r.at_most;
    if (value >> r.width != 0) {
      return InvalidArgument("the value does not fit in " + std::to_string(r.width) + " bits");
    }
    return {};
  }
  Status operator()(const FeelerBudgetRequest& r) const {
    if (r.per_day && (*r.per_day < 1 || *r.per_day > feelers_client::kMaxBudgetPerDay)) {
      return InvalidArgument("per_day must be 1.." +
                             std::to_string(feelers_client::kMaxBudgetPerDay) +
                             " exchanges per contact per day");
    }
    return {};
  }
  Status operator()(const TalksFeelerRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckName("to", r.to, true));
    FeelerSendRequest send;
    send.contact = r.to;
    send.topics = r.topics;
    send.k = r.k;
    return (*this)(send);
  }
  Status operator()(const TalksZoneRequest& r) const {
    BC_RETURN_IF_ERROR(CheckTalks(r.talks, true));
    BC_RETURN_IF_ERROR(CheckName("to", r.to, true));
    if (r.candidates.size() > kMaxZoneCandidates) {
      return InvalidArgument("candidates: at most " + std::to_string(kMaxZoneCandidates) +
                             " packages (" + std::to_string(r.candidates.size()) + " given)");
    }
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
      auto package = ParsePackageText(r.candidates[i]);
      if (!package) {
        return InvalidArgument("candidates: #" + std::to_string(i + 1) + ": " +
                               std::string(package.error().message()));
      }
    }
    return {};
  }
  // ---- end feelers ----
  // The talks operations of issue 18 are checked by ValidateTalksOp.
  template <typename Other>
  Status operator()(const Other&) const {
    return Internal("no validator for this request");
  }
};

// ---- feelers ----
std::optional<Result<Request>> DecodeFeelerFields(const std::string& op, Fields& f) {
  if (op == "feeler.send") {
    FeelerSendRequest r;
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    BC_RETURN_IF_ERROR(f.Strings("topics", r.topics, kMaxFeelerTopics));
    BC_RETURN_IF_ERROR(f.Strings("agenda", r.agenda, kMaxFeelerTopics));
    BC_RETURN_IF_ERROR(f.Count("k", r.k));
    return Request{r};
  }
  if (op == "feeler.status") {
    FeelerStatusRequest r;
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    return Request{r};
  }
  if (op == "feeler.overlap") {
    FeelerOverlapRequest r;
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    BC_RETURN_IF_ERROR(f.String("label", r.label));
    BC_RETURN_IF_ERROR(f.String("unit", r.unit));
    BC_RETURN_IF_ERROR(f.Count("width", r.width));
    std::uint64_t v = 0;
    if (f.Has("at_least")) {
      BC_RETURN_IF_ERROR(f.Count("at_least", v));
      r.at_least = v;
    }
    if (f.Has("at_most")) {
      BC_RETURN_IF_ERROR(f.Count("at_most", v));
      r.at_most = v;
    }
    return Request{r};
  }
  if (op == "feeler.budget") {
    FeelerBudgetRequest r;
    if (f.Has("per_day")) {
      std::uint64_t v = 0;
      BC_RETURN_IF_ERROR(f.Count("per_day", v));
      r.per_day = v;
    }
    return Request{r};
  }
  if (op == "talks.feeler") {
    TalksFeelerRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("to", r.to));
    BC_RETURN_IF_ERROR(f.Strings("topics", r.topics, kMaxFeelerTopics));
    BC_RETURN_IF_ERROR(f.Count("k", r.k));
    return Request{r};
  }
  if (op == "talks.zone") {
    TalksZoneRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("to", r.to));
    BC_RETURN_IF_ERROR(f.Strings("candidates", r.candidates, kMaxZoneCandidates));
    BC_RETURN_IF_ERROR(f.Bool("list", r.list));
    return Request{r};
  }
  if (op == "feeler.forget") {
    FeelerForgetRequest r;
    BC_RETURN_IF_ERROR(f.String("id", r.id));
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    return Request{r};
  }
  return std::nullopt;
}
// ---- end feelers ----

// The channel operations added for the web app's views.
Result<Request> DecodeChannelFields(const std::string& op, Fields& f) {
  if (auto feeler = DecodeFeelerFields(op, f)) return std::move(*feeler);
  if (op == "status") return Request{StatusRequest{}};
  if (op == "trust.list") return Request{TrustListRequest{}};
  if (op == "pending") return Request{PendingListRequest{}};
  if (op == "credential.import") {
    CredentialImportRequest r;
    BC_RETURN_IF_ERROR(f.String("credential", r.credential));
    return Request{r};
  }
  if (op == "trust.add") {
    TrustAddRequest r;
    BC_RETURN_IF_ERROR(f.AuthorityKey("key", r.key));
    BC_RETURN_IF_ERROR(f.String("label", r.label));
    BC_RETURN_IF_ERROR(f.Strings("sides", r.sides));
    BC_RETURN_IF_ERROR(f.Strings("roles", r.roles));
    return Request{r};
  }
  if (op == "trust.remove") {
    TrustRemoveRequest r;
    BC_RETURN_IF_ERROR(f.String("label", r.label));
    return Request{r};
  }
  if (op == "invite") {
    InviteRequest r;
    BC_RETURN_IF_ERROR(f.Bool("rotate", r.rotate));
    return Request{r};
  }
  if (op == "accept") {
    AcceptRequest r;
    BC_RETURN_IF_ERROR(f.String("code", r.code));
    BC_RETURN_IF_ERROR(f.String("name", r.name));
    return Request{r};
  }
  if (op == "fingerprint") {
    FingerprintRequest r;
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    BC_RETURN_IF_ERROR(f.Bool("compared", r.compared));
    return Request{r};
  }
  if (op == "outbox") {
    OutboxRequest r;
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    BC_RETURN_IF_ERROR(f.Bool("flush", r.flush));
    BC_RETURN_IF_ERROR(f.String("cancel", r.cancel));
    return Request{r};
  }
  if (op == "conversation") {
    ConversationRequest r;
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    return Request{r};
  }
  return InvalidArgument("unknown op '" + op.substr(0, kMaxNameSize) + "'");
}

Result<Request> DecodeFields(const std::string& op, Fields& f) {
  if (op == "contacts") return Request{ContactsRequest{}};
  if (op == "send") {
    SendRequest r;
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    BC_RETURN_IF_ERROR(f.String("text", r.text));
    return Request{r};
  }
  if (op == "inbox") {
    InboxRequest r;
    BC_RETURN_IF_ERROR(f.String("contact", r.contact));
    BC_RETURN_IF_ERROR(f.Bool("offline", r.offline));
    return Request{r};
  }
  if (op == "talks.status") {
    TalksStatusRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    return Request{r};
  }
  if (op == "talks.say") {
    TalksSayRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("scope", r.scope));
    BC_RETURN_IF_ERROR(f.String("text", r.text));
    BC_RETURN_IF_ERROR(f.Bool("cleared", r.cleared));
    return Request{r};
  }
  if (op == "talks.move") {
    TalksMoveRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("move", r.move));
    BC_RETURN_IF_ERROR(f.Count("target", r.target));
    BC_RETURN_IF_ERROR(f.Package("package", r.package));
    BC_RETURN_IF_ERROR(f.String("reason", r.reason));
    BC_RETURN_IF_ERROR(f.String("revises", r.revises));
    BC_RETURN_IF_ERROR(f.String("suggestion", r.suggestion));
    BC_RETURN_IF_ERROR(f.Strings("conditions", r.conditions));
    BC_RETURN_IF_ERROR(f.Bool("exploratory", r.exploratory));
    return Request{r};
  }
  if (op == "talks.verdict") {
    TalksVerdictRequest r;
    BC_RETURN_IF_ERROR(f.String("talks", r.talks));
    BC_RETURN_IF_ERROR(f.String("draft", r.draft));
    BC_RETURN_IF_ERROR(f.Bool("approve", r.approve));
    BC_RETURN_IF_ERROR(f.String("reason", r.reason));
    return Request{r};
  }
  return DecodeChannelFields(op, f);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view OpName(const Request& request) {
  static constexpr std::string_view kNames[] = {
      "contacts", "send", "inbox", "talks.status", "talks.say", "talks.move", "talks.verdict",
      "status", "credential.import", "trust.list", "trust.add", "trust.remove", "pending", "invite",
      "accept", "fingerprint", "outbox", "conversation",
      // issue 18: talks
      "talks.create", "talks.invite", "talks.join", "talks.agenda", "talks.profile.compose",
      "talks.evaluate", "talks.share", "talks.suggest", "talks.idea", "talks.condition",
      "talks.suspend", "talks.resume", "talks.analysis", "record.verify", "record.export",
      // issue 15: feelers
      "feeler.send", "feeler.status", "feeler.forget", "feeler.overlap", "talks.feeler",
      "talks.zone", "feeler.budget"};
  static_assert(std::size(kNames) == std::variant_size_v<Request>, "one name per request");
  return kNames[request.index()];
}

Result<identity::AuthorityPublicKey> ParseKeyText(std::string_view text) {
  using identity::AuthorityPublicKey;
  auto key = FromBase64Fixed<AuthorityPublicKey>(text, Base64Variant::kUrlSafeNoPadding);
  if (key) return key;
  key = FromHexFixed<AuthorityPublicKey>(text);
  if (key) return key;
  return InvalidArgument("key: not a 32-byte key (base64url or hex)");
}

Status ValidateRequest(const Request& request) {
  Status talks;
  if (ValidateTalksOp(request, &talks)) return talks;
  return std::visit(Validator{}, request);
}

Result<Request> DecodeRequest(std::string_view json) {
  if (json.size() > kMaxRequestSize) {
    return InvalidArgument("a request is at most " + std::to_string(kMaxRequestSize) + " bytes");
  }
  // No exceptions: a parse failure (including invalid UTF-8) is "discarded".
  const Json j = Json::parse(json.begin(), json.end(), nullptr, false);
  if (j.is_discarded()) return InvalidArgument("a request is one JSON object");
  if (!j.is_object()) return InvalidArgument("a request is one JSON object");
  auto op = j.find("op");
  if (op == j.end() || !op->is_string()) return InvalidArgument("op (a string) is required");
  Fields fields(j);
  Result<Request> decoded = DecodeTalksOp(op->get<std::string>(), fields);
  if (!decoded && decoded.error().code() == StatusCode::kNotFound) {
    decoded = DecodeFields(op->get<std::string>(), fields);
  }
  BC_ASSIGN_OR_RETURN(Request request, std::move(decoded));
  BC_RETURN_IF_ERROR(fields.NoOthers());
  BC_RETURN_IF_ERROR(ValidateRequest(request));
  return request;
}

Result<PackageView> ParsePackageText(std::string_view text) {
  PackageView out;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',' || text[i] == ';') {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  for (std::string_view part : parts) {
    std::string_view v = Trim(part);
    if (v.empty()) continue;
    auto eq = v.find('=');
    std::string issue(Trim(v.substr(0, eq == std::string_view::npos ? v.size() : eq)));
    std::string option(eq == std::string_view::npos ? "" : Trim(v.substr(eq + 1)));
    if (eq == std::string_view::npos || issue.empty() || option.empty()) {
      return InvalidArgument("package item '" + std::string(v) + "' is not issue=option");
    }
    if (!out.emplace(issue, option).second) {
      return InvalidArgument("issue '" + issue + "' appears twice in the package");
    }
  }
  if (out.empty()) return InvalidArgument("an empty package");
  return out;
}

}  // namespace backchannel::app
