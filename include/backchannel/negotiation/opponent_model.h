// Opponent modelling: estimate a counterpart's private profile from the
// sequence of offers it made, and measure how good the estimate is.
//
// The estimator is the frequency model of automated-negotiation research
// (HardHeaded, ANAC 2011) with Laplace smoothing: an issue whose option rarely
// changes between consecutive offers gets more weight; an option offered often
// gets a higher evaluation. Details: docs/analysis.md ("Opponent model").
//
// Pure computation; no I/O. Thread safety: FrequencyModel is not synchronised
// (one writer); the free functions are reentrant.
#ifndef BACKCHANNEL_NEGOTIATION_OPPONENT_MODEL_H_
#define BACKCHANNEL_NEGOTIATION_OPPONENT_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation {

struct FrequencyModelOptions {
  // Added to an issue's raw weight each time consecutive offers keep it.
  double weight_increment = 0.1;
  // Evaluation of option o: ((count_o + 1) / (max_count + 1)) ^ value_exponent.
  double value_exponent = 0.5;
};

class FrequencyModel {
 public:
  // REQUIRES: domain.Validate() is OK; `domain` outlives the model.
  explicit FrequencyModel(const Domain& domain, FrequencyModelOptions options = {});

  // Records the counterpart's next offer. Errors: kInvalidArgument when the
  // package does not fit the domain (the model is then unchanged).
  Status Observe(const Package& offer);
  std::size_t observed() const { return observed_; }

  // The current estimate: normalised weights and evaluations (a valid Profile
  // for the domain), reservation 0, no discount. Uniform before any offer.
  Profile Estimate() const;
  // Estimated utility of a package. REQUIRES: the package fits the domain.
  double Utility(const Package& package) const;

 private:
  const Domain* domain_;
  FrequencyModelOptions options_;
  std::size_t observed_ = 0;
  Package last_;
  std::vector<double> raw_weights_;
  std::vector<std::vector<double>> counts_;
};

// Convenience: a model fed with every offer in order.
Result<Profile> EstimateProfile(const Domain& domain, const std::vector<Package>& offers,
                                const FrequencyModelOptions& options = {});

struct ModelAccuracyOptions {
  // Above this many outcomes, utilities are compared on a uniform sample.
  std::size_t max_outcomes = 200'000;
  std::uint64_t seed = 1;
};

// How close an estimate of side 1's profile is to the truth, seen from side 0.
struct ModelAccuracy {
  double pearson = 0;        // correlation of true vs estimated utilities
  std::size_t outcomes = 0;  // outcomes compared
  bool sampled = false;      // true when a sample was used
  // The frontier computed with the estimate, evaluated with the true
  // profiles: mean and max Euclidean distance of its points to the nearest
  // point of the true frontier (0 when the estimated frontier is on it).
  double frontier_distance_mean = 0;
  double frontier_distance_max = 0;
  std::size_t estimated_frontier_size = 0;
  std::size_t true_frontier_size = 0;
};

// Errors: kInvalidArgument when a profile does not fit the domain;
// kResourceExhausted from the frontier computation (analysis.h).
Result<ModelAccuracy> EvaluateModel(const Domain& domain, const Profile& own, const Profile& truth,
                                    const Profile& estimate,
                                    const ModelAccuracyOptions& options = {});

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_OPPONENT_MODEL_H_
