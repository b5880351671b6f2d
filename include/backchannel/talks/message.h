// The messages of talks carried over the channel (docs/talks.md, "Messages").
//
// Every talks message is one versioned JSON object that travels as the body
// of an "app" payload named "talks" inside a pairwise Signal session, so it
// is end-to-end encrypted, sealed-sender and deniable like any other message:
// nothing here is signed. The codec is pure and knows nothing of the domain:
// packages are written as issue → option names and checked against the
// agenda when a state applies them (state.h).
//
//   definition  host → new member; envoy → its principals: the talks
//   roster      who is at the table (host) / in the side (envoy)
//   chat        free text in a scope, exploratory or cleared
//   submit      member → host: a plenary action to be sequenced
//   event       host → table (and envoy → its principals): action #seq
//   refusal     host → submitter: why a submitted action was refused
//   draft       envoy → its side: a move awaiting clearance
//   verdict     principal → its side: approve or veto a draft, with a reason
//   profile     envoy → mediator: the side's private profile, for analysis
//   float       mediator → one side (caucus): a package to consider
//
// Decoding checks shape, sizes and names, never meaning (who may send what is
// the state's job). Malformed input is kInvalidMessage naming the field;
// another "v" is kUnsupportedVersion.
//
// Thread safety: pure functions, safe from any thread.
#ifndef BACKCHANNEL_TALKS_MESSAGE_H_
#define BACKCHANNEL_TALKS_MESSAGE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "backchannel/common/authority_key.h"
#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/negotiation/moves.h"

namespace backchannel::talks {

inline constexpr int kMessageVersion = 1;
inline constexpr std::size_t kMaxTextSize = std::size_t{8} * 1024;
inline constexpr std::size_t kMaxAgendaSize = std::size_t{32} * 1024;
inline constexpr std::size_t kMaxMembers = 64;
inline constexpr std::size_t kMaxConditions = 8;
inline constexpr std::size_t kMaxSideAuthorities = 8;  // authority keys per coalition side
inline constexpr std::size_t kMemberIdHexSize = 66;  // a member id: the 33-byte identity key in hex

// A member of the talks. `id` is the hex of the member's 33-byte identity
// key; `name` the display name of their credential.
// kTrack2: a non-governmental participant (identity::Role::kTrack2), seated
// at the table without a side; everything it says is unofficial (label.h).
enum class Role { kEnvoy, kPrincipal, kMediator, kGuarantor, kTrack2 };
struct Member {
  std::string id;
  std::string name;
  std::string side;  // empty for mediators, guarantors and Track 2 participants
  Role role = Role::kEnvoy;
  friend bool operator==(const Member&, const Member&) = default;
};

enum class ScopeKind { kPlenary, kCaucus, kInternal, kDirect };
struct Scope {
  ScopeKind kind = ScopeKind::kPlenary;
  std::string side;  // caucus, internal
  std::string to;    // direct: member id
  friend bool operator==(const Scope&, const Scope&) = default;
};

// Exploratory: personal, not cleared at home, deniable even inside the talks.
// Cleared: approved under the side's clearance rule (a tabled draft).
// Own ("own" on the wire): binding for the side but on the envoy's own
// authority, because the side has no clearance rule: nobody at home cleared
// it. How each is shown: label.h.
enum class Authority { kExploratory, kCleared, kOwn };

// issue name → option name; issues left out are open.
using PackageSpec = std::map<std::string, std::string>;

struct ConditionSpec {
  std::string text;       // "transfer supervised by the ICRC"
  std::string guarantor;  // member id of who confirms it
  friend bool operator==(const ConditionSpec&, const ConditionSpec&) = default;
};

enum class ConditionStatus { kPending, kMet, kFailed };

// A plenary action, sequenced by the host.
struct Action {
  // kIdea: a package floated as a non-binding idea (Track 2 and other
  // members without a side); never a move, never accepted or ratified.
  enum class Kind { kMove, kSuggest, kSuspend, kResume, kCondition, kIdea };
  Kind kind = Kind::kMove;
  // kMove
  negotiation::MoveKind move = negotiation::MoveKind::kPropose;
  Authority authority = Authority::kCleared;
  PackageSpec package;                    // propose, counter; kSuggest, kIdea
  std::uint64_t target = 0;               // counter, accept, reject, withdraw: a move id
  std::string suggestion;                 // accept: a mediator's suggestion id instead
  std::vector<ConditionSpec> conditions;  // propose, counter; kSuggest
  std::string reason;                     // reject, kSuspend; kCondition: the guarantor's note
  std::string note;                       // kSuggest, kIdea: the author's words
  // kCondition
  std::string condition;                               // condition id ("c1")
  ConditionStatus status = ConditionStatus::kPending;  // kMet or kFailed
  friend bool operator==(const Action&, const Action&) = default;
};

struct Definition {
  std::string title;
  std::string agenda;  // the domain in the engine's native JSON
  std::vector<std::string> sides;
  std::string host;             // member id of the sequencer (the creator)
  std::vector<Member> members;  // the table; plus the side when an envoy sends it
  std::string rule;             // the side's clearance rule (from an envoy), may be empty
  // Coalition sides (E3/EU+3): side → the Ed25519 keys of the authorities
  // that may accredit its envoys and principals (on the wire, lower-case
  // hex). A side not listed is its credential side's alone, as before. Every
  // member's client checks the members it can see against it (talks_client).
  std::map<std::string, std::vector<AuthorityPublicKey>> side_authorities;
  friend bool operator==(const Definition&, const Definition&) = default;
};

// One talks message: a header every type carries, and the body of its type.
// Each body is its own struct named as on the wire (docs/talks.md,
// "Messages"), holding only its own fields under their wire names, so no
// field means one thing for one type and another for the next.
// Fields without a value of their own start empty ({}), so a test or a
// caller may name only the fields it sets (designated initializers).
struct Message {
  // The talks' definition (above): host → new member; envoy → its principals.
  using Definition = talks::Definition;
  // A roster: who is at the table (host) / in the side (envoy).
  struct Roster {
    std::vector<Member> members{};
    std::string rule{};  // from an envoy: the side's clearance rule; may be empty
    friend bool operator==(const Roster&, const Roster&) = default;
  };
  // Free text in a scope.
  struct Chat {
    std::string text{};
    Authority authority = Authority::kExploratory;
    friend bool operator==(const Chat&, const Chat&) = default;
  };
  // Member → host: a plenary action to be sequenced.
  struct Submit {
    Action action{};
    std::string draft{};  // the id of the cleared draft this tables, or empty
    friend bool operator==(const Submit&, const Submit&) = default;
  };
  // Host → table (and envoy → its principals): action #seq.
  struct Event {
    Action action{};
    std::uint64_t seq = 0;
    std::string ref{};    // the mid of the submission it answers; empty for the host's own
    std::string side{};   // the actor's side (empty for a mediator or Track 2)
    std::string actor{};  // member id of whoever submitted the action
    std::string draft{};  // the id of the cleared draft it tables, or empty
    friend bool operator==(const Event&, const Event&) = default;
  };
  // Host → submitter: why a submitted action was refused.
  struct Refusal {
    std::string ref{};  // the submission's mid
    std::string reason{};
    friend bool operator==(const Refusal&, const Refusal&) = default;
  };
  // Envoy → its side: a move awaiting clearance.
  struct Draft {
    Action action{};        // a move
    std::string draft{};    // the draft id
    std::string revises{};  // the draft this one revises, or empty
    friend bool operator==(const Draft&, const Draft&) = default;
  };
  // Principal → its side: approve or veto a draft.
  struct Verdict {
    std::string draft{};  // the draft id
    bool approve = false;
    std::string reason{};  // required for a veto
    friend bool operator==(const Verdict&, const Verdict&) = default;
  };
  // Envoy → mediator: the side's private profile, for analysis.
  struct Profile {
    std::string side{};
    std::string profile{};  // the engine's native profile JSON
    friend bool operator==(const Profile&, const Profile&) = default;
  };
  // Mediator → one side (caucus): a package to consider.
  struct Float {
    PackageSpec package{};
    std::string note{};
    friend bool operator==(const Float&, const Float&) = default;
  };
  // In the order of the wire's type names (MessageTypeName).
  using Body = std::variant<Definition, Roster, Chat, Submit, Event, Refusal, Draft, Verdict,
                            Profile, Float>;

  std::string talks;  // talks id
  std::string mid;    // unique message id, chosen by its author
  std::string from;   // author's member id (the host for events, even forwarded)
  Scope scope;
  std::int64_t time_ms = 0;
  Body body;
  friend bool operator==(const Message&, const Message&) = default;
};

std::string_view RoleName(Role role);
std::string_view ScopeKindName(ScopeKind kind);
std::string_view AuthorityName(Authority authority);
std::string_view ConditionStatusName(ConditionStatus status);
// The wire name of the message's type: "definition", "chat", "event" ….
std::string_view MessageTypeName(const Message& message);
std::string_view ActionKindName(Action::Kind kind);
Result<Role> ParseRole(std::string_view name);
Result<Authority> ParseAuthority(std::string_view name);
Result<negotiation::MoveKind> ParseMoveKind(std::string_view name);

// Human-readable: "plenary", "caucus with Iran", "internal (United States)",
// "direct to <name>" (names resolved by the caller when it can).
std::string DescribeScope(const Scope& scope);

Bytes EncodeMessage(const Message& message);
Result<Message> DecodeMessage(ByteView bytes);

// A fresh random message id (16 bytes, base64url).
std::string NewMessageId();

}  // namespace backchannel::talks

#endif  // BACKCHANNEL_TALKS_MESSAGE_H_
