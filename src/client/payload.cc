#include "backchannel/client/payload.h"

#include <nlohmann/json.hpp>

#include "backchannel/common/encoding.h"
#include "backchannel/envelope/envelope.h"

namespace backchannel::client {
namespace {

using Json = nlohmann::json;
constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;

// The largest "app" payload, encrypted in the session, fits in the largest
// envelope bucket (docs/client.md, "Inner payload").
static_assert(kMaxAppPayloadSize + kMaxSessionOverhead <= envelope::kMaxCiphertextSize);
static_assert(kAppPayloadFraming ==
              sizeof(R"({"app":"","body":"","kind":"app","v":1})") - 1 + kMaxAppNameSize);

Result<std::string> Str(const Json& j, const char* key, bool required) {
  if (!j.contains(key)) {
    if (required) return InvalidMessage(std::string("payload lacks \"") + key + "\"");
    return std::string();
  }
  if (!j[key].is_string())
    return InvalidMessage(std::string("payload \"") + key + "\" is not text");
  return j[key].get<std::string>();
}

}  // namespace

std::string_view PayloadKindName(Payload::Kind kind) {
  switch (kind) {
    case Payload::Kind::kText:
      return "text";
    case Payload::Kind::kHello:
      return "hello";
    case Payload::Kind::kReset:
      return "reset";
    case Payload::Kind::kApp:
      return "app";
  }
  return "text";
}

Bytes EncodePayload(const Payload& p) {
  Json j = {{"v", kPayloadVersion}, {"kind", std::string(PayloadKindName(p.kind))}};
  if (p.kind == Payload::Kind::kApp) {
    j["app"] = p.app;
    j["body"] = ToBase64(p.body, kB64u);
  } else {
    // "text" is required in a text payload, even when empty.
    if (!p.text.empty() || p.kind == Payload::Kind::kText) {
      j[p.kind == Payload::Kind::kReset ? "reason" : "text"] = p.text;
    }
    if (!p.credential.empty()) j["credential"] = ToBase64(p.credential, kB64u);
    if (p.reply) {
      j["reply"] = {{"relay", p.reply->relay},
                    {"pin", p.reply->pin},
                    {"mailbox", p.reply->mailbox},
                    {"token", p.reply->delivery_token}};
    }
  }
  return ToBytes(std::string_view(j.dump(-1, ' ', false, Json::error_handler_t::replace)));
}

Result<Payload> DecodePayload(ByteView bytes) {
  Json j;
  try {
    j = Json::parse(AsString(bytes));
  } catch (const Json::exception&) {
    return InvalidMessage("payload is not JSON");
  }
  if (!j.is_object()) return InvalidMessage("payload is not a JSON object");
  if (!j.contains("v") || !j["v"].is_number_integer()) return InvalidMessage("payload lacks \"v\"");
  if (j["v"].get<std::int64_t>() != kPayloadVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "payload version " + std::to_string(j["v"].get<std::int64_t>()));
  }
  BC_ASSIGN_OR_RETURN(std::string kind, Str(j, "kind", true));
  Payload p;
  if (kind == "text") {
    p.kind = Payload::Kind::kText;
    BC_ASSIGN_OR_RETURN(p.text, Str(j, "text", true));
  } else if (kind == "hello" || kind == "reset") {
    p.kind = kind == "hello" ? Payload::Kind::kHello : Payload::Kind::kReset;
    BC_ASSIGN_OR_RETURN(p.text, Str(j, kind == "hello" ? "text" : "reason", false));
    BC_ASSIGN_OR_RETURN(std::string cred, Str(j, "credential", true));
    auto c = FromBase64(cred, kB64u);
    if (!c || c->empty()) return InvalidMessage("payload credential is not base64url");
    p.credential = std::move(*c);
    if (!j.contains("reply") || !j["reply"].is_object()) {
      return InvalidMessage("payload lacks \"reply\"");
    }
    const Json& r = j["reply"];
    Address a;
    BC_ASSIGN_OR_RETURN(a.relay, Str(r, "relay", true));
    BC_ASSIGN_OR_RETURN(a.pin, Str(r, "pin", true));
    BC_ASSIGN_OR_RETURN(a.mailbox, Str(r, "mailbox", true));
    BC_ASSIGN_OR_RETURN(a.delivery_token, Str(r, "token", true));
    if (a.relay.empty() || a.relay.size() > 255 || a.pin.size() != 64 || a.mailbox.empty() ||
        a.delivery_token.empty()) {
      return InvalidMessage("payload reply address is malformed");
    }
    p.reply = std::move(a);
  } else if (kind == "app") {
    p.kind = Payload::Kind::kApp;
    BC_ASSIGN_OR_RETURN(p.app, Str(j, "app", true));
    if (!IsValidAppName(p.app)) {
      return InvalidMessage("payload app name is not 1..32 characters [a-z0-9_-]");
    }
    BC_ASSIGN_OR_RETURN(std::string body, Str(j, "body", true));
    if (body.size() > (kMaxAppBodySize * 4 + 2) / 3) {
      return InvalidMessage("payload app body is over " + std::to_string(kMaxAppBodySize) +
                            " bytes");
    }
    auto b = FromBase64(body, kB64u);
    if (!b) return InvalidMessage("payload app body is not base64url");
    if (b->size() > kMaxAppBodySize) {
      return InvalidMessage("payload app body is over " + std::to_string(kMaxAppBodySize) +
                            " bytes");
    }
    p.body = std::move(*b);
  } else {
    return InvalidMessage("payload kind \"" + kind + "\" is unknown");
  }
  if (p.text.size() > kMaxTextSize) return InvalidMessage("payload text is too long");
  return p;
}

}  // namespace backchannel::client
