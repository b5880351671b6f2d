// One feeler exchange as a pure state machine (docs/feelers.md §Exchange):
// messages in, messages out, time as a value, no I/O. The caller (the
// client) routes messages to the exchange they name, sends what each step
// returns over the channel, and stores Encode() sealed between steps — the
// state holds the exchange's secret scalar and the user's own topics.
//
//   Start ─► kOffered ──(peer's Offer)──► kResponded ─(peer's Response)─► kFinished ─(peer's
//   Finish)─► kDone Incoming ─► kIncoming ──(Answer: user picks own topics)──► kResponded ... any
//   open phase ──(Expire at expires_at)──► kExpired, or kWithheld from kFinished
//
// Pairing: a lone Start stays kOffered until the peer's offer arrives. Two
// offers that cross (neither names the other) pair with each other; an
// offer that answers (names) another nonce than ours is refused. Both sides
// derive the same exchange id from the two nonces and use k = max of both.
//
// Fairness, detect and attribute (Cleve 1986 rules out complete fairness):
// a side sends its Finish as soon as it has the peer's Response, before it
// learns anything. The peer may receive that Finish, learn the result and
// never send its own. If our Finish went out and theirs never came, expiry
// ends in kWithheld: shown as "<peer> could learn the result and withheld
// yours", and the peer is charged ProbingBudget's penalty. The bound,
// checked at every abort point by exchange_test: whoever aborts learns at
// most the true intersection of its own committed items with ours (no more
// than an honest run gives), and only if we had sent our Finish — in which
// case we end kWithheld, never silently kExpired.
//
// Thread safety: distinct objects are safe; shared objects are unsafe.
#ifndef BACKCHANNEL_FEELERS_EXCHANGE_H_
#define BACKCHANNEL_FEELERS_EXCHANGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/ristretto255.h"
#include "backchannel/feelers/budget.h"
#include "backchannel/feelers/context.h"
#include "backchannel/feelers/message.h"
#include "backchannel/feelers/psi.h"

namespace backchannel::feelers {

// A scope (channel or talks id) longer than this is refused.
inline constexpr std::size_t kMaxScopeBytes = 128;
// How long an exchange may stay open by default (exchanges are asynchronous).
inline constexpr std::int64_t kDefaultTtlSeconds = std::int64_t{7} * 86400;
inline constexpr std::int64_t kMaxTtlSeconds = std::int64_t{90} * 86400;

enum class Phase : std::uint8_t {
  kIncoming = 1,   // the peer offered; nothing of ours is committed yet
  kOffered = 2,    // we offered; waiting for the peer's offer
  kResponded = 3,  // paired, our Response sent; waiting for theirs
  kFinished = 4,   // our Finish sent (the peer can now learn); waiting for theirs
  kDone = 5,       // both Finishes: we know the result
  kExpired = 6,    // ended before our Finish: the peer learned nothing from us
  kWithheld = 7,   // ended after our Finish without theirs: attributed to the peer
};
std::string_view PhaseName(Phase p);

struct ExchangeParams {
  Domain domain = Domain::kFeeler;
  Variant variant = Variant::kFull;
  IdentityKey self{};
  IdentityKey peer{};
  std::string scope;  // channel or talks id
  friend bool operator==(const ExchangeParams&, const ExchangeParams&) = default;
};

class Exchange {
 public:
  // We offer first, with our own items (topics' canonical bytes, or labels)
  // and k (0: the smallest policy size that holds them). Charges the peer's
  // budget. Writes the Offer to send into *offer.
  static Result<Exchange> Start(const ExchangeParams& params, std::vector<Bytes> items,
                                std::size_t k, std::int64_t now, std::int64_t ttl_seconds,
                                ProbingBudget& budget, Bytes* offer);
  // The peer offered first (nothing paired it): kept kIncoming until our user
  // answers with topics of their own choosing. Charges the peer's budget;
  // kResourceExhausted (and no exchange) when it is spent. kInvalidArgument
  // when the offer is for another protocol or variant than `params`.
  static Result<Exchange> Incoming(const ExchangeParams& params, const Offer& offer,
                                   std::int64_t now, std::int64_t ttl_seconds,
                                   ProbingBudget& budget);

  // kIncoming only: our user's own items. Returns our Offer (naming theirs)
  // and our Response, in that order.
  Result<std::vector<Bytes>> Answer(std::vector<Bytes> items, std::size_t k, std::int64_t now);
  // kIncoming only: binds the exchange to another scope (a talks id instead
  // of the channel) before our user answers. The scope is hashed only from
  // the answer on, and an offer does not carry it: the answering user names
  // it, as the asking one did. kFailedPrecondition in any other phase,
  // kInvalidArgument for a scope that is empty or over kMaxScopeBytes.
  Status Rescope(std::string scope);
  // kOffered: the peer's offer (crossing ours, or naming ours). Returns our
  // Response.
  Result<std::vector<Bytes>> OnOffer(const Offer& offer, std::int64_t now);
  // kResponded: the peer's Response. Returns our Finish; the secret is wiped.
  Result<std::vector<Bytes>> OnResponse(const Response& response, std::int64_t now);
  // kFinished: the peer's Finish. Verifies the proof and computes the result.
  Status OnFinish(const Finish& finish, std::int64_t now);
  // Ends an open exchange whose time is up (no-op otherwise). A kWithheld
  // end charges the peer the budget's penalty. Returns the new phase.
  Phase Expire(std::int64_t now, ProbingBudget& budget);

  Phase phase() const { return phase_; }
  const ExchangeParams& params() const { return params_; }
  std::int64_t created_at() const { return created_at_; }
  std::int64_t expires_at() const { return expires_at_; }
  std::size_t k() const { return k_; }
  const Nonce& my_nonce() const { return my_nonce_; }
  // Set once paired (kResponded and later).
  const std::optional<ExchangeId>& exchange_id() const { return exchange_id_; }
  const std::vector<Bytes>& my_items() const { return my_items_; }
  // kDone, full variant: our items the peer also chose, in our order.
  std::vector<Bytes> Matched() const;
  // kDone: how many items both chose.
  std::size_t MatchCount() const { return matched_count_; }
  // kWithheld: the line the user sees.
  std::string WithheldNotice(std::string_view peer_name) const;

  // The whole state, secret included (hence SecretBytes, wiped when
  // dropped): the caller stores it sealed.
  SecretBytes Encode() const;
  // kCorrupt on anything malformed or inconsistent.
  static Result<Exchange> Decode(ByteView in);

 private:
  Exchange() = default;
  Exchange Clone() const;
  ExchangeContext Context() const;
  Result<Bytes> MakeResponse();
  Status CheckOpen(std::int64_t now) const;
  Status Commit(std::vector<Bytes> items, std::size_t k);

  ExchangeParams params_;
  Phase phase_ = Phase::kIncoming;
  std::int64_t created_at_ = 0;
  std::int64_t expires_at_ = 0;
  std::size_t k_ = 0;
  Nonce my_nonce_{};
  std::optional<Nonce> peer_nonce_;
  std::optional<ExchangeId> exchange_id_;
  // Ours. The secret is all zeros once wiped (after our Finish, or at the end).
  crypto::RistrettoSecretScalar secret_;
  crypto::RistrettoElement public_key_{};
  std::vector<Bytes> my_items_;
  MaskedSet masked_;
  // Theirs: their masked elements raised to our secret (what their Finish's
  // answer to our items is compared with), kept instead of the secret.
  std::vector<crypto::RistrettoElement> their_doubled_;
  crypto::RistrettoElement their_key_{};
  // The result.
  std::vector<std::size_t> matched_;
  std::size_t matched_count_ = 0;
};

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_EXCHANGE_H_
