// Reading and writing domains and profiles: the native JSON format, GENIUS
// XML (domain + additive utility space) and GeniusWeb JSON (domain +
// LinearAdditiveUtilitySpace profile). Formats, fields and semantics are in
// docs/negotiation.md ("Reading files", "Native format").
//
// Strict mode reports the first problem as "FILE:LINE: ELEMENT: what" (XML)
// or "FILE: /json/pointer: what" (JSON) and fails; lenient mode reads what
// GENIUS reads (for example the malformed attribute list in Car/adg_deal.xml)
// and reports what it tolerated as warnings. Both normalise as GENIUS does
// (see domain.h). No function throws; hostile input gets a Status.
//
// Thread safety: the functions are reentrant (the XML reader installs
// libxml2's per-thread error handlers for the duration of a call).
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
// LoadDomain also reads the agenda of a GENIUS or GeniusWeb profile file.
// Errors: kNotFound (no file), kIoError (unreadable), kInvalidArgument (bad
// content: the message names file, line and element), kUnsupportedVersion
// (a native file of another version).
Result<Domain> LoadDomain(const std::string& path, const ImportOptions& options = {});
Result<Profile> LoadProfile(const Domain& domain, const std::string& path,
                            const ImportOptions& options = {});

// The same from memory; `source_name` is used in messages in place of a path.
Result<Domain> ParseDomain(std::string_view text, std::string_view source_name,
                           const ImportOptions& options = {});
Result<Profile> ParseProfile(const Domain& domain, std::string_view text,
                             std::string_view source_name, const ImportOptions& options = {});

// Native JSON (docs/negotiation.md, "Native format"); ParseDomain and
// ParseProfile read it back exactly.
std::string DomainToJson(const Domain& domain);
std::string ProfileToJson(const Domain& domain, const Profile& profile);

}  // namespace backchannel::negotiation

#endif  // BACKCHANNEL_NEGOTIATION_IO_H_
