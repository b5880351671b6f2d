// The /api routes (api_router.h).
#include "backchannel/webapp/api_router.h"

#include "backchannel/app/error.h"
#include "backchannel/app/home_ops.h"
#include "backchannel/crypto/secret_bytes.h"
#include "backchannel/webapp/security_gate.h"

namespace backchannel::webapp {
namespace {

using app::Json;

// The body as a JSON object; nothing when it is not one.
std::optional<Json> ParseObject(std::string_view body) {
  Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// Wipes every string value of `j` (passphrases, tokens) and the raw body.
void WipeSecrets(Json& j, std::string& body) {
  for (auto& [k, v] : j.items()) {
    if (v.is_string()) {
      auto& s = v.get_ref<std::string&>();
      SecureWipe(s.data(), s.size());
    }
  }
  SecureWipe(body.data(), body.size());
}

// A string field of `j` (empty when absent); false when present but not a
// string.
bool StringField(const Json& j, const char* name, std::string& out) {
  auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

// Only the fields a route names: an unknown one is refused, as
// app::DecodeRequest refuses them.
std::optional<HttpResponse> OnlyFields(const Json& j, std::initializer_list<const char*> names) {
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (const char* n : names) known = known || k == n;
    if (!known)
      return FailResponse({"invalid_argument", "unknown field '" + k.substr(0, 64) + "'"});
  }
  return std::nullopt;
}

SecretBytes Secret(const std::string& s) { return SecretBytes(AsBytes(s)); }

HttpResponse Locked() { return FailResponse({"locked", "unlock first"}); }

}  // namespace

HttpResponse OkResponse(const Json& body) {
  HttpResponse r;
  r.body = app::Dump(app::Document(body), true);
  return r;
}

HttpResponse FailResponse(const app::Error& error) {
  HttpResponse r;
  r.body = app::Dump(app::ErrorDocument(error), true);
  return r;
}

HttpResponse ApiRouter::Handle(HttpRequest& request) {
  backend_.Dequeued();
  const std::string path(PathOf(request.target));
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (path == "/api/instance" && get) return OkResponse(Json{{"instance", sessions_.instance()}});
  if (path == "/api/session" && post) return Session(request);
  if (!sessions_.Check(request.cookie)) {
    return ErrorResponse(401, "no_session",
                         "no session: open the address `backchannel app` printed (its token "
                         "works once, for 60 s; restart the app for a new one)");
  }
  backend_.Touch();
  if (path == "/api/state" && get) return OkResponse(backend_.State());
  if (path == "/api/lock" && post) {
    backend_.Lock();
    return OkResponse(Json::object());
  }
  if (path == "/api/init" && post) return Init(request);
  if (path == "/api/unlock" && post) return Unlock(request);
  if (path == "/api/passwd" && post) return Passwd(request);
  if (path == "/api/request" && post) return Request(request);
  for (const char* known : {"/api/state", "/api/lock", "/api/init", "/api/unlock", "/api/passwd",
                            "/api/request", "/api/session", "/api/instance"}) {
    if (path == known) return ErrorResponse(405, "method_not_allowed", "wrong method for " + path);
  }
  return ErrorResponse(404, "not_found", "no such route");
}

HttpResponse ApiRouter::Session(HttpRequest& request) {
  auto j = ParseObject(request.body);
  if (!j) return ErrorResponse(400, "bad_request", "the body is one JSON object");
  std::string token;
  const bool ok = StringField(*j, "token", token) && tokens_.Redeem(token);
  SecureWipe(token.data(), token.size());
  WipeSecrets(*j, request.body);
  if (!ok) {
    return ErrorResponse(401, "bad_token",
                         "this address was used already or is over 60 s old: restart "
                         "`backchannel app` for a new one");
  }
  HttpResponse r = OkResponse(Json::object());
  r.headers.emplace_back("Set-Cookie", sessions_.Create());
  return r;
}

HttpResponse ApiRouter::Init(HttpRequest& request) {
  auto j = ParseObject(request.body);
  if (!j) return FailResponse({"invalid_argument", "the body is one JSON object"});
  InitInput in;
  std::string pass;
  const bool typed = StringField(*j, "display_name", in.display_name) &&
                     StringField(*j, "passphrase", pass) && StringField(*j, "relay", in.relay) &&
                     StringField(*j, "pin", in.pin) && StringField(*j, "invitation", in.invitation);
  auto unknown = OnlyFields(*j, {"display_name", "passphrase", "relay", "pin", "invitation"});
  in.passphrase = Secret(pass);
  SecureWipe(pass.data(), pass.size());
  WipeSecrets(*j, request.body);
  if (!typed) return FailResponse({"invalid_argument", "every field is a string"});
  if (unknown) return *unknown;
  if (in.passphrase.size() == 0)
    return FailResponse({"invalid_argument", "passphrase is required"});
  if (in.invitation.empty() && (in.relay.empty() || in.pin.empty())) {
    return FailResponse(
        {"invalid_argument", "give relay and pin, or an invitation to take them from"});
  }
  // Checked before the home is made: a bad name leaves nothing behind.
  if (!in.display_name.empty()) {
    if (Status s = app::CheckChosenName(in.display_name); !s.ok()) {
      return FailResponse({"invalid_argument", std::string(s.message())});
    }
  }
  auto done = backend_.Init(in);
  if (!done) return FailResponse(app::ErrorFromOpen(done.error()));
  return OkResponse(*done);
}

HttpResponse ApiRouter::Unlock(HttpRequest& request) {
  auto j = ParseObject(request.body);
  if (!j) return FailResponse({"invalid_argument", "the body is one JSON object"});
  std::string pass;
  const bool typed = StringField(*j, "passphrase", pass);
  auto unknown = OnlyFields(*j, {"passphrase"});
  SecretBytes secret = Secret(pass);
  SecureWipe(pass.data(), pass.size());
  WipeSecrets(*j, request.body);
  if (!typed || secret.size() == 0) {
    return FailResponse({"invalid_argument", "passphrase (a string) is required"});
  }
  if (unknown) return *unknown;
  if (Status s = backend_.Unlock(secret); !s.ok()) return FailResponse(app::ErrorFromOpen(s));
  return OkResponse(Json::object());
}

HttpResponse ApiRouter::Passwd(HttpRequest& request) {
  auto j = ParseObject(request.body);
  if (!j) return FailResponse({"invalid_argument", "the body is one JSON object"});
  std::string old_pass, new_pass;
  const bool typed = StringField(*j, "old", old_pass) && StringField(*j, "new", new_pass);
  auto unknown = OnlyFields(*j, {"old", "new"});
  SecretBytes old_secret = Secret(old_pass), new_secret = Secret(new_pass);
  SecureWipe(old_pass.data(), old_pass.size());
  SecureWipe(new_pass.data(), new_pass.size());
  WipeSecrets(*j, request.body);
  if (!typed || old_secret.size() == 0 || new_secret.size() == 0) {
    return FailResponse({"invalid_argument", "old and new (strings) are required"});
  }
  if (unknown) return *unknown;
  if (Status s = backend_.Passwd(old_secret, new_secret); !s.ok()) {
    return FailResponse(app::ErrorFromOpen(s));
  }
  return OkResponse(Json{{"changed", true}});
}

HttpResponse ApiRouter::Request(const HttpRequest& request) {
  // Decoded (and refused) before the lock is even looked at: a bad request
  // is the same error locked or not, and changes nothing either way.
  auto decoded = app::DecodeRequest(request.body);
  if (!decoded) return FailResponse(app::ErrorFrom(decoded.error()));
  if (!backend_.unlocked()) return Locked();
  auto done = backend_.Run(*decoded);
  if (!done) return FailResponse(app::ErrorFrom(done.error()));
  return OkResponse(*done);
}

}  // namespace backchannel::webapp
