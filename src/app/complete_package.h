// A partial package (an option per issue, or none) as a complete one, or
// nullopt while any issue is open: the one conversion the talks view (each
// offer's own utility) and the analysis view (each offer's point) share.
// Internal to src/app.
#ifndef BACKCHANNEL_SRC_APP_COMPLETE_PACKAGE_H_
#define BACKCHANNEL_SRC_APP_COMPLETE_PACKAGE_H_

#include <optional>

#include "backchannel/negotiation/domain.h"

namespace backchannel::app {

inline std::optional<negotiation::Package> CompletePackage(
    const negotiation::PartialPackage& partial) {
  negotiation::Package full;
  for (const auto& option : partial) {
    if (!option) return std::nullopt;
    full.push_back(*option);
  }
  return full;
}

}  // namespace backchannel::app

#endif  // BACKCHANNEL_SRC_APP_COMPLETE_PACKAGE_H_
