// Fuzz target: what the web app decides from a request's header fields
// before any route runs (include/backchannel/webapp/security_gate.h), the
// Cookie header parser and the session check (session_table.h), and the
// token exchange (token_issuer.h). Input: fields separated by '\n' —
// method, target, Host, Origin ("-" for none), Sec-Fetch-Site ("-" for
// none), Cookie, Content-Type. Never a crash; every refusal is 403 or 415
// with a JSON error object; a cookie value is always a piece of the header;
// no made-up cookie or token is ever accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/webapp/security_gate.h"
#include "backchannel/webapp/session_table.h"
#include "backchannel/webapp/token_issuer.h"

namespace {

std::vector<std::string> Fields(std::string_view text) {
  std::vector<std::string> out;
  while (out.size() < 7) {
    const auto nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  out.resize(7);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel::webapp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto f = Fields(text);
  HttpRequest r;
  r.method = f[0];
  r.target = f[1];
  r.host = f[2];
  if (f[3] != "-") r.origin = f[3];
  if (f[4] != "-") r.sec_fetch_site = f[4];
  r.cookie = f[5];
  r.content_type = f[6];

  static const SecurityGate gate(8080);
  if (auto refused = gate.Check(r)) {
    if (refused->status != 403 && refused->status != 415) std::abort();
    const auto j = nlohmann::json::parse(refused->body, nullptr, false);
    if (j.is_discarded() || j["ok"] != false || !j["error"]["code"].is_string()) std::abort();
  } else {
    // Accepted: the Host is one of ours, and a state change carries our Origin.
    if (r.host != "127.0.0.1:8080" && r.host != "localhost:8080") std::abort();
    if (PathOf(r.target).substr(0, 5) == "/api/" && r.method != "GET" && !r.origin) std::abort();
  }

  const std::string_view value = CookieValue(r.cookie, "bc_session_0123456789abcdef");
  if (!value.empty() && (value.data() < r.cookie.data() ||
                         value.data() + value.size() > r.cookie.data() + r.cookie.size())) {
    std::abort();
  }
  static SessionTable sessions("0123456789abcdef");
  if (sessions.Check(r.cookie)) std::abort();  // no session was ever created

  TokenIssuer tokens([] { return std::int64_t{0}; });
  tokens.Issue();
  if (tokens.Redeem(f[1])) std::abort();  // a 256-bit random token is never guessed
  return 0;
}
