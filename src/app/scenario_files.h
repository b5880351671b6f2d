// Reading the files of a negotiation scenario for the application core
// (scenario.h): a domain with its profiles, and the offers file of `analyze
// --offers` (docs/negotiation.md, "Offers file").
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_APP_SCENARIO_FILES_H_
#define BACKCHANNEL_SRC_APP_SCENARIO_FILES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::app {

struct LoadedScenario {
  negotiation::Domain domain;
  std::vector<negotiation::Profile> profiles;  // in the order given
};

// Warnings of lenient reading are appended to `warnings` (may be null).
Result<negotiation::Domain> LoadDomainFile(const std::string& path, bool lenient,
                                           std::vector<std::string>* warnings);
Result<LoadedScenario> LoadScenarioFiles(const std::string& domain_path,
                                         const std::vector<std::string>& profile_paths,
                                         bool lenient, std::vector<std::string>* warnings);

// offers[i] = complete packages side i (profile i) has put on the table.
Result<std::vector<std::vector<negotiation::Package>>> LoadOffersFile(
    const std::string& path, const negotiation::Domain& domain, std::size_t sides);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_SRC_APP_SCENARIO_FILES_H_
