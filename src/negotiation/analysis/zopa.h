// The exact number of individually rational packages (u_i >= d_i - epsilon
// for every side) by branch and bound over the issues, collapsing subtrees
// that are all in or all out (docs/analysis.md, "ZOPA").
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_ZOPA_H_
#define BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_ZOPA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation::internal {

struct ZopaCount {
  bool complete = true;     // false: the node budget ran out
  std::string count;        // exact, decimal (complete only)
  std::string lower;        // complete: == count; else packages counted in
  std::string upper;        // complete: == count; else outcomes - packages counted out
  std::uint64_t nodes = 0;  // search nodes visited
};

// REQUIRES: ValidateInputs(domain, profiles, 1) is OK.
// After more than `max_nodes` nodes the count is returned incomplete, with
// the bounds established so far.
Result<ZopaCount> CountIndividuallyRational(const Domain& domain,
                                            const std::vector<Profile>& profiles,
                                            std::uint64_t max_nodes);

}  // namespace backchannel::negotiation::internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_ANALYSIS_ZOPA_H_
