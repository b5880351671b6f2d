// The single-use URL token (token_issuer.h).
#include "backchannel/webapp/token_issuer.h"

#include "backchannel/webapp/secret_token.h"

namespace backchannel::webapp {

TokenIssuer::~TokenIssuer() { WipeToken(token_); }

std::string TokenIssuer::Issue() {
  std::lock_guard lock(mu_);
  WipeToken(token_);
  token_ = NewToken();
  issued_ms_ = clock_();
  return token_;
}

bool TokenIssuer::Redeem(std::string_view presented) {
  std::lock_guard lock(mu_);
  if (token_.empty() || !SameToken(presented, token_)) return false;
  // Spent whether or not it was late: a late token never works again.
  const bool in_time = clock_() - issued_ms_ <= kTokenLifetimeMs;
  WipeToken(token_);
  return in_time;
}

}  // namespace backchannel::webapp
