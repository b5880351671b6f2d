// The application core's error value: a stable string code and a message for
// people. Every face (the CLI now, the web app next) shows failures this way,
// and `--json` prints it as {"ok": false, "error": {"code", "message"}}
// (docs/app-api.md, docs/app-api.schema.json).
#ifndef BACKCHANNEL_APP_ERROR_H_
#define BACKCHANNEL_APP_ERROR_H_

#include <string>
#include <string_view>

#include "backchannel/common/status.h"

namespace backchannel::app {

struct Error {
  std::string code;     // one of the codes listed in the schema, e.g. "not_found"
  std::string message;  // for people; may change between versions
};

// The one place a backchannel::Status becomes an app::Error: the code is the
// status code's stable name (StatusCodeName), except for the store-opening
// failures a face must tell apart (ErrorFromOpen).
Error ErrorFrom(const Status& status);

// Opening the client home refines two codes: "no_store" (no store at the
// home) and "wrong_passphrase"; any other status maps as ErrorFrom does.
Error ErrorFromOpen(const Status& status);

// A usage or parse error found before any operation ran.
Error UsageError(std::string_view message);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_ERROR_H_
