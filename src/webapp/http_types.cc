// Security headers and the JSON error answer (http_types.h).
#include "backchannel/webapp/http_types.h"

#include <nlohmann/json.hpp>

namespace backchannel::webapp {

std::vector<std::pair<std::string, std::string>> SecurityHeaders(bool html) {
  std::vector<std::pair<std::string, std::string>> h = {
      // Nothing the app serves may be kept: it holds a person's messages.
      {"Cache-Control", "no-store"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Content-Type-Options", "nosniff"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  if (html) h.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  return h;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  nlohmann::json j{{"ok", false},
                   {"error", {{"code", std::string(code)}, {"message", std::string(message)}}}};
  // Replace, not throw, on invalid UTF-8 (a message may quote a peer).
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace backchannel::webapp
