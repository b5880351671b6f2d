// Host, Origin, Sec-Fetch-Site and Content-Type checks (security_gate.h).
#include "backchannel/webapp/security_gate.h"

#include <string>

namespace backchannel::webapp {

SecurityGate::SecurityGate(std::uint16_t port)
    : host_ip_("127.0.0.1:" + std::to_string(port)),
      host_name_("localhost:" + std::to_string(port)),
      origin_ip_("http://" + host_ip_),
      origin_name_("http://" + host_name_) {}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

std::optional<HttpResponse> SecurityGate::Check(const HttpRequest& r) const {
  if (r.host != host_ip_ && r.host != host_name_) {
    return ErrorResponse(403, "forbidden_host",
                         "Host must be " + host_ip_ + " (this app serves only its own address)");
  }
  const std::string_view path = PathOf(r.target);
  const bool api = path.substr(0, 5) == "/api/";
  const bool events = path == "/api/events";
  if (r.origin && *r.origin != origin_ip_ && *r.origin != origin_name_) {
    return ErrorResponse(403, "forbidden_origin", "requests from another origin are refused");
  }
  if (api && r.method != "GET" && !r.origin) {
    return ErrorResponse(403, "forbidden_origin",
                         "an API request that changes state must carry this app's Origin");
  }
  if (events && r.sec_fetch_site && *r.sec_fetch_site != "same-origin" &&
      *r.sec_fetch_site != "none") {
    return ErrorResponse(403, "forbidden_origin", "the event stream is for this app's page only");
  }
  if (api && r.method == "POST") {
    const std::string_view full = r.content_type;
    const std::string_view type = full.substr(0, full.find(';'));
    if (type != "application/json") {
      return ErrorResponse(415, "unsupported_media_type", "request bodies are application/json");
    }
  }
  return std::nullopt;
}

}  // namespace backchannel::webapp
