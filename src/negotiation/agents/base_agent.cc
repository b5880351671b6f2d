#include "negotiation/agents/base_agent.h"

#include <algorithm>

namespace backchannel::negotiation::internal {

Status BaseAgent::Start(const Domain& domain, const Profile& own, int deadline_rounds) {
  BC_RETURN_IF_ERROR(domain.Validate());
  BC_RETURN_IF_ERROR(own.Validate(domain));
  if (deadline_rounds < 1) return InvalidArgument("deadline_rounds must be at least 1");
  own_ = &own;
  deadline_ = deadline_rounds;
  bids_ = std::make_unique<BidSpace>(domain, own, kMaxBids, rng_);
  model_ = std::make_unique<FrequencyModel>(domain);
  return Status::Ok();
}

double BaseAgent::min_utility() const {
  return std::min(max_utility(), std::max(own_->reservation, bids_->worst()));
}

std::size_t BaseAgent::Choose(double target) { return bids_->Select(target, kWindow, *model_); }

Action BaseAgent::Respond(int round, const std::optional<Package>& received) {
  std::optional<double> received_utility;
  if (received.has_value() && model_->Observe(*received).ok()) {
    received_utility = own_->Utility(*received);
  }
  const double t =
      deadline_ <= 1 ? 1.0 : static_cast<double>(round) / static_cast<double>(deadline_ - 1);
  const double target =
      std::clamp(Target(std::clamp(t, 0.0, 1.0), received_utility), min_utility(), max_utility());
  const std::size_t pick = Choose(target);
  if (received_utility.has_value() && *received_utility >= own_->reservation &&
      *received_utility >= bids_->utility(pick)) {
    return Action{Action::Kind::kAccept, {}};
  }
  return Action{Action::Kind::kOffer, bids_->bid(pick)};
}

}  // namespace backchannel::negotiation::internal
