// Request decoding and validation (request.h).
#include "backchannel/app/request.h"

#include <set>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/identity/credential.h"

namespace backchannel::app {
namespace {

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
    BC_RETURN_IF_ERROR(ParseKeyText(r.key).status());
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
};

// Reads fields of one JSON object, refusing any it was not asked for.
class Fields {
 public:
  explicit Fields(const Json& j) : j_(j) {}

  Status String(const char* name, std::string& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_string()) return InvalidArgument(std::string(name) + " must be a string");
    out = it->get<std::string>();
    return {};
  }
  Status Bool(const char* name, bool& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_boolean()) return InvalidArgument(std::string(name) + " must be true or false");
    out = it->get<bool>();
    return {};
  }
  Status Strings(const char* name, std::vector<std::string>& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_array()) return InvalidArgument(std::string(name) + " must be an array of strings");
    if (it->size() > kMaxConditions) {
      return InvalidArgument(std::string(name) + " holds at most " +
                             std::to_string(kMaxConditions) + " items");
    }
    for (const auto& item : *it) {
      if (!item.is_string()) {
        return InvalidArgument(std::string(name) + " must be an array of strings");
      }
      out.push_back(item.get<std::string>());
    }
    return {};
  }
  Status Count(const char* name, std::uint64_t& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_number_unsigned()) {
      return InvalidArgument(std::string(name) + " must be a positive integer");
    }
    out = it->get<std::uint64_t>();
    return {};
  }
  // An object {"issue": "option"} or the text form "issue=option, ...".
  Status Package(const char* name, PackageView& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (it->is_string()) {
      BC_ASSIGN_OR_RETURN(out, ParsePackageText(it->get<std::string>()));
      return {};
    }
    if (!it->is_object()) return InvalidArgument(std::string(name) + " must be an object");
    for (const auto& [issue, option] : it->items()) {
      if (!option.is_string()) return InvalidArgument("package options must be strings");
      out[issue] = option.get<std::string>();
    }
    return {};
  }
  Status NoOthers() const {
    for (const auto& [k, v] : j_.items()) {
      if (!seen_.count(k)) return InvalidArgument("unknown field '" + k + "'");
    }
    return {};
  }

 private:
  const Json& j_;
  std::set<std::string> seen_{"op"};
};

// The channel operations added for the web app's views.
Result<Request> DecodeChannelFields(const std::string& op, Fields& f) {
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
    BC_RETURN_IF_ERROR(f.String("key", r.key));
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
  static constexpr std::string_view kNames[] = {"contacts",      "send",      "inbox",
                                                "talks.status",  "talks.say", "talks.move",
                                                "talks.verdict", "status",    "credential.import",
                                                "trust.list",    "trust.add", "trust.remove",
                                                "pending",       "invite",    "accept",
                                                "fingerprint",   "outbox",    "conversation"};
  static_assert(std::size(kNames) == std::variant_size_v<Request>, "one name per request");
  return kNames[request.index()];
}

Result<std::array<std::uint8_t, 32>> ParseKeyText(std::string_view text) {
  auto key = FromBase64Fixed<32>(text, Base64Variant::kUrlSafeNoPadding);
  if (key) return key;
  key = FromHexFixed<32>(text);
  if (key) return key;
  return InvalidArgument("key: not a 32-byte key (base64url or hex)");
}

Status ValidateRequest(const Request& request) { return std::visit(Validator{}, request); }

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
  BC_ASSIGN_OR_RETURN(Request request, DecodeFields(op->get<std::string>(), fields));
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
