#include "backchannel/common/status.h"

namespace backchannel {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kCorrupt:
      return "corrupt";
    case StatusCode::kUnsupportedVersion:
      return "unsupported_version";
    case StatusCode::kInvalidMessage:
      return "invalid_message";
    case StatusCode::kInvalidKeyId:
      return "invalid_key_id";
    case StatusCode::kBadSignature:
      return "bad_signature";
    case StatusCode::kBadMac:
      return "bad_mac";
    case StatusCode::kDuplicateMessage:
      return "duplicate_message";
    case StatusCode::kTooManySkipped:
      return "too_many_skipped";
    case StatusCode::kUntrusted:
      return "untrusted";
    case StatusCode::kPermissionDenied:
      return "permission_denied";
    case StatusCode::kResourceExhausted:
      return "resource_exhausted";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kIoError:
      return "io_error";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Status::Status(StatusCode code, std::string_view message) {
  if (code != StatusCode::kOk) {
    state_ = std::make_shared<const State>(State{code, std::string(message)});
  }
}

std::string_view Status::message() const {
  return state_ ? std::string_view{state_->message} : std::string_view{};
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code()));
  out += ": ";
  out += message();
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message();
  return {code(), m};
}

std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.ToString(); }

}  // namespace backchannel
