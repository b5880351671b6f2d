// Reading what the negotiation commands are given: a domain with its
// profiles (any format io.h reads, strict unless --lenient; warnings go to
// stderr), and the offers file of `analyze --offers` (docs/negotiation.md,
// "Offers file").
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_CLI_INPUTS_H_
#define BACKCHANNEL_SRC_CLI_INPUTS_H_

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::cli {

struct LoadedScenario {
  negotiation::Domain domain;
  std::vector<negotiation::Profile> profiles;  // in command-line order
};

// Warnings are written to `err` as "warning: <text>".
Result<negotiation::Domain> LoadDomainFile(const std::string& path, bool lenient,
                                           std::ostream& err);
Result<LoadedScenario> LoadScenario(const std::string& domain_path,
                                    const std::vector<std::string>& profile_paths, bool lenient,
                                    std::ostream& err);

// offers[i] = complete packages side i (profile i) has put on the table.
Result<std::vector<std::vector<negotiation::Package>>> LoadOffers(const std::string& path,
                                                                  const negotiation::Domain& domain,
                                                                  std::size_t sides);

// "90", "90s", "15m", "2h": a whole number with an optional unit (seconds
// when none), from 1 s to 24 h (`agent start --idle`, `app --idle`).
Result<std::chrono::seconds> ParseIdle(const std::string& text);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_INPUTS_H_
