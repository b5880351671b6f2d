// Requests to the application core, one struct per operation, and the one
// decoder and validator every face goes through: the CLI builds the structs
// from its arguments, the web app will send them as JSON ({"op": ..., ...},
// docs/app-api.md "Requests"). A refused request is an InvalidArgument
// status (app::ErrorFrom: "invalid_argument") naming the field; decoding and
// validating change no state.
#ifndef BACKCHANNEL_APP_REQUEST_H_
#define BACKCHANNEL_APP_REQUEST_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "backchannel/app/talks_view.h"
#include "backchannel/common/result.h"
#include "backchannel/identity/credential.h"

namespace backchannel::app {

// Limits a request is held to before any operation runs.
inline constexpr std::size_t kMaxRequestSize = std::size_t{256} * 1024;  // bytes of JSON
inline constexpr std::size_t kMaxNameSize = 128;                         // contact, member, scope
inline constexpr std::size_t kMaxTalksIdSize = 64;                       // as TalksService::Create
inline constexpr std::size_t kMaxTextSize = std::size_t{64} * 1024;      // words, reasons
inline constexpr std::size_t kMaxConditions = 16;                        // per offer

struct ContactsRequest {};
struct SendRequest {
  std::string contact;
  std::string text;
};
struct InboxRequest {
  std::string contact;  // empty: every contact
  bool offline = false;
};
struct TalksStatusRequest {
  std::string talks;  // empty: every talks
};
struct TalksSayRequest {
  std::string talks;
  std::string scope = "plenary";  // plenary, caucus:SIDE, internal, direct:NAME
  std::string text;
  bool cleared = false;  // speak with authority (default: exploratory)
};
// propose and counter (a package, maybe conditions), accept (a target move
// or a mediator's suggestion), reject (a target and a reason), withdraw (a
// target), ratify (nothing more).
struct TalksMoveRequest {
  std::string talks;
  std::string move;
  std::uint64_t target = 0;
  PackageView package;
  std::string reason;
  std::string revises;                  // a draft id this one replaces
  std::string suggestion;               // accept: the mediator's suggestion id instead of a target
  std::vector<std::string> conditions;  // offers: "TEXT@GUARANTOR NAME"
  bool exploratory = false;             // personal, not cleared at home
};
struct TalksVerdictRequest {
  std::string talks;
  std::string draft;
  bool approve = true;
  std::string reason;
};

// The home's channel operations the web app's views need (issue 17); the
// CLI reaches the same Channel methods through its own arguments.
struct StatusRequest {};
struct CredentialImportRequest {
  std::string credential;  // the credential file's text (base64url)
};
struct TrustListRequest {};
struct TrustAddRequest {
  identity::AuthorityPublicKey key;  // JSON: base64url or hex, as `trust add` takes it
  std::string label;                 // empty: the first side
  std::vector<std::string> sides;
  std::vector<std::string> roles;  // empty: envoy, principal, mediator
};
struct TrustRemoveRequest {
  std::string label;
};
struct PendingListRequest {};
struct InviteRequest {
  bool rotate = false;
};
struct AcceptRequest {
  std::string code;  // bc1-...
  std::string name;  // empty: the invitation's display name
};
struct FingerprintRequest {
  std::string contact;
  bool compared = false;  // record "compared in person" first
};
struct OutboxRequest {
  std::string contact;  // empty: every contact
  bool flush = false;
  std::string cancel;  // a message id (or a unique prefix) to withdraw first
};
struct ConversationRequest {
  std::string contact;
};

// The talks operations of issue 18 (docs/app-api.md "Talks"): every talks
// operation the CLI has, and the data the package builder and the analysis
// chart draw. Decoded and validated in talks_request.cc.
inline constexpr std::size_t kMaxDomainTextSize = std::size_t{192} * 1024;  // a domain file
inline constexpr std::size_t kMaxSides = 16;
inline constexpr std::size_t kDefaultAnalysisCap = 2000;
inline constexpr std::size_t kMaxAnalysisCap = 20000;

struct TalksCreateRequest {
  std::string talks;
  std::string title;
  std::string domain;  // the domain file's text: GENIUS XML, GeniusWeb or native JSON
  std::vector<std::string> sides;
  std::string rule;
  // side → its authorities' keys (JSON: base64url or hex strings).
  std::map<std::string, std::vector<identity::AuthorityPublicKey>> side_authorities;
};
struct TalksInviteRequest {
  std::string talks;
  std::string contact;
  std::string role;  // envoy, principal, mediator, guarantor, track2
};
struct TalksJoinRequest {
  std::string talks;
  std::string profile;  // native profile JSON (or GENIUS), may be empty
  std::string rule;
};
struct TalksAgendaRequest {
  std::string talks;
};
struct TalksProfileComposeRequest {
  std::string talks;
  std::map<std::string, double> weights;                        // issue → weight
  std::map<std::string, std::map<std::string, double>> values;  // issue → option → value
  double reservation = 0;
};
struct TalksEvaluateRequest {
  std::string talks;
  PackageView package;  // may be partial (even empty)
};
struct TalksShareRequest {
  std::string talks;
};
struct TalksSuggestRequest {
  std::string talks;
  std::string solution = "nash";  // nash, ks, egalitarian, utilitarian
  std::string caucus;             // a side, or empty: plenary single text
  std::vector<std::string> conditions;
  std::string note;
};
struct TalksIdeaRequest {
  std::string talks;
  PackageView package;
  std::string note;
};
struct TalksConditionRequest {
  std::string talks;
  std::string condition;  // c1, ...
  std::string status;     // met or failed
  std::string note;
};
struct TalksSuspendRequest {
  std::string talks;
  std::string reason;
};
struct TalksResumeRequest {
  std::string talks;
};
struct TalksAnalysisRequest {
  std::string talks;
  std::uint64_t cap = kDefaultAnalysisCap;  // 1..kMaxAnalysisCap sample points
};
struct RecordVerifyRequest {
  std::string talks;
};
struct RecordExportRequest {
  std::string talks;
  std::string format = "md";  // md or json
};

// ---- feelers (issue 15; docs/feelers.md, docs/app-api.md "Requests") ----
// Between two contacts on the channel; the answers are feeler_report and
// feeler_status (docs/app-api.schema.json), run by app::ExecuteFeeler
// (feeler_ops.h) on the home's FeelerService.
inline constexpr std::size_t kMaxFeelerTopics = 32;  // the largest policy k
struct FeelerSendRequest {
  std::string contact;
  std::vector<std::string> topics;  // our user's own: free text, normalised
  std::vector<std::string> agenda;  // our user's own agenda ids: "issue" or "issue:option"
  std::uint64_t k = 0;              // 0: the smallest of 8, 16, 32 that holds them
};
struct FeelerStatusRequest {
  std::string contact;  // empty: every contact
};
// Exactly one of `id` (one exchange) or `contact` (every exchange with them).
struct FeelerForgetRequest {
  std::string id;
  std::string contact;
};
// A blind overlap check: exactly one of at_least (N) or at_most (M), which
// must fit in `width` bits; both sides learn only whether N <= M.
struct FeelerOverlapRequest {
  std::string contact;
  std::string label;           // the agreed issue, 1..64 bytes
  std::string unit = "units";  // the agreed unit, 1..32 bytes
  std::uint64_t width = 32;    // bits, 1..32
  std::optional<std::uint64_t> at_least;
  std::optional<std::uint64_t> at_most;
};
// The home's own probing budget (docs/feelers.md §7): shown, or set to
// `per_day` exchanges per contact per day (1..24).
struct FeelerBudgetRequest {
  std::optional<std::uint64_t> per_day;
};
// Inside talks (docs/feelers.md §13): a feeler between two members, bound
// to the talks id; a topic that names an agenda issue or issue:option of the
// talks is that agenda id, any other is free text.
struct TalksFeelerRequest {
  std::string talks;
  std::string to;                   // a member's name or member id
  std::vector<std::string> topics;  // our user's own
  std::uint64_t k = 0;
};
// A blind zone of agreement with a member over `candidates` (each a complete
// package "issue=option, ..."; at most 100; empty: the default list,
// docs/feelers.md §13), each side accepting the candidates at or above its
// own profile's reservation. Both learn only how many both accept, the list
// only when both set `list`.
inline constexpr std::size_t kMaxZoneCandidates = 100;
struct TalksZoneRequest {
  std::string talks;
  std::string to;
  std::vector<std::string> candidates;
  bool list = false;
};
// ---- end feelers ----

// Limits of the new operations' fields.
inline constexpr std::size_t kMaxCodeSize = 4096;  // an invitation or credential text
inline constexpr std::size_t kMaxScopeItems = 16;  // sides or roles of a trust

using Request =
    std::variant<ContactsRequest, SendRequest, InboxRequest, TalksStatusRequest, TalksSayRequest,
                 TalksMoveRequest, TalksVerdictRequest, StatusRequest, CredentialImportRequest,
                 TrustListRequest, TrustAddRequest, TrustRemoveRequest, PendingListRequest,
                 InviteRequest, AcceptRequest, FingerprintRequest, OutboxRequest,
                 ConversationRequest,
                 // issue 18: talks
                 TalksCreateRequest, TalksInviteRequest, TalksJoinRequest, TalksAgendaRequest,
                 TalksProfileComposeRequest, TalksEvaluateRequest, TalksShareRequest,
                 TalksSuggestRequest, TalksIdeaRequest, TalksConditionRequest, TalksSuspendRequest,
                 TalksResumeRequest, TalksAnalysisRequest, RecordVerifyRequest, RecordExportRequest,
                 // issue 15: feelers
                 FeelerSendRequest, FeelerStatusRequest, FeelerForgetRequest, FeelerOverlapRequest,
                 TalksFeelerRequest, TalksZoneRequest, FeelerBudgetRequest>;

// The request's "op" name: "contacts", "send", "inbox", "talks.status",
// "talks.say", "talks.move", "talks.verdict", "status", "credential.import",
// "trust.list", "trust.add", "trust.remove", "pending", "invite", "accept",
// "fingerprint", "outbox", "conversation", then the talks operations of
// issue 18: "talks.create", "talks.invite", "talks.join", "talks.agenda",
// "talks.profile.compose", "talks.evaluate", "talks.share", "talks.suggest",
// "talks.idea", "talks.condition", "talks.suspend", "talks.resume",
// "talks.analysis", "record.verify", "record.export".
std::string_view OpName(const Request& request);

// Checks every field of a request (however it was built): required fields,
// sizes, names without control characters, talks ids, move kinds and the
// fields each kind needs.
Status ValidateRequest(const Request& request);

// Decodes one JSON object and validates it. Unknown "op", unknown or
// mistyped fields, more than kMaxRequestSize bytes: kInvalidArgument.
Result<Request> DecodeRequest(std::string_view json);

// An authority key as people paste it: base64url (as `trust list` shows
// it) or hex. kInvalidArgument otherwise.
Result<identity::AuthorityPublicKey> ParseKeyText(std::string_view text);

// "issue=option, issue=option" (',' or ';' between pairs), the text form of
// a package every face accepts.
Result<PackageView> ParsePackageText(std::string_view text);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_REQUEST_H_
