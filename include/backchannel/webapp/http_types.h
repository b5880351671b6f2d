// The parts of an HTTP request and response the web app's roles decide on,
// without Beast: the gate, the router and the static files are socket-free
// (tests and the fuzz target drive them directly); only server.cc speaks
// HTTP on a socket.
#ifndef BACKCHANNEL_WEBAPP_HTTP_TYPES_H_
#define BACKCHANNEL_WEBAPP_HTTP_TYPES_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace backchannel::webapp {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // "/api/state", "/assets/x.js?v=1"
  std::string host;
  std::optional<std::string> origin;
  std::optional<std::string> sec_fetch_site;
  std::string cookie;
  std::string content_type;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  bool html = false;                                         // adds the Content-Security-Policy
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Set-Cookie, ...
};

// The headers every answer carries (webapi contract), and the policy of
// HTML answers: no inline script or style, nothing from another origin, no
// framing (clickjacking), no <base> rewriting.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
std::vector<std::pair<std::string, std::string>> SecurityHeaders(bool html);

// {"ok":false,"error":{"code":...,"message":...}} with `status`.
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_HTTP_TYPES_H_
