// Feelers between two contacts over the channel: the pure exchange state
// machine (feelers/exchange.h) wired to one person's client (client.h), as
// talks_client does for talks. See docs/feelers.md.
//
//   persistence  everything lives in the client's encrypted store, app
//                "feelers": x/<id> holds one exchange's state (its secret
//                scalar only until our Finish is sent: the core wipes it
//                then), "budget" the probing budget, out/<n> the outbox.
//                An ended exchange stays as history (who, when, k, result)
//                until Forget deletes it.
//   receiving    the "feelers" app handler routes each message to the
//                exchange it names (an offer by the nonce it answers, or to
//                our pending offer when two cross; a response or finish by
//                its exchange id) inside the client's receive transaction:
//                a message the exchange refuses is refused whole. A handler
//                may not send, so what the exchange answers is queued in
//                the outbox and posted after the receive (Sync).
//   budget       charged by the answering side too: an incoming offer over
//                the contact's budget is refused before anything is kept.
//   expiry       every Sync, Send and List first ends exchanges whose time
//                is up (expired, or withheld: attributed to the peer).
//
// Thread safety: not thread-safe, like the Client it wraps.
#ifndef BACKCHANNEL_FEELERS_CLIENT_SERVICE_H_
#define BACKCHANNEL_FEELERS_CLIENT_SERVICE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/client/client.h"
#include "backchannel/common/result.h"
#include "backchannel/feelers/budget.h"
#include "backchannel/feelers/exchange.h"
#include "backchannel/feelers/overlap.h"

namespace backchannel::feelers_client {

inline constexpr std::string_view kApp = "feelers";
// Both sides bind every hash to this scope (with both identity keys): a
// feeler between contacts belongs to their pairwise channel.
inline constexpr std::string_view kChannelScope = "channel";
// Rounds of a blind overlap check per contact and label.
inline constexpr std::uint32_t kOverlapRounds = 3;
// The most exchanges per contact per day a home may allow (SetBudgetPerDay):
// each reveals the intersection with up to 32 guesses (a zone check: 100).
inline constexpr std::uint32_t kMaxBudgetPerDay = 24;

// One exchange as its user sees it.
struct FeelerView {
  std::string id;       // local id (hex of our nonce, or of theirs if they offered first)
  std::string contact;  // local contact name
  std::string phase;    // PhaseName: incoming, offered, responded, ...
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::size_t k = 0;
  std::vector<std::string> topics;   // our own, normalised
  std::vector<std::string> matched;  // done: our topics the contact also chose
  std::string notice;                // withheld: who could learn and withheld ours
  std::string kind = "feeler";       // feeler, or overlap (a blind overlap check)
  // overlap only (ours; empty for an incoming check not answered yet):
  std::string label;
  std::string unit;
  std::uint32_t width = 0;
  std::string side;         // at_least, at_most
  std::uint64_t value = 0;  // our own N or M
  std::string overlap;      // done: "yes" (N <= M) or "no"
  // Inside talks (a talks feeler or a zone check): the talks id; empty for
  // a feeler between contacts.
  std::string talks;
  // zone only (kind "zone"; ours, empty for an incoming check not answered):
  std::size_t candidates = 0;             // on the list
  std::size_t accepted = 0;               // of them, at or above our reservation
  bool list = false;                      // we asked for the list (both must)
  std::optional<std::size_t> zone_count;  // done: how many both accept
  // done with the list: `matched` holds the candidates both accept.
};

// One candidate package of a zone check: its id on the list and how it reads
// ("issue=option, ..."); both sides must hold the same list, in the same order.
struct ZoneCandidate {
  std::string id;
  std::string text;
};

// A blind zone-of-agreement check inside talks (docs/feelers.md §13).
struct ZoneCheck {
  std::string talks;                      // the talks id (1..64 bytes)
  std::vector<ZoneCandidate> candidates;  // at most 100
  std::vector<std::string> acceptable;    // ids of ours, at or above our reservation
  bool list = false;                      // ask for the list, not only the count
};

// What a Sync or Send did, in order, for people ("feeler with alice: ...").
struct FeelerReport {
  std::vector<std::string> events;
  std::vector<Status> refused;  // messages refused (channel or feelers)
  std::size_t queued = 0;       // messages still waiting in the outbox
};

class FeelerService {
 public:
  // Registers the feelers app handler on `client`; `client` must outlive
  // it. `now_seconds` is the clock (empty: the system clock).
  explicit FeelerService(client::Client& client, std::function<std::int64_t()> now_seconds = {},
                         feelers::BudgetPolicy policy = {});

  // Receives everything queued at the relay (results arrive here), ends
  // exchanges whose time is up, posts the outbox.
  Result<FeelerReport> Sync();
  // Ends exchanges whose time is up and posts the outbox, without receiving
  // (after another command's receive).
  Result<FeelerReport> Settle();
  // Our user's own topics for a feeler with `contact`: answers the contact's
  // pending offer if there is one, else offers. kInvalidArgument for a topic
  // that does not normalise, kResourceExhausted over the contact's budget,
  // kFailedPrecondition when our own offer to them is still pending. `k`:
  // 0 picks the smallest policy size (8, 16, 32) that holds the topics; the
  // exchange uses the larger of both sides' k. `agenda`: agenda ids ("issue"
  // or "issue:option", feelers/topic.h AgendaTopic) beside the free-text
  // `topics`; at least one of the two.
  // `talks`: a feeler inside those talks (bound to "talks/<id>" instead of
  // the channel; an incoming offer is answered inside them too); empty:
  // between contacts.
  Result<FeelerReport> Send(const std::string& contact, const std::vector<std::string>& topics,
                            std::size_t k = 0, const std::vector<std::string>& agenda = {},
                            const std::string& talks = "");
  // A blind zone check with `contact` over `check`'s candidates: answers
  // the contact's pending zone check if there is one (its list choice must
  // be ours: kFailedPrecondition otherwise, so the list is shown only when
  // both chose it), else offers. kInvalidArgument for a bad list or an
  // acceptable id not on it, kResourceExhausted over the budget,
  // kFailedPrecondition when our own zone check with them is pending.
  Result<FeelerReport> Zone(const std::string& contact, const ZoneCheck& check);
  // The local name of the contact with this identity key; kNotFound when
  // there is none (a talks member we have no channel with).
  Result<std::string> ContactName(const session::PublicKey& key);
  // A blind overlap check (docs/feelers.md §9) with `contact` on `label`:
  // we say "at least `value`" or "at most `value`"; both learn only whether
  // N <= M. Answers the contact's pending check if there is one, else
  // offers. Our value is committed per contact and label at the first round,
  // and a label has at most kOverlapRounds rounds (repeated queries would be
  // a binary search): kFailedPrecondition for another value or side,
  // kResourceExhausted past the rounds or the budget.
  Result<FeelerReport> Overlap(const std::string& contact, const feelers::OverlapLabel& label,
                               feelers::OverlapSide side, std::uint64_t value);
  // Every exchange (or those with `contact`), oldest first; incoming overlap
  // checks not answered yet come last.
  Result<std::vector<FeelerView>> List(const std::optional<std::string>& contact);
  // Exchanges `contact` may still start or answer in this window.
  Result<std::uint32_t> Remaining(const std::string& contact);
  // The budget policy in force: the home's stored one (SetBudgetPerDay, or
  // the first charge's), else the constructor's.
  Result<feelers::BudgetPolicy> Policy();
  // The home's own budget: exchanges per contact per window, both those we
  // start and those we answer (our client enforces it on incoming offers;
  // the contact's client enforces its own). kInvalidArgument outside
  // 1..kMaxBudgetPerDay.
  Status SetBudgetPerDay(std::uint32_t per_day);
  // Deletes one exchange (open or ended) and its secret. kNotFound when
  // there is none.
  Status Forget(const std::string& id);

 private:
  struct Stored {
    std::string key;
    feelers::Exchange exchange;
  };
  Status OnMessage(const client::AppMessage& am);
  // overlap.cc: an overlap offer (paired with ours, or kept until our user
  // answers with a label and value of their own), its views, its ends.
  Status OnOverlapOffer(const client::AppMessage& am, const feelers::Offer& offer,
                        std::vector<Stored>& mine, std::int64_t now);
  Status UseOverlapRound(const session::PublicKey& peer, const feelers::OverlapLabel& label,
                         feelers::OverlapSide side, std::uint64_t value);
  Status ViewOverlap(const Stored& stored, FeelerView& view);
  std::string OverlapOutcome(const Stored& stored, const std::string& contact);
  // zone.cc: the same for zone checks.
  Status OnZoneOffer(const client::AppMessage& am, const feelers::Offer& offer,
                     std::vector<Stored>& mine, std::int64_t now);
  // incoming.cc: the overlap and zone checks a contact started that wait
  // for our user's answer (views, and their expiry).
  Result<std::vector<FeelerView>> Incoming(const std::optional<session::PublicKey>& peer);
  Status ExpireIncoming(FeelerReport& report);
  Status ViewZone(const Stored& stored, FeelerView& view);
  std::string ZoneOutcome(const Stored& stored, const std::string& contact);
  Result<std::vector<Stored>> Load(const std::optional<session::PublicKey>& peer);
  Status Save(const std::string& key, const feelers::Exchange& exchange);
  Result<feelers::ProbingBudget> LoadBudget();
  Status SaveBudget(const feelers::ProbingBudget& budget);
  Status Queue(const std::string& contact, const std::vector<Bytes>& bodies);
  Status Expire(FeelerReport& report);
  Status Flush(FeelerReport& report);
  Result<FeelerView> View(const Stored& stored);
  std::string Outcome(const Stored& stored, const std::string& contact);
  std::int64_t Now() const;

  client::Client& client_;
  client::AppStore store_;
  std::function<std::int64_t()> now_;
  feelers::BudgetPolicy policy_;
  std::vector<std::string> events_;  // told by the handler, drained by Sync
};

}  // namespace backchannel::feelers_client

#endif  // BACKCHANNEL_FEELERS_CLIENT_SERVICE_H_
