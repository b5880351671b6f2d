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
  multilateral_ = false;
  models_.clear();
  last_seen_.clear();
  return Status::Ok();
}

Status BaseAgent::StartMultilateral(const Domain& domain, const Profile& own, int deadline_rounds,
                                    std::size_t sides, std::size_t self) {
  BC_RETURN_IF_ERROR(Start(domain, own, deadline_rounds));
  if (self >= sides) return InvalidArgument("side index out of range");
  multilateral_ = true;
  self_ = self;
  models_.clear();
  for (std::size_t s = 0; s < sides; ++s) {
    models_.push_back(s == self ? nullptr : std::make_unique<FrequencyModel>(domain));
  }
  last_seen_.assign(sides, std::nullopt);
  return Status::Ok();
}

Action BaseAgent::RespondMultilateral(int round, const std::optional<Package>& on_table,
                                      std::size_t maker) {
  if (!multilateral_) return Respond(round, on_table);
  std::optional<double> received_utility;
  if (on_table.has_value() && maker < models_.size() && maker != self_) {
    // An offer stays on the table while others accept it: learn it once.
    if (last_seen_[maker] != on_table && models_[maker]->Observe(*on_table).ok()) {
      last_seen_[maker] = on_table;
    }
    if (last_seen_[maker] == on_table) received_utility = own_->Utility(*on_table);
  }
  return Turn(round, received_utility);
}

double BaseAgent::min_utility() const {
  return std::min(max_utility(), std::max(own_->reservation, bids_->worst()));
}

std::size_t BaseAgent::Choose(double target) {
  if (!multilateral_) return bids_->Select(target, kWindow, *model_);
  std::vector<Profile> estimates;
  for (const auto& m : models_) {
    if (m != nullptr && m->observed() > 0) estimates.push_back(m->Estimate());
  }
  return bids_->SelectForAll(target, kWindow, estimates);
}

Action BaseAgent::Respond(int round, const std::optional<Package>& received) {
  std::optional<double> received_utility;
  if (received.has_value() && model_->Observe(*received).ok()) {
    received_utility = own_->Utility(*received);
  }
  return Turn(round, received_utility);
}

Action BaseAgent::Turn(int round, const std::optional<double>& received_utility) {
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
