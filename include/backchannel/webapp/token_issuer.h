// The URL token (`#token=...` on the first stdout line): single-use and
// valid for 60 s, because it sits in terminal scrollback and in `ps`-visible
// browser arguments. Exchanged once for a session cookie (session_table.h).
//
// Thread safety: every method may be called from any thread.
#ifndef BACKCHANNEL_WEBAPP_TOKEN_ISSUER_H_
#define BACKCHANNEL_WEBAPP_TOKEN_ISSUER_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "backchannel/webapp/clock.h"

namespace backchannel::webapp {

inline constexpr std::int64_t kTokenLifetimeMs = 60'000;

class TokenIssuer {
 public:
  explicit TokenIssuer(Clock clock = SteadyNowMs) : clock_(std::move(clock)) {}
  ~TokenIssuer();
  TokenIssuer(const TokenIssuer&) = delete;
  TokenIssuer& operator=(const TokenIssuer&) = delete;
  TokenIssuer(TokenIssuer&&) = delete;
  TokenIssuer& operator=(TokenIssuer&&) = delete;

  // A new token, replacing (and wiping) any earlier one.
  std::string Issue();
  // True once: for the current token, within its lifetime. Whatever the
  // answer, a presented token that matched is spent (wiped).
  bool Redeem(std::string_view presented);

 private:
  Clock clock_;
  std::mutex mu_;
  std::string token_;  // empty: none outstanding
  std::int64_t issued_ms_ = 0;
};

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_TOKEN_ISSUER_H_
