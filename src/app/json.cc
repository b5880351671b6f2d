// The shared JSON envelope (json.h).
#include "backchannel/app/json.h"

namespace backchannel::app {

Json ErrorDocument(const Error& error) { return Document(Json::object(), &error); }

Json Document(const Json& body, const Error* error) {
  Json out{{"ok", error == nullptr}};
  if (body.is_object()) {
    for (const auto& [k, v] : body.items()) {
      if (k != "ok" && k != "error") out[k] = v;
    }
  }
  if (error) out["error"] = Json{{"code", error->code}, {"message", error->message}};
  return out;
}

std::string Dump(const Json& j, bool one_line) {
  return j.dump(one_line ? -1 : 2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace backchannel::app
