// Talks over the channel: the pure talks library (talks/state.h) wired to
// one person's client (client/client.h). See docs/talks.md.
//
//   persistence  everything lives in the client's encrypted store, app
//                "talks": meta/<id> (joined?, our private profile), the
//                record as the log <id> (one hash-chained entry per message
//                sent or received), head/<id>, and the outbox. The state is
//                the fold of the record, rebuilt on open.
//   receiving    the "talks" app handler decodes, applies and records each
//                message inside the client's receive transaction: a message
//                the state refuses is refused whole (nothing recorded).
//   sending      a message is applied to our state first (so an illegal one
//                is refused before anything leaves), recorded, queued in the
//                outbox per recipient, then posted; what the relay did not
//                take stays queued and goes out on the next Sync.
//   fan-out      one pairwise session per recipient (deniable, sealed
//                sender); the recipients follow from the scope (state.h).
//   reactor      after each Sync the service executes the talks library's
//                plan (talks/plan.h): the host decides submissions and
//                broadcasts events; an envoy tables its cleared drafts and
//                forwards events to its principals. Invitations and a side's
//                rule are plans too, so the test simulator runs the same rules.
//
// Thread safety: not thread-safe, like the Client it wraps.
#ifndef BACKCHANNEL_TALKS_CLIENT_SERVICE_H_
#define BACKCHANNEL_TALKS_CLIENT_SERVICE_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/client/client.h"
#include "backchannel/common/authority_key.h"
#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"
#include "backchannel/talks/message.h"
#include "backchannel/talks/plan.h"
#include "backchannel/talks/record.h"
#include "backchannel/talks/state.h"

namespace backchannel::talks_client {

inline constexpr std::string_view kApp = "talks";

// "05" + hex of the identity key: how talks name members.
std::string MemberId(const session::PublicKey& key);
// Its inverse: the identity key in a member id, nullopt unless the id is 66
// characters whose last 64 are hex. (The type byte is not checked: the talks
// codec admits any 66 lower-case hex digits as an id, and an id that names
// no contact is caught where the contact is looked up.)
std::optional<session::PublicKey> MemberKey(std::string_view member_id);

struct TalksMeta {
  std::string id;
  bool joined = false;
  std::string profile;  // our side's private profile (native JSON), may be empty
};

// One line of what happened, for people: "[talks] Zarif (Iran) proposes #2 ...".
struct Happening {
  std::string talks;
  std::string text;
};

struct SyncReport {
  client::ReceiveReport received;     // what the channel received (Sync only)
  std::vector<Happening> happenings;  // received and done, in order
  std::vector<Status> refused;        // messages refused (channel or talks)
  std::size_t queued = 0;             // messages still waiting in the outbox
};

// An introduction this member received from a host (docs/talks.md,
// "Introductions"): opened, pending (with what to do) or refused.
struct IntroductionView {
  std::string talks;
  std::string member;      // member id of the one introduced
  std::string name;        // as the host seated them
  std::string introducer;  // our contact name for the host
  std::string state;       // "opened", "known" (a contact already), "pending", "refused"
  std::string reason;      // for pending and refused: why, and what to do
  std::string side;        // the seat's side (empty at the table without one)
  std::string role;        // the seat's role (talks::RoleName)
  // The authority that accredited them: its public key in base64url, as
  // `backchannel trust list` shows and `trust add` takes it, and the side
  // its credential names.
  std::string authority_key;
  std::string authority_side;
  // For a pending one, the command that would let it open: joining the
  // talks, trusting the authority for that side and role, or (an invitation
  // outdated by a token change) syncing until the fresh one arrives.
  std::string command;
};

struct SuggestOptions {
  std::string caucus;             // float to this side only; empty: plenary single text
  std::string solution = "nash";  // nash | ks | egalitarian | utilitarian
  std::vector<talks::ConditionSpec> conditions;
  std::string note;
};

class TalksService {
 public:
  // Registers the talks app handler on `client`; `client` must outlive it.
  explicit TalksService(client::Client& client);

  // Receives everything queued at the relay, runs the reactor, flushes the
  // outbox. Errors only when the client or store fail; refusals are in the
  // report.
  Result<SyncReport> Sync();

  // Client::Listen with the talks handler in place: channel lines go to
  // `on_message`, and after each pushed message the talks it touched are
  // told to `on_happening` (then the reactor runs, as after Sync). Either
  // callback returning false stops the listen. `after_event` runs last
  // after each event (another app, e.g. feelers, posts what its handler
  // queued); returning false stops the listen too.
  Status Listen(std::chrono::milliseconds duration,
                const std::function<bool(const client::StoredMessage&)>& on_message,
                const std::function<bool(const Happening&)>& on_happening,
                const std::function<void(const Status&)>& on_refused = nullptr,
                const client::ConnectionHandler& on_connection = nullptr,
                const std::function<bool()>& after_event = nullptr);

  // Creates talks hosted by us. Our credential's role decides our seat: a
  // mediator hosts from no side, an envoy hosts for its own side (which must
  // be one of `sides`).
  Result<SyncReport> Create(const std::string& id, const std::string& title,
                            const negotiation::Domain& agenda,
                            const std::vector<std::string>& sides, const std::string& rule);
  // The same, binding coalition sides to their authorities' keys:
  // talks/coalition.h. A hosting envoy sits on the side its own credential's
  // authority is bound to.
  Result<SyncReport> Create(
      const std::string& id, const std::string& title, const negotiation::Domain& agenda,
      const std::vector<std::string>& sides, const std::string& rule,
      const std::map<std::string, std::vector<AuthorityPublicKey>>& side_authorities);
  // Host: seats a contact at the table (envoy, mediator, guarantor). Envoy:
  // brings a principal of its own side in. The role must match the
  // contact's credential (a guarantor may hold any).
  Result<SyncReport> Invite(const std::string& id, const std::string& contact, talks::Role role);
  // Consents to talks we were invited to; `profile` (native JSON or GENIUS)
  // is kept private; an envoy's `rule` goes to its principals.
  Result<SyncReport> Join(const std::string& id, const std::string& profile_text,
                          const std::string& rule);

  Result<SyncReport> Chat(const std::string& id, const talks::Scope& scope, const std::string& text,
                          talks::Authority authority);
  // A plenary action. A cleared move by an envoy whose side has a clearance
  // rule becomes a draft (`revises` names the draft it replaces); anything
  // else goes to the host. `*outcome` says which ("draft d2 ..." / "submitted").
  Result<SyncReport> Act(const std::string& id, const talks::Action& asked,
                         const std::string& revises, std::string* outcome);
  Result<SyncReport> Verdict(const std::string& id, const std::string& draft, bool approve,
                             const std::string& reason);
  Result<SyncReport> ShareProfile(const std::string& id);
  Result<SyncReport> Suggest(const std::string& id, const SuggestOptions& options,
                             talks::PackageSpec* suggested);

  // The introductions received for talks `id` (all talks when empty).
  Result<std::vector<IntroductionView>> Introductions(const std::string& id = "");
  // Those of them still pending: members whose channel is not open yet,
  // each with what to do (IntroductionView::command).
  Result<std::vector<IntroductionView>> PendingIntroductions(const std::string& id = "");

  Result<std::vector<TalksMeta>> List();
  Result<TalksMeta> Meta(const std::string& id);
  Result<talks::TalksState> State(const std::string& id);
  // The record as stored, each entry with the store's verdict.
  Result<talks::RecordVerification> VerifyRecord(const std::string& id);
  Result<std::string> ExportRecord(const std::string& id, const std::string& format);
  // The record's entries in order, as stored (no verification: VerifyRecord
  // says whether they are intact). kNotFound for unknown talks.
  Result<std::vector<talks::RecordEntry>> RecordEntries(const std::string& id);

 private:
  Status OnMessage(const client::AppMessage& am);
  Result<SyncReport> Send(const std::string& id, talks::Message m,
                          const std::optional<std::vector<talks::Member>>& to);
  Status Record(const std::string& id, const std::string& direction, const std::string& peer,
                const Bytes& body, std::int64_t time_ms);
  Status PutMeta(const TalksMeta& meta);
  Result<std::optional<TalksMeta>> FindMeta(const std::string& id);
  Result<std::vector<talks::RecordEntry>> LoadRecord(const std::string& id);
  Result<talks::RecordHead> LoadHead(const std::string& id);
  Result<talks::TalksState> Rebuild(const std::string& id);
  // Sends a plan's messages in order (talks/plan.h).
  Status Execute(const std::string& id, const talks::Plan& plan, SyncReport& report);
  Status React(const std::string& id, SyncReport& report);
  Status Flush(SyncReport& report);
  Result<std::string> ContactFor(const talks::Member& member);
  Result<talks::Member> SelfMember(const std::vector<std::string>& sides,
                                   const talks::Definition& bound);
  Status CheckSeats(const talks::Definition& definition, const std::vector<talks::Member>& members);
  Result<SyncReport> Finish(const std::string& id, SyncReport report);
  // Introductions (introductions.cc): the "introduce" app handler (a host
  // queues the introductions a member's cards ask for; a member keeps an
  // introduction from its host), then, outside the handler, what they lead
  // to: cards made and sent, introductions forwarded, channels opened.
  Status OnIntroduction(const client::AppMessage& am);
  Status RunIntroductions(SyncReport& report);
  Status MakeCards(const std::string& id, SyncReport& report);
  Status ForwardIntroductions(SyncReport& report);
  Status OpenIntroduced(SyncReport& report);

  client::Client& client_;
  client::AppStore store_;  // the talks app's data: all the store it sees
  client::AppStore intro_;  // the "introduce" app's: cards made, forwards, introductions kept
  std::string self_;
  std::map<std::string, talks::TalksState> cache_;
  std::vector<Happening> happenings_;
};

// Human line for one talks message as `state` (after it) sees it.
std::string Narrate(const talks::Message& message, const talks::TalksState& state);

}  // namespace backchannel::talks_client

#endif  // BACKCHANNEL_TALKS_CLIENT_SERVICE_H_
