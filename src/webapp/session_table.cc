// Browser sessions (session_table.h).
#include "backchannel/webapp/session_table.h"

#include "backchannel/webapp/secret_token.h"

namespace backchannel::webapp {

SessionTable::SessionTable(std::string instance)
    : instance_(std::move(instance)), cookie_name_("bc_session_" + instance_) {}

SessionTable::~SessionTable() { Clear(); }

std::string SessionTable::Create() {
  std::string value = NewToken();
  std::lock_guard lock(mu_);
  if (sessions_.size() >= kMaxSessions) {
    WipeToken(sessions_.front());
    sessions_.erase(sessions_.begin());
  }
  sessions_.push_back(value);
  // HttpOnly: no script reads it; SameStrict: no cross-site request carries
  // it; no Domain: host-only; Path=/ for every route.
  return cookie_name_ + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
}

bool SessionTable::Check(std::string_view cookie_header) const {
  const std::string_view value = CookieValue(cookie_header, cookie_name_);
  if (value.size() != kTokenTextSize) return false;
  std::lock_guard lock(mu_);
  bool found = false;
  // Every entry compared, in constant time each: no early exit to time.
  for (const auto& s : sessions_) found = SameToken(value, s) || found;
  return found;
}

void SessionTable::Clear() {
  std::lock_guard lock(mu_);
  for (auto& s : sessions_) WipeToken(s);
  sessions_.clear();
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  // RFC 6265 section 5.4: "name=value" pairs separated by "; ".
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return {};
}

}  // namespace backchannel::webapp
