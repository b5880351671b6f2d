// Shared state of the rehearsal agents: the bid space, the frequency model of
// the counterpart, and the acceptance rule. Each concrete agent only says how
// its target utility moves (docs/analysis.md, "Rehearsal").
//
// Thread safety: one thread at a time, as Agent.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_AGENTS_BASE_AGENT_H_
#define BACKCHANNEL_SRC_NEGOTIATION_AGENTS_BASE_AGENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "backchannel/negotiation/agents.h"
#include "backchannel/negotiation/opponent_model.h"
#include "negotiation/agents/bid_space.h"

namespace backchannel::negotiation::internal {

class BaseAgent : public Agent {
 public:
  BaseAgent(std::string name, std::uint64_t seed) : name_(std::move(name)), rng_(seed) {}
  std::string_view name() const override { return name_; }
  Status Start(const Domain& domain, const Profile& own, int deadline_rounds) override;
  // Observes `received`, asks the subclass for a target, and accepts when the
  // received offer is worth at least the offer it would make (AC_next) and at
  // least its reservation value.
  Action Respond(int round, const std::optional<Package>& received) override;
  // n sides: one frequency model per counterpart, fed with each new offer it
  // puts on the table; offers maximise the lowest estimate (SelectForAll).
  Status StartMultilateral(const Domain& domain, const Profile& own, int deadline_rounds,
                           std::size_t sides, std::size_t self) override;
  Action RespondMultilateral(int round, const std::optional<Package>& on_table,
                             std::size_t maker) override;

 protected:
  // Bids considered: every package up to this many, else a sample.
  static constexpr std::size_t kMaxBids = 200'000;
  // Window above the target within which the counterpart's estimate decides.
  static constexpr double kWindow = 0.02;

  // The target utility for this turn; `t` in [0, 1] is the time.
  virtual double Target(double t, const std::optional<double>& received_utility) = 0;
  // The package to offer for `target` (default: BidSpace::Select).
  virtual std::size_t Choose(double target);

  double max_utility() const { return bids_->best(); }
  // The lowest target worth offering: reservation or the worst bid.
  double min_utility() const;
  int deadline() const { return deadline_; }
  std::mt19937_64& rng() { return rng_; }
  const BidSpace& bids() const { return *bids_; }

 private:
  std::string name_;
  std::mt19937_64 rng_;
  const Profile* own_ = nullptr;
  int deadline_ = 1;
  std::unique_ptr<BidSpace> bids_;
  std::unique_ptr<FrequencyModel> model_;
  // n-side sessions only (empty in bilateral ones).
  std::size_t self_ = 0;
  std::vector<std::unique_ptr<FrequencyModel>> models_;  // per side; own slot null
  std::vector<std::optional<Package>> last_seen_;        // per side
  bool multilateral_ = false;

  Action Turn(int round, const std::optional<double>& received_utility);
};

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_AGENTS_BASE_AGENT_H_
