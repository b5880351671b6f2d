// JSON codec of talks messages (docs/talks.md, "Messages"). Decoding is a
// strict reader: every field has a type, a size bound and, for names, a
// character set; a message that fails any check is refused whole.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <utility>
#include <variant>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/talks/message.h"

namespace backchannel::talks {
namespace {

using Json = nlohmann::ordered_json;
using negotiation::MoveKind;

constexpr std::size_t kMaxNameSize = 128;
constexpr std::size_t kMaxIdSize = 64;
constexpr std::size_t kMaxProfileSize = std::size_t{32} * 1024;
constexpr std::size_t kMaxMessageSize = 2 * kMaxAgendaSize + std::size_t{16} * 1024;
constexpr std::size_t kMaxPackageIssues = 64;

template <typename E, std::size_t N>
std::string_view NameOf(E value, const std::array<std::pair<E, std::string_view>, N>& table) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "?";
}

template <typename E, std::size_t N>
Result<E> Parse(std::string_view name, const std::array<std::pair<E, std::string_view>, N>& table,
                std::string_view what) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  std::string known;
  for (const auto& [e, n] : table) known += (known.empty() ? "" : ", ") + std::string(n);
  return InvalidArgument("unknown " + std::string(what) + " '" + std::string(name) +
                         "' (expected one of: " + known + ")");
}

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{
    {Role::kEnvoy, "envoy"},
    {Role::kPrincipal, "principal"},
    {Role::kMediator, "mediator"},
    {Role::kGuarantor, "guarantor"},
    {Role::kTrack2, "track2"},
}};
constexpr std::array<std::pair<ScopeKind, std::string_view>, 4> kScopes{{
    {ScopeKind::kPlenary, "plenary"},
    {ScopeKind::kCaucus, "caucus"},
    {ScopeKind::kInternal, "internal"},
    {ScopeKind::kDirect, "direct"},
}};
constexpr std::array<std::pair<Authority, std::string_view>, 3> kAuthorities{{
    {Authority::kExploratory, "exploratory"},
    {Authority::kCleared, "cleared"},
    {Authority::kOwn, "own"},
}};
constexpr std::array<std::pair<ConditionStatus, std::string_view>, 3> kConditionStatuses{{
    {ConditionStatus::kPending, "pending"},
    {ConditionStatus::kMet, "met"},
    {ConditionStatus::kFailed, "failed"},
}};
// The wire name of each body, in the order of Message::Body's alternatives.
constexpr std::array<std::string_view, 10> kTypeNames{
    "definition", "roster", "chat",    "submit",  "event",
    "refusal",    "draft",  "verdict", "profile", "float",
};
static_assert(kTypeNames.size() == std::variant_size_v<Message::Body>);

constexpr std::array<std::pair<Action::Kind, std::string_view>, 6> kActionKinds{{
    {Action::Kind::kMove, "move"},
    {Action::Kind::kSuggest, "suggest"},
    {Action::Kind::kSuspend, "suspend"},
    {Action::Kind::kResume, "resume"},
    {Action::Kind::kCondition, "condition"},
    {Action::Kind::kIdea, "idea"},
}};
constexpr std::array<std::pair<MoveKind, std::string_view>, 6> kMoveKinds{{
    {MoveKind::kPropose, "propose"},
    {MoveKind::kCounter, "counter"},
    {MoveKind::kAccept, "accept"},
    {MoveKind::kReject, "reject"},
    {MoveKind::kWithdraw, "withdraw"},
    {MoveKind::kRatify, "ratify"},
}};

// ---- encoding ----

Json MemberJson(const Member& m) {
  return Json{{"id", m.id}, {"name", m.name}, {"side", m.side}, {"role", RoleName(m.role)}};
}

Json MembersJson(const std::vector<Member>& members) {
  Json out = Json::array();
  for (const auto& m : members) out.push_back(MemberJson(m));
  return out;
}

Json PackageJson(const PackageSpec& p) {
  Json out = Json::object();
  for (const auto& [issue, option] : p) out[issue] = option;
  return out;
}

Json ActionJson(const Action& a) {
  Json j{{"kind", ActionKindName(a.kind)}};
  switch (a.kind) {
    case Action::Kind::kMove:
      j["move"] = negotiation::MoveKindName(a.move);
      j["authority"] = AuthorityName(a.authority);
      if (!a.package.empty()) j["package"] = PackageJson(a.package);
      if (a.target != 0) j["target"] = a.target;
      if (!a.suggestion.empty()) j["suggestion"] = a.suggestion;
      if (!a.reason.empty()) j["reason"] = a.reason;
      break;
    case Action::Kind::kSuggest:
    case Action::Kind::kIdea:
      j["package"] = PackageJson(a.package);
      if (!a.note.empty()) j["note"] = a.note;
      break;
    case Action::Kind::kSuspend:
      if (!a.reason.empty()) j["reason"] = a.reason;
      break;
    case Action::Kind::kResume:
      break;
    case Action::Kind::kCondition:
      j["condition"] = a.condition;
      j["status"] = ConditionStatusName(a.status);
      if (!a.reason.empty()) j["reason"] = a.reason;
      break;
  }
  if (!a.conditions.empty()) {
    Json cs = Json::array();
    for (const auto& c : a.conditions)
      cs.push_back(Json{{"text", c.text}, {"guarantor", c.guarantor}});
    j["conditions"] = std::move(cs);
  }
  return j;
}

Json ScopeJson(const Scope& s) {
  Json j{{"kind", ScopeKindName(s.kind)}};
  if (!s.side.empty()) j["side"] = s.side;
  if (!s.to.empty()) j["to"] = s.to;
  return j;
}

// ---- decoding ----

// A reader over one JSON object that remembers where it is for messages.
class Reader {
 public:
  Reader(const Json& j, std::string path) : j_(j), path_(std::move(path)) {}

  Status Object() const {
    if (!j_.is_object()) return Bad("must be an object");
    return Status::Ok();
  }
  bool Has(const char* key) const { return j_.contains(key); }
  const Json& At(const char* key) const { return j_.at(key); }
  std::string Path(const char* key) const { return path_ + "." + key; }

  Result<std::string> String(const char* key, std::size_t max, bool required = true,
                             bool allow_empty = false) const {
    if (!j_.contains(key)) {
      if (required) return InvalidMessage(Path(key) + " is missing");
      return std::string();
    }
    const Json& v = j_.at(key);
    if (!v.is_string()) return InvalidMessage(Path(key) + " must be a string");
    std::string s = v.get<std::string>();
    if (s.size() > max) {
      return InvalidMessage(Path(key) + " is longer than " + std::to_string(max) + " bytes");
    }
    if (s.empty() && required && !allow_empty) return InvalidMessage(Path(key) + " is empty");
    return s;
  }
  Result<std::uint64_t> Unsigned(const char* key, bool required) const {
    if (!j_.contains(key)) {
      if (required) return InvalidMessage(Path(key) + " is missing");
      return std::uint64_t{0};
    }
    const Json& v = j_.at(key);
    if (!v.is_number_unsigned()) return InvalidMessage(Path(key) + " must be a positive integer");
    return v.get<std::uint64_t>();
  }
  Result<std::int64_t> Signed(const char* key) const {
    if (!j_.contains(key)) return InvalidMessage(Path(key) + " is missing");
    const Json& v = j_.at(key);
    if (!v.is_number_integer()) return InvalidMessage(Path(key) + " must be an integer");
    return v.get<std::int64_t>();
  }
  Result<bool> Bool(const char* key) const {
    if (!j_.contains(key)) return InvalidMessage(Path(key) + " is missing");
    const Json& v = j_.at(key);
    if (!v.is_boolean()) return InvalidMessage(Path(key) + " must be true or false");
    return v.get<bool>();
  }
  template <typename E, std::size_t N>
  Result<E> Enum(const char* key, const std::array<std::pair<E, std::string_view>, N>& table,
                 std::string_view what) const {
    BC_ASSIGN_OR_RETURN(std::string s, String(key, kMaxIdSize));
    auto e = Parse(s, table, what);
    if (!e) return InvalidMessage(Path(key) + ": " + std::string(e.error().message()));
    return *e;
  }

 private:
  Status Bad(std::string_view why) const { return InvalidMessage(path_ + " " + std::string(why)); }
  const Json& j_;
  std::string path_;
};

Status CheckMemberId(const std::string& id, const std::string& path) {
  if (id.size() != kMemberIdHexSize) {
    return InvalidMessage(path + " must be " + std::to_string(kMemberIdHexSize) +
                          " hex digits (an identity key)");
  }
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return InvalidMessage(path + " must be lower-case hex");
    }
  }
  return Status::Ok();
}

// Names shown to people and used as keys: printable, no control characters.
Status CheckName(const std::string& s, const std::string& path) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return InvalidMessage(path + " contains a control character");
  }
  return Status::Ok();
}

// side → the Ed25519 authority keys that may accredit its members
// (coalition sides, message.h). Optional; each side names 1 to
// kMaxSideAuthorities distinct keys, each 64 lower-case hex digits on the
// wire, decoded here into the typed key.
Result<std::map<std::string, std::vector<AuthorityPublicKey>>> ReadSideAuthorities(
    const Reader& d) {
  std::map<std::string, std::vector<AuthorityPublicKey>> out;
  if (!d.Has("side_authorities")) return out;
  const std::string path = d.Path("side_authorities");
  const Json& bound = d.At("side_authorities");
  if (!bound.is_object() || bound.empty() || bound.size() > 8) {
    return InvalidMessage(path + " must be an object binding 1 to 8 sides");
  }
  for (const auto& [side, keys] : bound.items()) {
    if (side.empty() || side.size() > kMaxNameSize) {
      return InvalidMessage(path + " names an empty or too long side");
    }
    BC_RETURN_IF_ERROR(CheckName(side, path));
    std::string where = path;
    where += '.';
    where += side;
    auto refuse = [](const std::string& at, std::string_view why) {
      std::string what = at;
      what += ' ';
      what += why;
      return InvalidMessage(what);
    };
    static_assert(kMaxSideAuthorities == 8);
    if (!keys.is_array() || keys.empty() || keys.size() > kMaxSideAuthorities) {
      return refuse(where, "must list 1 to 8 authority keys");
    }
    std::vector<AuthorityPublicKey> typed;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::string at = where + '[' + std::to_string(i) + ']';
      const Json& k = keys[i];
      if (!k.is_string() ||
          k.get_ref<const std::string&>().size() != 2 * AuthorityPublicKey::kSize) {
        return refuse(at, "must be a 64-hex-digit authority key");
      }
      const std::string& text = k.get_ref<const std::string&>();
      // Lower case only, so one key has one spelling on the wire.
      for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
          return refuse(at, "must be lower-case hex");
        }
      }
      auto key = FromHexFixed<AuthorityPublicKey>(text);
      if (!key) return refuse(at, "is not an authority key");
      if (std::find(typed.begin(), typed.end(), *key) != typed.end()) {
        return refuse(at, "repeats a key");
      }
      typed.push_back(*key);
    }
    out.emplace(side, std::move(typed));
  }
  return out;
}

Result<Member> ReadMember(const Json& j, const std::string& path) {
  Reader r(j, path);
  BC_RETURN_IF_ERROR(r.Object());
  Member m;
  BC_ASSIGN_OR_RETURN(m.id, r.String("id", kMemberIdHexSize));
  BC_RETURN_IF_ERROR(CheckMemberId(m.id, r.Path("id")));
  BC_ASSIGN_OR_RETURN(m.name, r.String("name", kMaxNameSize));
  BC_RETURN_IF_ERROR(CheckName(m.name, r.Path("name")));
  BC_ASSIGN_OR_RETURN(m.side, r.String("side", kMaxNameSize, true, true));
  BC_RETURN_IF_ERROR(CheckName(m.side, r.Path("side")));
  BC_ASSIGN_OR_RETURN(m.role, r.Enum("role", kRoles, "role"));
  return m;
}

Result<std::vector<Member>> ReadMembers(const Reader& r, const char* key) {
  if (!r.Has(key)) return InvalidMessage(r.Path(key) + " is missing");
  const Json& a = r.At(key);
  if (!a.is_array()) return InvalidMessage(r.Path(key) + " must be an array");
  if (a.size() > kMaxMembers) {
    return InvalidMessage(r.Path(key) + " has more than " + std::to_string(kMaxMembers) +
                          " members");
  }
  std::vector<Member> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    BC_ASSIGN_OR_RETURN(auto m, ReadMember(a[i], r.Path(key) + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(m));
  }
  return out;
}

Result<PackageSpec> ReadPackage(const Reader& r, const char* key, bool required) {
  if (!r.Has(key)) {
    if (required) return InvalidMessage(r.Path(key) + " is missing");
    return PackageSpec{};
  }
  const Json& p = r.At(key);
  if (!p.is_object()) return InvalidMessage(r.Path(key) + " must be an object of issue: option");
  if (p.size() > kMaxPackageIssues) return InvalidMessage(r.Path(key) + " has too many issues");
  PackageSpec out;
  for (const auto& [issue, option] : p.items()) {
    if (issue.empty() || issue.size() > kMaxNameSize) {
      return InvalidMessage(r.Path(key) + " has an empty or too long issue name");
    }
    if (!option.is_string() || option.get<std::string>().empty() ||
        option.get<std::string>().size() > kMaxNameSize) {
      return InvalidMessage(r.Path(key) + "." + issue + " must be a non-empty option name");
    }
    out[issue] = option.get<std::string>();
  }
  return out;
}

Result<Action> ReadAction(const Json& j, const std::string& path) {
  Reader r(j, path);
  BC_RETURN_IF_ERROR(r.Object());
  Action a;
  BC_ASSIGN_OR_RETURN(a.kind, r.Enum("kind", kActionKinds, "action"));
  switch (a.kind) {
    case Action::Kind::kMove: {
      BC_ASSIGN_OR_RETURN(a.move, r.Enum("move", kMoveKinds, "move"));
      BC_ASSIGN_OR_RETURN(a.authority, r.Enum("authority", kAuthorities, "authority"));
      const bool offer = a.move == MoveKind::kPropose || a.move == MoveKind::kCounter;
      BC_ASSIGN_OR_RETURN(a.package, ReadPackage(r, "package", offer));
      if (offer && a.package.empty()) return InvalidMessage(r.Path("package") + " is empty");
      BC_ASSIGN_OR_RETURN(a.suggestion, r.String("suggestion", kMaxIdSize, false));
      const bool targeted = a.move == MoveKind::kCounter || a.move == MoveKind::kReject ||
                            a.move == MoveKind::kWithdraw ||
                            (a.move == MoveKind::kAccept && a.suggestion.empty());
      BC_ASSIGN_OR_RETURN(a.target, r.Unsigned("target", targeted));
      if (targeted && a.target == 0)
        return InvalidMessage(r.Path("target") + " must be at least 1");
      BC_ASSIGN_OR_RETURN(a.reason, r.String("reason", kMaxTextSize, a.move == MoveKind::kReject));
      break;
    }
    case Action::Kind::kSuggest:
    case Action::Kind::kIdea: {
      BC_ASSIGN_OR_RETURN(a.package, ReadPackage(r, "package", true));
      if (a.package.empty()) return InvalidMessage(r.Path("package") + " is empty");
      BC_ASSIGN_OR_RETURN(a.note, r.String("note", kMaxTextSize, false));
      break;
    }
    case Action::Kind::kSuspend: {
      BC_ASSIGN_OR_RETURN(a.reason, r.String("reason", kMaxTextSize, false));
      break;
    }
    case Action::Kind::kResume:
      break;
    case Action::Kind::kCondition: {
      BC_ASSIGN_OR_RETURN(a.condition, r.String("condition", kMaxIdSize));
      BC_ASSIGN_OR_RETURN(a.status, r.Enum("status", kConditionStatuses, "condition status"));
      if (a.status == ConditionStatus::kPending) {
        return InvalidMessage(r.Path("status") + " must be met or failed");
      }
      BC_ASSIGN_OR_RETURN(a.reason, r.String("reason", kMaxTextSize, false));
      break;
    }
  }
  if (r.Has("conditions")) {
    const Json& cs = r.At("conditions");
    if (!cs.is_array()) return InvalidMessage(r.Path("conditions") + " must be an array");
    if (cs.size() > kMaxConditions) {
      return InvalidMessage(r.Path("conditions") + " has more than " +
                            std::to_string(kMaxConditions) + " conditions");
    }
    for (std::size_t i = 0; i < cs.size(); ++i) {
      Reader c(cs[i], r.Path("conditions") + "[" + std::to_string(i) + "]");
      BC_RETURN_IF_ERROR(c.Object());
      ConditionSpec spec;
      BC_ASSIGN_OR_RETURN(spec.text, c.String("text", kMaxTextSize));
      BC_ASSIGN_OR_RETURN(spec.guarantor, c.String("guarantor", kMemberIdHexSize));
      BC_RETURN_IF_ERROR(CheckMemberId(spec.guarantor, c.Path("guarantor")));
      a.conditions.push_back(std::move(spec));
    }
  }
  return a;
}

Result<Scope> ReadScope(const Reader& r) {
  if (!r.Has("scope")) return InvalidMessage(r.Path("scope") + " is missing");
  Reader s(r.At("scope"), r.Path("scope"));
  BC_RETURN_IF_ERROR(s.Object());
  Scope scope;
  BC_ASSIGN_OR_RETURN(scope.kind, s.Enum("kind", kScopes, "scope"));
  const bool sided = scope.kind == ScopeKind::kCaucus || scope.kind == ScopeKind::kInternal;
  BC_ASSIGN_OR_RETURN(scope.side, s.String("side", kMaxNameSize, sided));
  BC_RETURN_IF_ERROR(CheckName(scope.side, s.Path("side")));
  BC_ASSIGN_OR_RETURN(scope.to, s.String("to", kMemberIdHexSize, scope.kind == ScopeKind::kDirect));
  if (scope.kind == ScopeKind::kDirect) BC_RETURN_IF_ERROR(CheckMemberId(scope.to, s.Path("to")));
  if (!sided && !scope.side.empty())
    return InvalidMessage(s.Path("side") + " is only for caucus and internal");
  if (scope.kind != ScopeKind::kDirect && !scope.to.empty()) {
    return InvalidMessage(s.Path("to") + " is only for direct messages");
  }
  return scope;
}

// The "definition" object of a definition message.
Result<Definition> ReadDefinition(const Reader& r) {
  if (!r.Has("definition")) return InvalidMessage("message.definition is missing");
  Reader d(r.At("definition"), "message.definition");
  BC_RETURN_IF_ERROR(d.Object());
  Definition def;
  BC_ASSIGN_OR_RETURN(def.title, d.String("title", kMaxNameSize));
  BC_ASSIGN_OR_RETURN(def.agenda, d.String("agenda", kMaxAgendaSize));
  BC_ASSIGN_OR_RETURN(def.host, d.String("host", kMemberIdHexSize));
  BC_RETURN_IF_ERROR(CheckMemberId(def.host, d.Path("host")));
  if (!d.Has("sides") || !d.At("sides").is_array()) {
    return InvalidMessage(d.Path("sides") + " must be an array of names");
  }
  const Json& sides = d.At("sides");
  if (sides.size() < 2 || sides.size() > 8) {
    return InvalidMessage(d.Path("sides") + " must name 2 to 8 sides");
  }
  for (const auto& s : sides) {
    if (!s.is_string() || s.get<std::string>().empty() ||
        s.get<std::string>().size() > kMaxNameSize) {
      return InvalidMessage(d.Path("sides") + " must hold non-empty names");
    }
    BC_RETURN_IF_ERROR(CheckName(s.get<std::string>(), d.Path("sides")));
    def.sides.push_back(s.get<std::string>());
  }
  BC_ASSIGN_OR_RETURN(def.members, ReadMembers(d, "members"));
  BC_ASSIGN_OR_RETURN(def.rule, d.String("rule", kMaxTextSize, false));
  BC_ASSIGN_OR_RETURN(def.side_authorities, ReadSideAuthorities(d));
  return def;
}

// The "action" of a submit, event or draft.
Result<Action> ReadBodyAction(const Reader& r) {
  if (!r.Has("action")) return InvalidMessage("message.action is missing");
  return ReadAction(r.At("action"), "message.action");
}

Result<Message> ReadMessage(const Json& j) {
  Reader r(j, "message");
  BC_RETURN_IF_ERROR(r.Object());
  if (!r.Has("v")) return InvalidMessage("message.v is missing");
  if (!r.At("v").is_number_integer()) return InvalidMessage("message.v must be an integer");
  if (r.At("v").get<std::int64_t>() != kMessageVersion) {
    return Status(StatusCode::kUnsupportedVersion, "talks message version " + r.At("v").dump() +
                                                       " (this build speaks " +
                                                       std::to_string(kMessageVersion) + ")");
  }
  BC_ASSIGN_OR_RETURN(std::string type, r.String("type", kMaxIdSize));
  if (std::find(kTypeNames.begin(), kTypeNames.end(), type) == kTypeNames.end()) {
    std::string known;
    for (std::string_view n : kTypeNames) known += (known.empty() ? "" : ", ") + std::string(n);
    return InvalidMessage("message.type: unknown message type '" + type +
                          "' (expected one of: " + known + ")");
  }
  Message m;
  BC_ASSIGN_OR_RETURN(m.talks, r.String("talks", kMaxIdSize));
  BC_RETURN_IF_ERROR(CheckName(m.talks, "message.talks"));
  BC_ASSIGN_OR_RETURN(m.mid, r.String("mid", kMaxIdSize));
  BC_ASSIGN_OR_RETURN(m.from, r.String("from", kMemberIdHexSize));
  BC_RETURN_IF_ERROR(CheckMemberId(m.from, "message.from"));
  BC_ASSIGN_OR_RETURN(m.scope, ReadScope(r));
  BC_ASSIGN_OR_RETURN(m.time_ms, r.Signed("time_ms"));
  if (type == "definition") {
    BC_ASSIGN_OR_RETURN(m.body, ReadDefinition(r));
  } else if (type == "roster") {
    Message::Roster roster;
    BC_ASSIGN_OR_RETURN(roster.members, ReadMembers(r, "members"));
    BC_ASSIGN_OR_RETURN(roster.rule, r.String("rule", kMaxTextSize, false));
    m.body = std::move(roster);
  } else if (type == "chat") {
    Message::Chat chat;
    BC_ASSIGN_OR_RETURN(chat.text, r.String("text", kMaxTextSize));
    BC_ASSIGN_OR_RETURN(chat.authority, r.Enum("authority", kAuthorities, "authority"));
    m.body = std::move(chat);
  } else if (type == "submit") {
    Message::Submit submit;
    BC_ASSIGN_OR_RETURN(submit.action, ReadBodyAction(r));
    BC_ASSIGN_OR_RETURN(submit.draft, r.String("draft", kMaxIdSize, false));
    m.body = std::move(submit);
  } else if (type == "event") {
    Message::Event event;
    BC_ASSIGN_OR_RETURN(event.action, ReadBodyAction(r));
    BC_ASSIGN_OR_RETURN(event.seq, r.Unsigned("seq", true));
    if (event.seq == 0) return InvalidMessage("message.seq must be at least 1");
    BC_ASSIGN_OR_RETURN(event.ref, r.String("ref", kMaxIdSize, false));
    BC_ASSIGN_OR_RETURN(event.side, r.String("side", kMaxNameSize, false));
    BC_ASSIGN_OR_RETURN(event.actor, r.String("actor", kMemberIdHexSize));
    BC_RETURN_IF_ERROR(CheckMemberId(event.actor, "message.actor"));
    BC_ASSIGN_OR_RETURN(event.draft, r.String("draft", kMaxIdSize, false));
    m.body = std::move(event);
  } else if (type == "refusal") {
    Message::Refusal refusal;
    BC_ASSIGN_OR_RETURN(refusal.ref, r.String("ref", kMaxIdSize));
    BC_ASSIGN_OR_RETURN(refusal.reason, r.String("reason", kMaxTextSize));
    m.body = std::move(refusal);
  } else if (type == "draft") {
    Message::Draft draft;
    BC_ASSIGN_OR_RETURN(draft.action, ReadBodyAction(r));
    if (draft.action.kind != Action::Kind::kMove) {
      return InvalidMessage("message.action of a draft must be a move");
    }
    BC_ASSIGN_OR_RETURN(draft.draft, r.String("draft", kMaxIdSize));
    BC_ASSIGN_OR_RETURN(draft.revises, r.String("revises", kMaxIdSize, false));
    m.body = std::move(draft);
  } else if (type == "verdict") {
    Message::Verdict verdict;
    BC_ASSIGN_OR_RETURN(verdict.draft, r.String("draft", kMaxIdSize));
    BC_ASSIGN_OR_RETURN(verdict.approve, r.Bool("approve"));
    BC_ASSIGN_OR_RETURN(verdict.reason, r.String("reason", kMaxTextSize, !verdict.approve));
    m.body = std::move(verdict);
  } else if (type == "profile") {
    Message::Profile profile;
    BC_ASSIGN_OR_RETURN(profile.side, r.String("side", kMaxNameSize));
    BC_ASSIGN_OR_RETURN(profile.profile, r.String("profile", kMaxProfileSize));
    m.body = std::move(profile);
  } else {  // "float": the type names were checked above
    Message::Float floated;
    BC_ASSIGN_OR_RETURN(floated.package, ReadPackage(r, "package", true));
    if (floated.package.empty()) return InvalidMessage("message.package is empty");
    BC_ASSIGN_OR_RETURN(floated.note, r.String("note", kMaxTextSize, false));
    m.body = std::move(floated);
  }
  return m;
}

}  // namespace

std::string_view RoleName(Role role) { return NameOf(role, kRoles); }
std::string_view ScopeKindName(ScopeKind kind) { return NameOf(kind, kScopes); }
std::string_view AuthorityName(Authority authority) { return NameOf(authority, kAuthorities); }
std::string_view ConditionStatusName(ConditionStatus status) {
  return NameOf(status, kConditionStatuses);
}
std::string_view MessageTypeName(const Message& message) {
  return kTypeNames.at(message.body.index());
}
std::string_view ActionKindName(Action::Kind kind) { return NameOf(kind, kActionKinds); }
Result<Role> ParseRole(std::string_view name) { return Parse(name, kRoles, "role"); }
Result<Authority> ParseAuthority(std::string_view name) {
  return Parse(name, kAuthorities, "authority");
}
Result<negotiation::MoveKind> ParseMoveKind(std::string_view name) {
  return Parse(name, kMoveKinds, "move");
}

std::string DescribeScope(const Scope& scope) {
  switch (scope.kind) {
    case ScopeKind::kPlenary:
      return "plenary";
    case ScopeKind::kCaucus:
      return "caucus with " + scope.side;
    case ScopeKind::kInternal:
      return "internal (" + scope.side + ")";
    case ScopeKind::kDirect:
      return "direct";
  }
  return "?";
}

namespace {

// Each body's own fields, under their wire names, after the header.
struct BodyWriter {
  Json& j;
  void operator()(const Definition& d) const {
    j["definition"] = Json{{"title", d.title},
                           {"agenda", d.agenda},
                           {"sides", d.sides},
                           {"host", d.host},
                           {"members", MembersJson(d.members)}};
    if (!d.rule.empty()) j["definition"]["rule"] = d.rule;
    // Omitted when no side is bound, so definitions without coalitions
    // keep their bytes (and the golden vectors).
    if (!d.side_authorities.empty()) {
      Json bound = Json::object();
      for (const auto& [side, keys] : d.side_authorities) {
        Json hex = Json::array();
        for (const auto& key : keys) hex.push_back(ToHex(key));
        bound[side] = std::move(hex);
      }
      j["definition"]["side_authorities"] = std::move(bound);
    }
  }
  void operator()(const Message::Roster& r) const {
    j["members"] = MembersJson(r.members);
    if (!r.rule.empty()) j["rule"] = r.rule;
  }
  void operator()(const Message::Chat& c) const {
    j["text"] = c.text;
    j["authority"] = AuthorityName(c.authority);
  }
  void operator()(const Message::Submit& s) const {
    j["action"] = ActionJson(s.action);
    if (!s.draft.empty()) j["draft"] = s.draft;
  }
  void operator()(const Message::Event& e) const {
    j["action"] = ActionJson(e.action);
    j["seq"] = e.seq;
    if (!e.ref.empty()) j["ref"] = e.ref;
    if (!e.side.empty()) j["side"] = e.side;
    j["actor"] = e.actor;
    if (!e.draft.empty()) j["draft"] = e.draft;
  }
  void operator()(const Message::Refusal& r) const {
    j["ref"] = r.ref;
    j["reason"] = r.reason;
  }
  void operator()(const Message::Draft& d) const {
    j["action"] = ActionJson(d.action);
    j["draft"] = d.draft;
    if (!d.revises.empty()) j["revises"] = d.revises;
  }
  void operator()(const Message::Verdict& v) const {
    j["draft"] = v.draft;
    j["approve"] = v.approve;
    if (!v.reason.empty()) j["reason"] = v.reason;
  }
  void operator()(const Message::Profile& p) const {
    j["side"] = p.side;
    j["profile"] = p.profile;
  }
  void operator()(const Message::Float& f) const {
    j["package"] = PackageJson(f.package);
    if (!f.note.empty()) j["note"] = f.note;
  }
};

}  // namespace

Bytes EncodeMessage(const Message& m) {
  Json j{
      {"v", kMessageVersion}, {"type", MessageTypeName(m)},  {"talks", m.talks},    {"mid", m.mid},
      {"from", m.from},       {"scope", ScopeJson(m.scope)}, {"time_ms", m.time_ms}};
  std::visit(BodyWriter{j}, m.body);
  const std::string text = j.dump();
  return Bytes(text.begin(), text.end());
}

Result<Message> DecodeMessage(ByteView bytes) {
  if (bytes.size() > kMaxMessageSize) {
    return InvalidMessage("talks message larger than " + std::to_string(kMaxMessageSize) +
                          " bytes");
  }
  Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidMessage("talks message is not valid JSON");
  return ReadMessage(j);
}

std::string NewMessageId() {
  std::array<std::uint8_t, 16> raw{};
  crypto::RandomBytes(raw);
  return ToBase64(raw, Base64Variant::kUrlSafeNoPadding);
}

}  // namespace backchannel::talks
