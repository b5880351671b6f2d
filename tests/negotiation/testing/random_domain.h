// Test support: seeded random domains and profiles, and brute-force reference
// answers computed by enumerating every package, for property tests of the
// exact analysis.
//
// Thread safety: functions of their arguments only.
#ifndef BACKCHANNEL_TESTS_NEGOTIATION_TESTING_RANDOM_DOMAIN_H_
#define BACKCHANNEL_TESTS_NEGOTIATION_TESTING_RANDOM_DOMAIN_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <vector>

#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation::testing {

// `issues` issues with a uniform number of options in [min_options,
// max_options]; issue i is divisible when i is even.
Domain RandomDomain(std::mt19937_64& rng, std::size_t issues, std::size_t min_options,
                    std::size_t max_options);

// A normalised profile. With grid > 0 raw evaluations and weights are
// integers in [0, grid] (so ties between packages are common); with grid == 0
// they are uniform reals. Reservation uniform in [0, max_reservation].
Profile RandomProfile(std::mt19937_64& rng, const Domain& domain, int grid, double max_reservation);

// The same profile with every utility mapped to a * u + b (a > 0, and the
// result must stay in [0, 1]): evaluations e -> a e + b, reservation too.
Profile Rescaled(const Profile& p, double a, double b);

// Calls `f` on every package of the domain, in lexicographic order.
void ForEachPackage(const Domain& domain, const std::function<void(const Package&)>& f);

// Brute force over all packages.
struct BruteForce {
  std::vector<ScoredPackage> all;     // every package, lexicographic order
  std::vector<ScoredPackage> pareto;  // not dominated (Dominates from common.h)
  std::uint64_t rational = 0;         // u_i >= d_i - epsilon for all i
};
BruteForce Enumerate(const Domain& domain, const std::vector<Profile>& profiles);

// argmax of `score` over the individually rational packages: the maximum
// score, and the lexicographically smallest Pareto package within epsilon of
// it. nullopt when no package is individually rational.
struct Optimum {
  double score = 0;
  Package package;
};
std::optional<Optimum> BruteOptimum(const BruteForce& bf, const std::vector<Profile>& profiles,
                                    const std::function<double(const ScoredPackage&)>& score);

}  // namespace backchannel::negotiation::testing

#endif  // BACKCHANNEL_TESTS_NEGOTIATION_TESTING_RANDOM_DOMAIN_H_
