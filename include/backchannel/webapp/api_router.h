// The /api routes (docs/webapp.md, the HTTP contract): the token exchange,
// the session check, and each route's call to the backend, answered as one
// JSON object with "ok". Domain failures (wrong passphrase, a refused
// request) are HTTP 200 with ok=false; 4xx only for transport and security
// failures. A refused request changes nothing: bodies are decoded and
// checked before the backend is called.
//
// Thread safety: Handle runs on the backend's worker thread (server.h);
// the token issuer and session table lock themselves.
#ifndef BACKCHANNEL_WEBAPP_API_ROUTER_H_
#define BACKCHANNEL_WEBAPP_API_ROUTER_H_

#include "backchannel/webapp/backend.h"
#include "backchannel/webapp/http_types.h"
#include "backchannel/webapp/session_table.h"
#include "backchannel/webapp/token_issuer.h"

namespace backchannel::webapp {

class ApiRouter {
 public:
  ApiRouter(AppBackend& backend, TokenIssuer& tokens, SessionTable& sessions)
      : backend_(backend), tokens_(tokens), sessions_(sessions) {}

  // A request that passed the SecurityGate, for a path under /api/ other
  // than /api/events. Secrets in the body (passphrases, the token) are
  // wiped from `request.body` before it returns.
  HttpResponse Handle(HttpRequest& request);

 private:
  HttpResponse Session(HttpRequest& request);
  HttpResponse Init(HttpRequest& request);
  HttpResponse Unlock(HttpRequest& request);
  HttpResponse Passwd(HttpRequest& request);
  HttpResponse Request(const HttpRequest& request);

  AppBackend& backend_;
  TokenIssuer& tokens_;
  SessionTable& sessions_;
};

// 200 {"ok":true, ...body}.
HttpResponse OkResponse(const app::Json& body);
// 200 {"ok":false,"error":{...}} for a domain failure.
HttpResponse FailResponse(const app::Error& error);

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_API_ROUTER_H_
