// Browser sessions of one app instance. A session is a cookie named
// `bc_session_<INSTANCE>` (INSTANCE: 16 random hex digits per process)
// holding 32 random bytes: cookies are shared by every port of 127.0.0.1,
// so several apps on one machine must neither overwrite each other's cookie
// (distinct names) nor accept it (the value is only in this table).
//
// Thread safety: every method may be called from any thread.
#ifndef BACKCHANNEL_WEBAPP_SESSION_TABLE_H_
#define BACKCHANNEL_WEBAPP_SESSION_TABLE_H_

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace backchannel::webapp {

// A session per browser tab that redeemed a token; the token is single-use,
// so a handful is plenty, and the oldest goes first past the bound.
inline constexpr std::size_t kMaxSessions = 8;

class SessionTable {
 public:
  explicit SessionTable(std::string instance);
  ~SessionTable();
  SessionTable(const SessionTable&) = delete;
  SessionTable& operator=(const SessionTable&) = delete;
  SessionTable(SessionTable&&) = delete;
  SessionTable& operator=(SessionTable&&) = delete;

  const std::string& instance() const { return instance_; }
  const std::string& cookie_name() const { return cookie_name_; }

  // A new session; returns the Set-Cookie header value.
  std::string Create();
  // True when the Cookie header carries this instance's cookie with a live
  // session's value. Other cookies (other instances) are ignored.
  bool Check(std::string_view cookie_header) const;
  // Ends every session (nothing yet needs it but the destructor).
  void Clear();

 private:
  std::string instance_;
  std::string cookie_name_;
  mutable std::mutex mu_;
  std::vector<std::string> sessions_;
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"); empty when
// absent. Exposed for the fuzz target.
std::string_view CookieValue(std::string_view header, std::string_view name);

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_SESSION_TABLE_H_
