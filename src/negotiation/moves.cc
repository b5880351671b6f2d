// The rules of the moves state machine (moves.h). Each move is checked in
// full by Check() before Commit() changes anything, which is what makes an
// illegal move change nothing.
#include "backchannel/negotiation/moves.h"

#include <set>
#include <utility>

namespace backchannel::negotiation {
namespace {

std::string Id(MoveId id) { return "move " + std::to_string(id); }

bool IsOffer(MoveKind k) { return k == MoveKind::kPropose || k == MoveKind::kCounter; }

bool IsComplete(const PartialPackage& p) {
  for (const auto& o : p) {
    if (!o) return false;
  }
  return true;
}

}  // namespace

std::string_view MoveKindName(MoveKind kind) {
  switch (kind) {
    case MoveKind::kPropose:
      return "propose";
    case MoveKind::kCounter:
      return "counter";
    case MoveKind::kAccept:
      return "accept";
    case MoveKind::kReject:
      return "reject";
    case MoveKind::kWithdraw:
      return "withdraw";
    case MoveKind::kRatify:
      return "ratify";
  }
  return "unknown";
}

std::string_view PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kOpen:
      return "open";
    case Phase::kAdReferendum:
      return "ad_referendum";
    case Phase::kRatified:
      return "ratified";
  }
  return "unknown";
}

Negotiation::Negotiation(Domain domain, std::vector<std::string> sides)
    : domain_(std::move(domain)), sides_(std::move(sides)), ratified_(sides_.size(), false) {}

Result<Negotiation> Negotiation::Create(Domain domain, std::vector<std::string> sides) {
  Status s = domain.Validate();
  if (!s.ok()) return InvalidArgument("invalid domain: " + std::string(s.message()));
  if (sides.size() < 2) return InvalidArgument("a negotiation needs at least two sides");
  std::set<std::string> names;
  for (const auto& side : sides) {
    if (side.empty()) return InvalidArgument("a side has an empty name");
    if (!names.insert(side).second) return InvalidArgument("side '" + side + "' appears twice");
  }
  return Negotiation(std::move(domain), std::move(sides));
}

Result<std::size_t> Negotiation::SideIndex(std::string_view name) const {
  for (std::size_t i = 0; i < sides_.size(); ++i) {
    if (sides_[i] == name) return i;
  }
  return NotFound("no side named '" + std::string(name) + "'");
}

bool Negotiation::IsWithdrawn(MoveId move) const {
  return move >= 1 && move <= withdrawn_.size() && withdrawn_[move - 1];
}

bool Negotiation::Supports(std::size_t side, MoveId offer) const {
  auto it = support_.find(offer);
  return it != support_.end() && side < it->second.size() && it->second[side] != 0 &&
         !IsWithdrawn(offer);
}

bool Negotiation::HasRatified(std::size_t side) const {
  return side < ratified_.size() && ratified_[side];
}

Status Negotiation::CheckSide(std::size_t side) const {
  if (side >= sides_.size()) {
    return InvalidArgument("no side with index " + std::to_string(side) + " (there are " +
                           std::to_string(sides_.size()) + ")");
  }
  return Status::Ok();
}

Status Negotiation::CheckPackage(const PartialPackage& package) const {
  if (package.size() != domain_.issues.size()) {
    return InvalidArgument("a package needs one entry per issue (" +
                           std::to_string(domain_.issues.size()) + "), got " +
                           std::to_string(package.size()));
  }
  bool any = false;
  for (std::size_t i = 0; i < package.size(); ++i) {
    if (!package[i]) continue;
    any = true;
    if (*package[i] >= domain_.issues[i].size()) {
      return InvalidArgument("issue '" + domain_.issues[i].name + "' has no option " +
                             std::to_string(*package[i]));
    }
  }
  if (!any) return InvalidArgument("an empty package settles no issue");
  return Status::Ok();
}

Result<const Move*> Negotiation::FindOffer(MoveId id) const {
  if (id < 1 || id > history_.size()) return NotFound("there is no " + Id(id));
  const Move& m = history_[id - 1];
  if (!IsOffer(m.kind)) {
    return FailedPrecondition(Id(id) + " is a " + std::string(MoveKindName(m.kind)) +
                              ", not an offer");
  }
  return &m;
}

Status Negotiation::Check(const Move& move) const {
  BC_RETURN_IF_ERROR(CheckSide(move.side));
  const std::string& who = sides_[move.side];
  if (phase_ == Phase::kRatified) {
    return FailedPrecondition("the negotiation is concluded: " + Id(*agreement_) +
                              " is ratified by every side");
  }
  if (phase_ == Phase::kAdReferendum && move.kind != MoveKind::kRatify &&
      move.kind != MoveKind::kReject) {
    return FailedPrecondition(Id(*agreement_) +
                              " is agreed ad referendum and awaits ratification; the only "
                              "moves now are ratify, or reject to refuse it");
  }
  switch (move.kind) {
    case MoveKind::kPropose:
      return CheckPackage(move.package);
    case MoveKind::kCounter: {
      BC_RETURN_IF_ERROR(CheckPackage(move.package));
      BC_ASSIGN_OR_RETURN(const Move* offer, FindOffer(move.target));
      if (IsWithdrawn(move.target)) {
        return FailedPrecondition(Id(move.target) + " was withdrawn and cannot be countered");
      }
      if (offer->side == move.side) {
        return FailedPrecondition(who + " cannot counter its own offer (" + Id(move.target) +
                                  "); withdraw it and propose again");
      }
      return Status::Ok();
    }
    case MoveKind::kAccept: {
      BC_ASSIGN_OR_RETURN(const Move* offer, FindOffer(move.target));
      if (IsWithdrawn(move.target)) {
        return FailedPrecondition(Id(move.target) + " was withdrawn and cannot be accepted");
      }
      if (offer->side == move.side) {
        return FailedPrecondition(who + " cannot accept its own offer (" + Id(move.target) + ")");
      }
      if (!IsComplete(offer->package)) {
        return FailedPrecondition(Id(move.target) +
                                  " is a partial package; nothing is agreed until everything is "
                                  "agreed, so only a complete package can be accepted");
      }
      if (Supports(move.side, move.target)) {
        return FailedPrecondition(who + " has already accepted " + Id(move.target));
      }
      return Status::Ok();
    }
    case MoveKind::kReject: {
      if (move.reason.empty()) return InvalidArgument("a rejection needs a reason");
      BC_ASSIGN_OR_RETURN(const Move* offer, FindOffer(move.target));
      if (IsWithdrawn(move.target)) {
        return FailedPrecondition(Id(move.target) + " was withdrawn; there is nothing to reject");
      }
      if (phase_ == Phase::kAdReferendum) {
        if (move.target != *agreement_) {
          return FailedPrecondition("only the agreement (" + Id(*agreement_) +
                                    ") can be rejected while it awaits ratification");
        }
        if (ratified_[move.side]) {
          return FailedPrecondition(who + " has already ratified " + Id(*agreement_));
        }
        return Status::Ok();
      }
      if (offer->side == move.side) {
        return FailedPrecondition(who + " cannot reject its own offer (" + Id(move.target) +
                                  "); withdraw it instead");
      }
      if (Supports(move.side, move.target)) {
        return FailedPrecondition(who + " has accepted " + Id(move.target) +
                                  "; withdraw that acceptance instead");
      }
      return Status::Ok();
    }
    case MoveKind::kWithdraw: {
      if (move.target < 1 || move.target > history_.size()) {
        return NotFound("there is no " + Id(move.target));
      }
      const Move& target = history_[move.target - 1];
      if (target.side != move.side) {
        return FailedPrecondition(who + " can only withdraw its own moves; " + Id(move.target) +
                                  " is " + sides_[target.side] + "'s");
      }
      if (!IsOffer(target.kind) && target.kind != MoveKind::kAccept) {
        return FailedPrecondition(Id(move.target) + " is a " +
                                  std::string(MoveKindName(target.kind)) +
                                  "; only offers and acceptances can be withdrawn");
      }
      if (IsWithdrawn(move.target)) {
        return FailedPrecondition(Id(move.target) + " is already withdrawn");
      }
      if (target.kind == MoveKind::kAccept) {
        auto it = support_.find(target.target);
        if (IsWithdrawn(target.target) || it == support_.end() ||
            it->second[move.side] != move.target) {
          return FailedPrecondition(Id(move.target) + " no longer stands");
        }
      }
      return Status::Ok();
    }
    case MoveKind::kRatify:
      if (phase_ != Phase::kAdReferendum) {
        return FailedPrecondition(
            "there is no agreement to ratify: an agreement needs a "
            "complete package accepted by every side");
      }
      if (ratified_[move.side]) {
        return FailedPrecondition(who + " has already ratified " + Id(*agreement_));
      }
      return Status::Ok();
  }
  return InvalidArgument("unknown move kind");
}

MoveId Negotiation::Commit(Move move) {
  const MoveId id = history_.size() + 1;
  move.id = id;
  switch (move.kind) {
    case MoveKind::kPropose:
    case MoveKind::kCounter: {
      auto& support = support_[id];
      support.assign(sides_.size(), 0);
      support[move.side] = id;  // the maker supports its own offer
      break;
    }
    case MoveKind::kAccept:
      support_[move.target][move.side] = id;
      break;
    case MoveKind::kReject:
      support_[move.target][move.side] = 0;
      if (phase_ == Phase::kAdReferendum) {  // ratification refused: talks reopen
        phase_ = Phase::kOpen;
        agreement_.reset();
        ratified_.assign(sides_.size(), false);
      }
      break;
    case MoveKind::kWithdraw: {
      withdrawn_[move.target - 1] = true;
      const Move& target = history_[move.target - 1];
      if (target.kind == MoveKind::kAccept) support_[target.target][move.side] = 0;
      break;
    }
    case MoveKind::kRatify:
      ratified_[move.side] = true;
      break;
  }
  const MoveKind kind = move.kind;
  const MoveId accepted = move.target;
  history_.push_back(std::move(move));
  withdrawn_.push_back(false);
  if (kind == MoveKind::kAccept) {
    bool all = true;
    for (std::size_t s = 0; s < sides_.size(); ++s) all = all && Supports(s, accepted);
    if (all) {
      phase_ = Phase::kAdReferendum;
      agreement_ = accepted;
      ratified_.assign(sides_.size(), false);
    }
  }
  if (kind == MoveKind::kRatify) {
    bool all = true;
    for (bool r : ratified_) all = all && r;
    if (all) phase_ = Phase::kRatified;
  }
  return id;
}

Result<MoveId> Negotiation::Apply(Move move) {
  BC_RETURN_IF_ERROR(Check(move));
  return Commit(std::move(move));
}

Result<MoveId> Negotiation::Propose(std::size_t side, const PartialPackage& package) {
  return Apply(Move{0, MoveKind::kPropose, side, package, 0, {}});
}

Result<MoveId> Negotiation::Counter(std::size_t side, MoveId offer, const PartialPackage& package) {
  return Apply(Move{0, MoveKind::kCounter, side, package, offer, {}});
}

Result<MoveId> Negotiation::Accept(std::size_t side, MoveId offer) {
  return Apply(Move{0, MoveKind::kAccept, side, {}, offer, {}});
}

Result<MoveId> Negotiation::Reject(std::size_t side, MoveId offer, std::string reason) {
  return Apply(Move{0, MoveKind::kReject, side, {}, offer, std::move(reason)});
}

Result<MoveId> Negotiation::Withdraw(std::size_t side, MoveId move) {
  return Apply(Move{0, MoveKind::kWithdraw, side, {}, move, {}});
}

Result<MoveId> Negotiation::Ratify(std::size_t side) {
  return Apply(Move{0, MoveKind::kRatify, side, {}, 0, {}});
}

}  // namespace backchannel::negotiation
