#include "cli/inputs.h"

#include <charconv>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backchannel/common/file_io.h"
#include "backchannel/negotiation/io.h"

namespace backchannel::cli {
namespace {

using negotiation::Domain;
using negotiation::Package;
using Json = nlohmann::json;

negotiation::ImportOptions Options(bool lenient, std::vector<std::string>* warnings) {
  return {lenient ? negotiation::ParseMode::kLenient : negotiation::ParseMode::kStrict, warnings};
}

void Flush(std::vector<std::string>& warnings, std::ostream& err) {
  for (const auto& w : warnings) err << "warning: " << w << "\n";
  warnings.clear();
}

Status OffersError(const std::string& path, const std::string& where, const std::string& what) {
  return InvalidArgument(path + ": " + where + ": " + what);
}

}  // namespace

Result<Domain> LoadDomainFile(const std::string& path, bool lenient, std::ostream& err) {
  std::vector<std::string> warnings;
  auto domain = negotiation::LoadDomain(path, Options(lenient, &warnings));
  Flush(warnings, err);
  return domain;
}

Result<LoadedScenario> LoadScenario(const std::string& domain_path,
                                    const std::vector<std::string>& profile_paths, bool lenient,
                                    std::ostream& err) {
  LoadedScenario s;
  BC_ASSIGN_OR_RETURN(s.domain, LoadDomainFile(domain_path, lenient, err));
  for (const auto& path : profile_paths) {
    std::vector<std::string> warnings;
    auto profile = negotiation::LoadProfile(s.domain, path, Options(lenient, &warnings));
    Flush(warnings, err);
    if (!profile) return profile.error();
    s.profiles.push_back(std::move(*profile));
  }
  return s;
}

Result<std::vector<std::vector<Package>>> LoadOffers(const std::string& path, const Domain& domain,
                                                     std::size_t sides) {
  auto read = ReadFile(path);
  if (!read) return read.error().WithContext("the offers file");
  const std::string& text = *read;
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::exception& e) {
    return InvalidArgument(path + ": malformed JSON: " + e.what());
  }
  if (!doc.is_object()) return OffersError(path, "/", "expected a JSON object");
  if (doc.value("format", std::string()) != "backchannel.offers") {
    return OffersError(path, "/format", "expected \"backchannel.offers\"");
  }
  if (!doc.contains("version") || doc["version"] != 1) {
    return OffersError(path, "/version", "expected 1");
  }
  const auto it = doc.find("offers");
  if (it == doc.end() || !it->is_array()) {
    return OffersError(path, "/offers", "expected an array with one array of packages per side");
  }
  if (it->size() != sides) {
    return OffersError(path, "/offers",
                       "has " + std::to_string(it->size()) + " entries for " +
                           std::to_string(sides) + " profiles; give one per profile, in order");
  }
  std::vector<std::vector<Package>> offers(sides);
  for (std::size_t s = 0; s < sides; ++s) {
    const Json& list = (*it)[s];
    const std::string at = "/offers/" + std::to_string(s);
    if (!list.is_array()) return OffersError(path, at, "expected an array of packages");
    for (std::size_t k = 0; k < list.size(); ++k) {
      const Json& p = list[k];
      const std::string where = at + "/" + std::to_string(k);
      if (!p.is_object()) return OffersError(path, where, "expected {issue: option}");
      Package package(domain.issues.size(), 0);
      std::vector<bool> set(domain.issues.size(), false);
      for (const auto& [issue, option] : p.items()) {
        auto i = domain.IssueIndex(issue);
        if (!i) return OffersError(path, where + "/" + issue, "no such issue");
        if (!option.is_string()) return OffersError(path, where + "/" + issue, "not a string");
        auto o = domain.OptionIndex(*i, option.get<std::string>());
        if (!o) return OffersError(path, where + "/" + issue, std::string(o.error().message()));
        package[*i] = static_cast<std::uint32_t>(*o);
        set[*i] = true;
      }
      for (std::size_t i = 0; i < set.size(); ++i) {
        if (!set[i]) {
          return OffersError(path, where,
                             "package leaves issue '" + domain.issues[i].name +
                                 "' open; offers must be complete packages");
        }
      }
      offers[s].push_back(std::move(package));
    }
  }
  return offers;
}

constexpr std::chrono::seconds kMinIdle{1};
constexpr std::chrono::hours kMaxIdle{24};

// "90", "90s", "15m", "2h": a whole number with an optional unit (seconds
// when none), from 1 s to 24 h.
Result<std::chrono::seconds> ParseIdle(const std::string& text) {
  std::int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, n);
  const std::string unit(rest, end);
  std::int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (ec != std::errc() || rest == text.data() || scale == 0 || n <= 0 ||
      n > std::int64_t{24} * 3600) {
    return InvalidArgument("--idle '" + text + "': give a duration such as 90s, 15m or 2h");
  }
  const std::chrono::seconds idle{n * scale};
  if (idle < kMinIdle || idle > kMaxIdle) {
    return InvalidArgument("--idle '" + text + "': between 1s and 24h");
  }
  return idle;
}

}  // namespace backchannel::cli
