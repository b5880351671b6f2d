// The moves of a negotiation as a state machine: propose, counter, accept ad
// referendum, reject, withdraw and ratify, with the rules of docs/negotiation.md
// ("Moves"):
//
//   open ──(every side has accepted one complete offer)──▶ ad referendum
//    ▲                                                          │
//    └──────(a side that has not ratified rejects it)───────────┤
//                                                               ▼
//                                 (every side ratifies) ──▶ ratified (final)
//
// Nothing is agreed until everything is agreed: only a complete package can be
// accepted, and an agreement is one complete offer accepted by every side (its
// maker counts as accepting it). An illegal move returns a specific Status and
// changes nothing. Every move gets an id (1, 2, ...) and stays in the history.
//
// The state serializes to versioned JSON (the domain, the sides and the
// history); restoring replays the history through the same rules, so a
// restored state is always one the rules can reach.
//
// Thread safety: distinct objects safe; shared const safe; a shared object
// that is being mutated needs external synchronization.
#ifndef BACKCHANNEL_NEGOTIATION_MOVES_H_
#define BACKCHANNEL_NEGOTIATION_MOVES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation {

using MoveId = std::uint64_t;

enum class MoveKind { kPropose, kCounter, kAccept, kReject, kWithdraw, kRatify };
enum class Phase { kOpen, kAdReferendum, kRatified };

// "propose", "counter", ...; "open", "ad_referendum", "ratified".
std::string_view MoveKindName(MoveKind kind);
std::string_view PhaseName(Phase phase);

struct Move {
  MoveId id = 0;
  MoveKind kind = MoveKind::kPropose;
  std::size_t side = 0;
  PartialPackage package;  // propose, counter
  MoveId target = 0;       // counter, accept, reject, withdraw: the move referred to
  std::string reason;      // reject
};

class Negotiation {
 public:
  // REQUIRES nothing: errors are kInvalidArgument for an invalid domain, fewer
  // than two sides, or empty or repeated side names.
  static Result<Negotiation> Create(Domain domain, std::vector<std::string> sides);

  // Each returns the new move's id. Errors: kInvalidArgument (unknown side,
  // package that does not fit the domain, empty reason), kNotFound (no such
  // move), kFailedPrecondition (the move is illegal now; the message says why).
  Result<MoveId> Propose(std::size_t side, const PartialPackage& package);
  Result<MoveId> Counter(std::size_t side, MoveId offer, const PartialPackage& package);
  Result<MoveId> Accept(std::size_t side, MoveId offer);
  Result<MoveId> Reject(std::size_t side, MoveId offer, std::string reason);
  Result<MoveId> Withdraw(std::size_t side, MoveId move);
  Result<MoveId> Ratify(std::size_t side);

  const Domain& domain() const { return domain_; }
  const std::vector<std::string>& sides() const { return sides_; }
  Result<std::size_t> SideIndex(std::string_view name) const;
  const std::vector<Move>& history() const { return history_; }
  Phase phase() const { return phase_; }
  // The offer agreed ad referendum (or ratified); nullopt while open.
  std::optional<MoveId> agreement() const { return agreement_; }
  bool IsWithdrawn(MoveId move) const;
  // True when `side` made `offer` or has an accept of it that stands.
  bool Supports(std::size_t side, MoveId offer) const;
  bool HasRatified(std::size_t side) const;

  // Versioned JSON (docs/negotiation.md, "Negotiation state").
  std::string ToJson() const;
  // Errors: kCorrupt (malformed, or a history the rules reject),
  // kUnsupportedVersion.
  static Result<Negotiation> FromJson(std::string_view text);

 private:
  Negotiation(Domain domain, std::vector<std::string> sides);
  // Checks `move` against the rules; changes nothing.
  Status Check(const Move& move) const;
  // REQUIRES: Check(move).ok(). Records the move and its effects.
  MoveId Commit(Move move);
  Result<MoveId> Apply(Move move);
  Status CheckSide(std::size_t side) const;
  Status CheckPackage(const PartialPackage& package) const;
  // The offer (propose or counter) with that id, or an error.
  Result<const Move*> FindOffer(MoveId id) const;

  Domain domain_;
  std::vector<std::string> sides_;
  std::vector<Move> history_;
  std::vector<bool> withdrawn_;  // by move index
  // Per offer, per side: the move through which the side supports the offer
  // (the offer itself for its maker, or an accept that stands), 0 for none.
  std::map<MoveId, std::vector<MoveId>> support_;
  Phase phase_ = Phase::kOpen;
  std::optional<MoveId> agreement_;
  std::vector<bool> ratified_;  // by side
};

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_MOVES_H_
