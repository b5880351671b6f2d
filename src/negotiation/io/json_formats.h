// The JSON importers (not public API): parsing a document once, with a depth
// limit and line numbers in errors, then reading it as GeniusWeb or native.
// Every nlohmann exception is caught inside these functions.
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_IO_JSON_FORMATS_H_
#define BACKCHANNEL_SRC_NEGOTIATION_IO_JSON_FORMATS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"
#include "negotiation/io/io_internal.h"

namespace backchannel::negotiation::io_internal {

// Object keys keep their file order: GeniusWeb lists issues as object keys.
using Json = nlohmann::ordered_json;

// Parses `text`; errors carry the line and column. Refuses nesting deeper
// than kMaxJsonDepth before parsing.
Result<Json> ParseJsonDocument(std::string_view text, const Diagnostics& diag);

// Which importer reads a JSON document.
enum class JsonKind { kNativeDomain, kNativeProfile, kGeniusWebDomain, kGeniusWebProfile };
Result<JsonKind> ClassifyJson(const Json& doc, const Diagnostics& diag);

Result<Domain> ParseGeniusWebDomain(const Json& doc, const Diagnostics& diag);
Result<Profile> ParseGeniusWebProfile(const Domain& domain, const Json& doc,
                                      const Diagnostics& diag);
Result<Domain> ParseNativeDomain(const Json& doc, const Diagnostics& diag);
Result<Profile> ParseNativeProfile(const Domain& domain, const Json& doc, const Diagnostics& diag);

// A JSON value's short type name, for messages.
std::string TypeName(const Json& j);

}  // namespace backchannel::negotiation::io_internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_IO_JSON_FORMATS_H_
