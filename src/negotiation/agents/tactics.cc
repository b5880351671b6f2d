// The concrete rehearsal agents and their registry (MakeAgent, AgentNames).
#include <cmath>

#include "negotiation/agents/base_agent.h"

namespace backchannel::negotiation {
namespace internal {
namespace {

// Faratin, Sierra and Jennings (1998): target(t) = min + (max - min)(1 - t^(1/e)).
// e < 1 holds out until late (Boulware), e > 1 concedes early (Conceder).
class TimeDependentAgent : public BaseAgent {
 public:
  TimeDependentAgent(std::string name, double e, std::uint64_t seed)
      : BaseAgent(std::move(name), seed), e_(e) {}

 protected:
  double Target(double t, const std::optional<double>& /*received*/) override {
    return min_utility() + (max_utility() - min_utility()) * (1.0 - std::pow(t, 1.0 / e_));
  }

 private:
  double e_;
};

// Relative tit-for-tat in the agent's own utility: when the counterpart's
// offer improves for us by delta, our target drops by delta; plus a small
// unconditional step of (max - min) / (2 * deadline) per turn, so that two
// tit-for-tat agents do not deadlock.
class TitForTatAgent : public BaseAgent {
 public:
  explicit TitForTatAgent(std::uint64_t seed) : BaseAgent("tit-for-tat", seed) {}

 protected:
  double Target(double /*t*/, const std::optional<double>& received) override {
    if (!target_.has_value()) target_ = max_utility();
    if (received.has_value()) {
      if (last_received_.has_value()) *target_ -= std::max(0.0, *received - *last_received_);
      last_received_ = received;
    }
    *target_ -= (max_utility() - min_utility()) / (2.0 * deadline());
    *target_ = std::max(*target_, min_utility());
    return *target_;
  }

 private:
  std::optional<double> target_;
  std::optional<double> last_received_;
};

// Never concedes: offers its best package, accepts only that much.
class HardlinerAgent : public BaseAgent {
 public:
  explicit HardlinerAgent(std::uint64_t seed) : BaseAgent("hardliner", seed) {}

 protected:
  double Target(double /*t*/, const std::optional<double>& /*received*/) override {
    return max_utility();
  }
  std::size_t Choose(double /*target*/) override { return bids().size() - 1; }
};

// A baseline: a uniformly random target between its minimum and maximum.
class RandomAgent : public BaseAgent {
 public:
  explicit RandomAgent(std::uint64_t seed) : BaseAgent("random", seed) {}

 protected:
  double Target(double /*t*/, const std::optional<double>& /*received*/) override {
    return std::uniform_real_distribution<double>(min_utility(), max_utility())(rng());
  }
};

}  // namespace
}  // namespace internal

std::vector<std::string> AgentNames() {
  return {"boulware", "conceder", "tit-for-tat", "hardliner", "random"};
}

Result<std::unique_ptr<Agent>> MakeAgent(std::string_view name, std::uint64_t seed) {
  std::unique_ptr<Agent> a;
  if (name == "boulware") {
    a = std::make_unique<internal::TimeDependentAgent>("boulware", 0.2, seed);
  } else if (name == "conceder") {
    a = std::make_unique<internal::TimeDependentAgent>("conceder", 2.0, seed);
  } else if (name == "tit-for-tat") {
    a = std::make_unique<internal::TitForTatAgent>(seed);
  } else if (name == "hardliner") {
    a = std::make_unique<internal::HardlinerAgent>(seed);
  } else if (name == "random") {
    a = std::make_unique<internal::RandomAgent>(seed);
  } else {
    return InvalidArgument("unknown agent '" + std::string(name) +
                           "' (known: boulware, conceder, tit-for-tat, hardliner, random)");
  }
  return a;
}

}  // namespace backchannel::negotiation
