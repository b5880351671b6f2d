// app::Error from backchannel::Status (error.h).
#include "backchannel/app/error.h"

namespace backchannel::app {

Error ErrorFrom(const Status& status) {
  return Error{std::string(StatusCodeName(status.code())), std::string(status.message())};
}

Error ErrorFromOpen(const Status& status) {
  // LocalStore::Open reports a missing store as kNotFound and a failed key
  // check as kPermissionDenied; nothing else in opening uses those codes.
  if (status.code() == StatusCode::kNotFound) {
    return Error{"no_store", std::string(status.message())};
  }
  if (status.code() == StatusCode::kPermissionDenied) {
    return Error{"wrong_passphrase", std::string(status.message())};
  }
  return ErrorFrom(status);
}

Error UsageError(std::string_view message) { return Error{"usage", std::string(message)}; }

}  // namespace backchannel::app
