// The checks every request passes before any route runs (docs/webapp.md):
// - Host must be 127.0.0.1:PORT or localhost:PORT: a page on another site
//   whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name;
// - a request carrying Origin must come from this app's origin; every
//   non-GET /api request must carry it (CSRF: browsers send Origin on POST);
// - the /api/events handshake (EventSource sends no Origin on a same-origin
//   GET): Origin, when present, must match, and Sec-Fetch-Site, when
//   present, must be same-origin or none (cross-site SSE hijacking);
// - bodies are JSON: another Content-Type on a POST is 415 (a cross-site
//   form can only send text/plain, urlencoded or multipart).
// The session cookie is checked by the router (api_router.h).
#ifndef BACKCHANNEL_WEBAPP_SECURITY_GATE_H_
#define BACKCHANNEL_WEBAPP_SECURITY_GATE_H_

#include <cstdint>
#include <optional>

#include "backchannel/webapp/http_types.h"

namespace backchannel::webapp {

class SecurityGate {
 public:
  explicit SecurityGate(std::uint16_t port);

  // The refusal (403 forbidden_host / forbidden_origin, 415
  // unsupported_media_type), or nothing when the request may go on.
  std::optional<HttpResponse> Check(const HttpRequest& request) const;

 private:
  std::string host_ip_, host_name_;      // "127.0.0.1:PORT", "localhost:PORT"
  std::string origin_ip_, origin_name_;  // "http://" + the same
};

// The path of a request target, without its query.
std::string_view PathOf(std::string_view target);

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_SECURITY_GATE_H_
