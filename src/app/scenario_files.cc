#include "app/scenario_files.h"

#include <nlohmann/json.hpp>

#include "backchannel/common/file_io.h"
#include "backchannel/negotiation/io.h"

namespace backchannel::app {
namespace {

using negotiation::Domain;
using negotiation::Package;
using OffersJson = nlohmann::json;

negotiation::ImportOptions ScenarioImportOptions(bool lenient, std::vector<std::string>* warnings) {
  return {lenient ? negotiation::ParseMode::kLenient : negotiation::ParseMode::kStrict, warnings};
}

Status OffersFileError(const std::string& path, const std::string& where, const std::string& what) {
  return InvalidArgument(path + ": " + where + ": " + what);
}

}  // namespace

Result<Domain> LoadDomainFile(const std::string& path, bool lenient,
                              std::vector<std::string>* warnings) {
  return negotiation::LoadDomain(path, ScenarioImportOptions(lenient, warnings));
}

Result<LoadedScenario> LoadScenarioFiles(const std::string& domain_path,
                                         const std::vector<std::string>& profile_paths,
                                         bool lenient, std::vector<std::string>* warnings) {
  LoadedScenario s;
  BC_ASSIGN_OR_RETURN(s.domain, LoadDomainFile(domain_path, lenient, warnings));
  for (const auto& path : profile_paths) {
    BC_ASSIGN_OR_RETURN(
        auto profile,
        negotiation::LoadProfile(s.domain, path, ScenarioImportOptions(lenient, warnings)));
    s.profiles.push_back(std::move(profile));
  }
  return s;
}

Result<std::vector<std::vector<Package>>> LoadOffersFile(const std::string& path,
                                                         const Domain& domain, std::size_t sides) {
  auto read = ReadFile(path);
  if (!read) return read.error().WithContext("the offers file");
  const std::string& text = *read;
  OffersJson doc;
  try {
    doc = OffersJson::parse(text);
  } catch (const OffersJson::exception& e) {
    return InvalidArgument(path + ": malformed JSON: " + e.what());
  }
  if (!doc.is_object()) return OffersFileError(path, "/", "expected a JSON object");
  if (doc.value("format", std::string()) != "backchannel.offers") {
    return OffersFileError(path, "/format", "expected \"backchannel.offers\"");
  }
  if (!doc.contains("version") || doc["version"] != 1) {
    return OffersFileError(path, "/version", "expected 1");
  }
  const auto it = doc.find("offers");
  if (it == doc.end() || !it->is_array()) {
    return OffersFileError(path, "/offers",
                           "expected an array with one array of packages per side");
  }
  if (it->size() != sides) {
    return OffersFileError(path, "/offers",
                           "has " + std::to_string(it->size()) + " entries for " +
                               std::to_string(sides) + " profiles; give one per profile, in order");
  }
  std::vector<std::vector<Package>> offers(sides);
  for (std::size_t s = 0; s < sides; ++s) {
    const OffersJson& list = (*it)[s];
    const std::string at = "/offers/" + std::to_string(s);
    if (!list.is_array()) return OffersFileError(path, at, "expected an array of packages");
    for (std::size_t k = 0; k < list.size(); ++k) {
      const OffersJson& p = list[k];
      const std::string where = at + "/" + std::to_string(k);
      if (!p.is_object()) return OffersFileError(path, where, "expected {issue: option}");
      Package package(domain.issues.size(), 0);
      std::vector<bool> set(domain.issues.size(), false);
      for (const auto& [issue, option] : p.items()) {
        std::string at_issue = where;
        at_issue += "/";
        at_issue += issue;
        auto i = domain.IssueIndex(issue);
        if (!i) return OffersFileError(path, at_issue, "no such issue");
        if (!option.is_string()) return OffersFileError(path, at_issue, "not a string");
        auto o = domain.OptionIndex(*i, option.get<std::string>());
        if (!o) return OffersFileError(path, at_issue, std::string(o.error().message()));
        package[*i] = static_cast<std::uint32_t>(*o);
        set[*i] = true;
      }
      for (std::size_t i = 0; i < set.size(); ++i) {
        if (!set[i]) {
          return OffersFileError(path, where,
                                 "package leaves issue '" + domain.issues[i].name +
                                     "' open; offers must be complete packages");
        }
      }
      offers[s].push_back(std::move(package));
    }
  }
  return offers;
}

}  // namespace backchannel::app
