// Shared helpers of the negotiation fuzz targets: a small fixed domain to read
// profiles against, and invariants every successful import must satisfy
// (a profile that loads validates and round-trips through the native format).
#ifndef BACKCHANNEL_FUZZ_NEGOTIATION_FUZZ_UTIL_H_
#define BACKCHANNEL_FUZZ_NEGOTIATION_FUZZ_UTIL_H_

#include <cstdlib>

#include "backchannel/negotiation/domain.h"
#include "backchannel/negotiation/io.h"

namespace backchannel::fuzz {

// Issues "a" (x, y, z) and "b" (integer 1..3), as in the seed corpus.
inline const negotiation::Domain& SmallDomain() {
  static const negotiation::Domain d = [] {
    negotiation::Domain out;
    out.name = "small";
    out.issues.push_back({"a", negotiation::IssueKind::kDiscrete, {"x", "y", "z"}, 0, 0, false});
    out.issues.push_back({"b", negotiation::IssueKind::kInteger, {"1", "2", "3"}, 1, 3, false});
    return out;
  }();
  return d;
}

inline void CheckProfile(const negotiation::Domain& domain,
                         const Result<negotiation::Profile>& profile) {
  if (!profile) return;
  if (!profile->Validate(domain).ok()) std::abort();
  const std::string json = negotiation::ProfileToJson(domain, *profile);
  auto again = negotiation::ParseProfile(domain, json, "roundtrip.json");
  if (!again || again->evaluations != profile->evaluations) std::abort();
}

inline void CheckDomain(const Result<negotiation::Domain>& domain) {
  if (!domain) return;
  if (!domain->Validate().ok()) std::abort();
  const std::string json = negotiation::DomainToJson(*domain);
  auto again = negotiation::ParseDomain(json, "roundtrip.json");
  if (!again || negotiation::DomainToJson(*again) != json) std::abort();
}

}  // namespace backchannel::fuzz

#endif  // BACKCHANNEL_FUZZ_NEGOTIATION_FUZZ_UTIL_H_
