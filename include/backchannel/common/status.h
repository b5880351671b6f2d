// Status: the outcome of an operation that can fail, as a value.
//
// A Status is either OK or carries a code and a human-readable message. Codes
// are coarse and stable (callers branch on them); messages are for people and
// never contain secret material. Status is cheap to copy when OK.
//
// Thread safety: distinct objects are safe; a shared object is safe for
// concurrent const use.
#ifndef BACKCHANNEL_COMMON_STATUS_H_
#define BACKCHANNEL_COMMON_STATUS_H_

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace backchannel {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // caller passed something malformed
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creating something that exists
  kFailedPrecondition,  // the operation is illegal in the current state
  kCorrupt,             // stored or serialized data fails to parse
  kUnsupportedVersion,  // a version byte or field this build does not speak
  kInvalidMessage,      // wire bytes that are malformed or truncated
  kInvalidKeyId,        // a message names a prekey we do not have
  kBadSignature,        // a signature does not verify
  kBadMac,              // a MAC or AEAD tag does not verify
  kDuplicateMessage,    // a message that was already decrypted (replay)
  kTooManySkipped,      // a message would skip more keys than allowed
  kUntrusted,           // an identity or credential we do not trust
  kPermissionDenied,
  kResourceExhausted,
  kUnavailable,
  kIoError,
  kInternal,
};

// Stable lower-case name of a code, e.g. "bad_mac", for logs and --json output.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string_view message);

  static Status Ok() { return {}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // Empty when OK.
  std::string_view message() const;
  // "OK" or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;  // null means OK
};

inline bool operator==(const Status& a, StatusCode c) { return a.code() == c; }
std::ostream& operator<<(std::ostream& os, const Status& s);

// Convenience constructors, named after the codes.
inline Status InvalidArgument(std::string_view m) { return {StatusCode::kInvalidArgument, m}; }
inline Status NotFound(std::string_view m) { return {StatusCode::kNotFound, m}; }
inline Status FailedPrecondition(std::string_view m) {
  return {StatusCode::kFailedPrecondition, m};
}
inline Status Corrupt(std::string_view m) { return {StatusCode::kCorrupt, m}; }
inline Status InvalidMessage(std::string_view m) { return {StatusCode::kInvalidMessage, m}; }
inline Status Internal(std::string_view m) { return {StatusCode::kInternal, m}; }
inline Status IoError(std::string_view m) { return {StatusCode::kIoError, m}; }

}  // namespace backchannel

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define BC_RETURN_IF_ERROR(expr)               \
  do {                                         \
    ::backchannel::Status bc_status_ = (expr); \
    if (!bc_status_.ok()) return bc_status_;   \
  } while (0)

#endif  // BACKCHANNEL_COMMON_STATUS_H_
