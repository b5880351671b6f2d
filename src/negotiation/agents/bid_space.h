// The packages a rehearsal agent considers, sorted by its own utility, and
// the choice of an offer near a target utility (docs/analysis.md,
// "Rehearsal").
//
// Thread safety: immutable after construction; shared const use is safe.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_AGENTS_BID_SPACE_H_
#define BACKCHANNEL_SRC_NEGOTIATION_AGENTS_BID_SPACE_H_

#include <cstdint>
#include <random>
#include <vector>

#include "backchannel/negotiation/domain.h"
#include "backchannel/negotiation/opponent_model.h"

namespace backchannel::negotiation::internal {

class BidSpace {
 public:
  // Every package when there are at most `max_bids`; otherwise the agent's
  // best package plus `max_bids` uniform samples (drawn from `rng`).
  // REQUIRES: own fits domain.
  BidSpace(const Domain& domain, const Profile& own, std::size_t max_bids, std::mt19937_64& rng);

  double best() const { return utilities_.back(); }
  double worst() const { return utilities_.front(); }
  const Package& best_package() const { return bids_.back(); }
  std::size_t size() const { return bids_.size(); }
  const Package& bid(std::size_t i) const { return bids_[i]; }
  double utility(std::size_t i) const { return utilities_[i]; }

  // Index of the offer for `target`: among the bids with own utility in
  // [target, target + window] (or, if none, the cheapest bid above target, or
  // the best bid when target is above every bid) the one `model` rates best
  // for the counterpart; ties go to the higher own utility.
  std::size_t Select(double target, double window, const FrequencyModel& model) const;
  // Several counterparts (n-side sessions): the same window, and the bid
  // whose lowest estimated utility over `estimates` (one profile estimated
  // per counterpart) is highest. With no estimate, the cheapest bid.
  std::size_t SelectForAll(double target, double window,
                           const std::vector<Profile>& estimates) const;

 private:
  std::vector<Package> bids_;  // ascending own utility
  std::vector<double> utilities_;
};

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_AGENTS_BID_SPACE_H_
