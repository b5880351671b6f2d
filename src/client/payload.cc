#include "backchannel/client/payload.h"

#include <nlohmann/json.hpp>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/envelope/envelope.h"
#include "backchannel/identity/invitation.h"

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

Status CheckTextSize(const std::string& text) {
  if (text.size() > kMaxTextSize) return InvalidMessage("payload text is too long");
  return Status::Ok();
}

Result<Bytes> ReadCredential(const Json& j) {
  BC_ASSIGN_OR_RETURN(std::string cred, Str(j, "credential", true));
  auto c = FromBase64(cred, kB64u);
  if (!c || c->empty()) return InvalidMessage("payload credential is not base64url");
  return std::move(*c);
}

Result<Address> ReadReply(const Json& j) {
  if (!j.contains("reply") || !j["reply"].is_object()) {
    return InvalidMessage("payload lacks \"reply\"");
  }
  const Json& r = j["reply"];
  Address a;
  BC_ASSIGN_OR_RETURN(a.relay, Str(r, "relay", true));
  BC_ASSIGN_OR_RETURN(std::string pin, Str(r, "pin", true));
  BC_ASSIGN_OR_RETURN(std::string mailbox, Str(r, "mailbox", true));
  BC_ASSIGN_OR_RETURN(std::string token, Str(r, "token", true));
  if (a.relay.empty() || a.relay.size() > 255) {
    return InvalidMessage("payload reply address is malformed");
  }
  auto parsed_mailbox = FromBase64Fixed<MailboxId>(mailbox, kB64u);
  if (!parsed_mailbox.ok()) {
    return InvalidMessage("payload reply mailbox is not the base64url of " +
                          std::to_string(MailboxId::kSize) + " bytes");
  }
  a.mailbox = *parsed_mailbox;
  auto parsed_token = FromBase64Fixed<DeliveryToken>(token, kB64u);
  if (!parsed_token.ok()) {
    return InvalidMessage("payload reply token is not the base64url of " +
                          std::to_string(DeliveryToken::kSize) + " bytes");
  }
  a.delivery_token = *parsed_token;
  auto parsed_pin = FromHexFixed<CertificatePin>(pin);
  if (!parsed_pin.ok()) return InvalidMessage("payload reply pin is not 64 hex digits");
  a.pin = *parsed_pin;
  BC_ASSIGN_OR_RETURN(std::string next_pin, Str(r, "next_pin", false));
  if (!next_pin.empty()) {
    auto parsed_next = FromHexFixed<CertificatePin>(next_pin);
    if (!parsed_next.ok() || *parsed_next == a.pin) {
      return InvalidMessage("payload reply next_pin is not 64 hex digits other than the pin");
    }
    a.next_pin = *parsed_next;
  }
  return a;
}

}  // namespace

std::string_view PayloadKindName(const Payload& payload) {
  struct Name {
    std::string_view operator()(const Text&) const { return "text"; }
    std::string_view operator()(const Hello&) const { return "hello"; }
    std::string_view operator()(const Reset&) const { return "reset"; }
    std::string_view operator()(const App&) const { return "app"; }
  };
  return std::visit(Name{}, payload);
}

Bytes EncodePayload(const Payload& payload) {
  Json j = {{"v", kPayloadVersion}, {"kind", std::string(PayloadKindName(payload))}};
  // Keys in the order the JSON object sorts them anyway; which ones appear
  // is what matters for the bytes (tests/golden/data/payload).
  auto credential_and_reply = [&j](const Bytes& credential, const Address& reply) {
    if (!credential.empty()) j["credential"] = ToBase64(credential, kB64u);
    j["reply"] = {{"relay", reply.relay},
                  {"pin", ToHex(reply.pin)},
                  {"mailbox", ToBase64(reply.mailbox, kB64u)},
                  {"token", ToBase64(reply.delivery_token, kB64u)}};
    // Only during the relay's pin rollover: other replies keep their bytes.
    if (reply.next_pin) j["reply"]["next_pin"] = ToHex(*reply.next_pin);
  };
  if (const auto* t = std::get_if<Text>(&payload)) {
    j["text"] = t->text;  // required in a text payload, even when empty
  } else if (const auto* h = std::get_if<Hello>(&payload)) {
    if (!h->text.empty()) j["text"] = h->text;
    if (!h->ticket.empty()) j["ticket"] = ToBase64(h->ticket, kB64u);
    credential_and_reply(h->credential, h->reply);
  } else if (const auto* r = std::get_if<Reset>(&payload)) {
    if (!r->reason.empty()) j["reason"] = r->reason;
    credential_and_reply(r->credential, r->reply);
  } else if (const auto* a = std::get_if<App>(&payload)) {
    j["app"] = a->app;
    j["body"] = ToBase64(a->body, kB64u);
  }
  const std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return ToBytes(text);
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
  if (kind == "text") {
    Text t;
    BC_ASSIGN_OR_RETURN(t.text, Str(j, "text", true));
    BC_RETURN_IF_ERROR(CheckTextSize(t.text));
    return Payload{std::move(t)};
  }
  if (kind == "hello") {
    Hello h;
    BC_ASSIGN_OR_RETURN(h.text, Str(j, "text", false));
    BC_RETURN_IF_ERROR(CheckTextSize(h.text));
    BC_ASSIGN_OR_RETURN(h.credential, ReadCredential(j));
    BC_ASSIGN_OR_RETURN(h.reply, ReadReply(j));
    BC_ASSIGN_OR_RETURN(std::string ticket, Str(j, "ticket", false));
    if (!ticket.empty()) {
      auto t = FromBase64(ticket, kB64u);
      if (!t || t->size() != identity::kInvitationTicketSize) {
        return InvalidMessage("payload ticket is not " +
                              std::to_string(identity::kInvitationTicketSize) +
                              " bytes of base64url");
      }
      h.ticket = std::move(*t);
    }
    return Payload{std::move(h)};
  }
  if (kind == "reset") {
    Reset r;
    BC_ASSIGN_OR_RETURN(r.reason, Str(j, "reason", false));
    BC_RETURN_IF_ERROR(CheckTextSize(r.reason));
    BC_ASSIGN_OR_RETURN(r.credential, ReadCredential(j));
    BC_ASSIGN_OR_RETURN(r.reply, ReadReply(j));
    return Payload{std::move(r)};
  }
  if (kind == "app") {
    App a;
    BC_ASSIGN_OR_RETURN(a.app, Str(j, "app", true));
    if (!IsValidAppName(a.app)) {
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
    a.body = std::move(*b);
    return Payload{std::move(a)};
  }
  return InvalidMessage("payload kind \"" + kind + "\" is unknown");
}

}  // namespace backchannel::client
