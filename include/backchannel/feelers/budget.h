// The probing budget (docs/feelers.md §Probing limits): how many feeler
// exchanges a contact may take part in with us per window (default 3 a day).
// It is enforced by the side being asked as well as the side asking — an
// incoming offer over budget is refused before any state is kept — so a
// counterpart cannot binary-search our topics by sending offer after offer.
// An exchange the contact withheld (exchange.h, kWithheld) costs it a
// penalty on top, by default a whole window's budget.
//
// Pure: time comes in as seconds since the epoch (REQUIRES: now >= 0 in
// every call). Serialisable, so the
// client keeps it in its store next to the exchanges.
//
// Thread safety: distinct objects are safe; shared objects are unsafe.
#ifndef BACKCHANNEL_FEELERS_BUDGET_H_
#define BACKCHANNEL_FEELERS_BUDGET_H_

#include <cstdint>
#include <map>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/feelers/context.h"

namespace backchannel::feelers {

struct BudgetPolicy {
  std::uint32_t per_window = 3;         // exchanges per contact per window
  std::int64_t window_seconds = 86400;  // a day
  std::uint32_t withhold_penalty = 3;   // extra units charged for a withheld finish
};

class ProbingBudget {
 public:
  explicit ProbingBudget(BudgetPolicy policy = {}) : policy_(policy) {}

  const BudgetPolicy& policy() const { return policy_; }
  // The home's own choice of exchanges per contact per window (the charges
  // so far stay, and count against the new figure).
  void set_per_window(std::uint32_t per_window) { policy_.per_window = per_window; }
  // Units charged to `contact` in the window ending at `now`.
  std::uint32_t Used(const IdentityKey& contact, std::int64_t now) const;
  // Exchanges `contact` may still start or answer now.
  std::uint32_t Remaining(const IdentityKey& contact, std::int64_t now) const;
  // Charges one exchange. kResourceExhausted (and no change) when the
  // window's budget is spent.
  Status ChargeExchange(const IdentityKey& contact, std::int64_t now);
  // Charges the withholding penalty (never refused: it may overdraw).
  void ChargePenalty(const IdentityKey& contact, std::int64_t now);

  Bytes Encode() const;
  // kCorrupt on anything malformed.
  static Result<ProbingBudget> Decode(ByteView in);

 private:
  struct Charge {
    std::int64_t at;
    std::uint32_t units;
  };
  void Prune(std::vector<Charge>& charges, std::int64_t now) const;

  BudgetPolicy policy_;
  std::map<IdentityKey, std::vector<Charge>> charges_;
};

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_BUDGET_H_
