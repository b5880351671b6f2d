#include <algorithm>
#include <cmath>
#include <numeric>

#include "backchannel/negotiation/opponent_model.h"
#include "negotiation/analysis/common.h"

namespace backchannel::negotiation {

FrequencyModel::FrequencyModel(const Domain& domain, FrequencyModelOptions options)
    : domain_(&domain), options_(options), raw_weights_(domain.issues.size(), 1.0) {
  for (const auto& issue : domain.issues) counts_.emplace_back(issue.size(), 0.0);
}

Status FrequencyModel::Observe(const Package& offer) {
  BC_RETURN_IF_ERROR(internal::ValidatePackage(*domain_, offer));
  if (observed_ > 0) {
    // An issue the counterpart keeps fixed between consecutive offers is one
    // it cares about.
    for (std::size_t i = 0; i < offer.size(); ++i) {
      if (offer[i] == last_[i]) raw_weights_[i] += options_.weight_increment;
    }
  }
  for (std::size_t i = 0; i < offer.size(); ++i) counts_[i][offer[i]] += 1.0;
  last_ = offer;
  ++observed_;
  return Status::Ok();
}

Profile FrequencyModel::Estimate() const {
  Profile p;
  p.name = "frequency model";
  const double total = std::accumulate(raw_weights_.begin(), raw_weights_.end(), 0.0);
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    p.weights.push_back(raw_weights_[i] / total);
    const double top = *std::max_element(counts_[i].begin(), counts_[i].end());
    std::vector<double> e;
    e.reserve(counts_[i].size());
    for (double c : counts_[i])
      e.push_back(std::pow((c + 1.0) / (top + 1.0), options_.value_exponent));
    p.evaluations.push_back(std::move(e));
  }
  return p;
}

double FrequencyModel::Utility(const Package& package) const {
  const double total = std::accumulate(raw_weights_.begin(), raw_weights_.end(), 0.0);
  double u = 0;
  for (std::size_t i = 0; i < package.size(); ++i) {
    const double top = *std::max_element(counts_[i].begin(), counts_[i].end());
    u += raw_weights_[i] / total *
         std::pow((counts_[i][package[i]] + 1.0) / (top + 1.0), options_.value_exponent);
  }
  return u;
}

Result<Profile> EstimateProfile(const Domain& domain, const std::vector<Package>& offers,
                                const FrequencyModelOptions& options) {
  BC_RETURN_IF_ERROR(domain.Validate());
  FrequencyModel model(domain, options);
  for (const Package& p : offers) BC_RETURN_IF_ERROR(model.Observe(p));
  return model.Estimate();
}

}  // namespace backchannel::negotiation
