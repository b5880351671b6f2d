// Reading and writing domains and profiles: the native JSON format
// (docs/negotiation.md), GENIUS XML (domain + additive utility space) and
// GeniusWeb JSON (domain + LinearAdditiveUtilitySpace profile).
//
// Strict mode reports the first problem with its file, line and element and
// fails; lenient mode reads what GENIUS reads (for example the malformed
// attribute list in Car/adg_deal.xml) and reports what it tolerated as
// warnings. Both normalise as GENIUS does (see domain.h).
#ifndef BACKCHANNEL_NEGOTIATION_IO_H_
#define BACKCHANNEL_NEGOTIATION_IO_H_

#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::negotiation {

enum class ParseMode { kStrict, kLenient };

struct ImportOptions {
  ParseMode mode = ParseMode::kStrict;
  std::vector<std::string>* warnings = nullptr;  // optional sink, "file:line: text"
};

// Format detected from content: native JSON, GeniusWeb JSON or GENIUS XML.
// Errors: kNotFound (no file), kInvalidArgument (bad content: message names
// file, line and element).
Result<Domain> LoadDomain(const std::string& path, const ImportOptions& options = {});
Result<Profile> LoadProfile(const Domain& domain, const std::string& path,
                            const ImportOptions& options = {});

// The same from memory; `source_name` is used in messages in place of a path.
Result<Domain> ParseDomain(std::string_view text, std::string_view source_name,
                           const ImportOptions& options = {});
Result<Profile> ParseProfile(const Domain& domain, std::string_view text,
                             std::string_view source_name, const ImportOptions& options = {});

// Native JSON (docs/negotiation.md).
std::string DomainToJson(const Domain& domain);
std::string ProfileToJson(const Domain& domain, const Profile& profile);

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_IO_H_
