// The JSON shape every `--json` output shares (docs/app-api.md): one object
// with "ok"; on failure also "error": {"code", "message"}. The command's own
// fields sit beside "ok" on success (and, for talks commands, on failure as
// well: what the sync did before the refusal).
#ifndef BACKCHANNEL_APP_JSON_H_
#define BACKCHANNEL_APP_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "backchannel/app/error.h"

namespace backchannel::app {

using Json = nlohmann::ordered_json;

// {"ok": false, "error": {"code": ..., "message": ...}}
Json ErrorDocument(const Error& error);

// Puts "ok" first in `body` (a command's own fields) and, when `error` is
// given, the error object last.
Json Document(const Json& body, const Error* error = nullptr);

// One line of JSON (NDJSON, `listen --json`) or an indented object; invalid
// UTF-8 in user text is replaced rather than thrown on.
std::string Dump(const Json& j, bool one_line = false);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_JSON_H_
