#include "client/relay_replies.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/encoding.h"

namespace backchannel::client::internal {
namespace {

using Json = nlohmann::json;
constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;
constexpr std::size_t kMaxQuoted = 200;

// nlohmann's parse(..., nullptr, false) reports errors as a discarded value
// instead of throwing; only objects are replies.
Result<Json> ParseObject(std::string_view body) {
  Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return InvalidMessage("relay: the reply is not JSON");
  if (!j.is_object()) return InvalidMessage("relay: the reply is not a JSON object");
  return j;
}

const Json* Field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

Result<std::string> String(const Json& j, const char* key) {
  const Json* v = Field(j, key);
  if (v == nullptr || !v->is_string()) {
    return InvalidMessage(std::string("relay: the reply lacks \"") + key + "\"");
  }
  return v->get<std::string>();
}

Result<std::string> Id(const Json& j, const char* key) {
  BC_ASSIGN_OR_RETURN(std::string id, String(j, key));
  if (!IsRelayId(id)) {
    return InvalidMessage(std::string("relay: \"") + key + "\" is not a relay id");
  }
  return id;
}

// A mailbox id or delivery token: the base64url of exactly its size, typed
// here where it enters.
template <typename Fixed>
Result<Fixed> FixedField(const Json& j, const char* key) {
  BC_ASSIGN_OR_RETURN(std::string text, String(j, key));
  auto value = FromBase64Fixed<Fixed>(text, kB64u);
  if (!value.ok()) {
    return InvalidMessage(std::string("relay: \"") + key + "\" is not the base64url of " +
                          std::to_string(Fixed::kSize) + " bytes");
  }
  return *value;
}

Result<Bytes> Base64Field(const Json& j, const char* key) {
  BC_ASSIGN_OR_RETURN(std::string s, String(j, key));
  auto b = FromBase64(s, kB64u);
  if (!b) return InvalidMessage(std::string("relay: \"") + key + "\" is not base64url");
  return *b;
}

// An optional integer: `fallback` when absent or not an integer.
std::int64_t Int(const Json& j, const char* key, std::int64_t fallback) {
  const Json* v = Field(j, key);
  if (v == nullptr) return fallback;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    return u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
               ? fallback
               : static_cast<std::int64_t>(u);
  }
  if (v->is_number_integer()) return v->get<std::int64_t>();
  return fallback;
}

bool Bool(const Json& j, const char* key) {
  const Json* v = Field(j, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

Result<RelayMessage> Message(const Json& m) {
  if (!m.is_object()) return InvalidMessage("relay: a message is not an object");
  RelayMessage out;
  BC_ASSIGN_OR_RETURN(out.id, Id(m, "id"));
  out.received_ms = Int(m, "received_ms", 0);
  BC_ASSIGN_OR_RETURN(out.envelope, Base64Field(m, "envelope"));
  return out;
}

std::string Quote(const std::string& s) { return s.substr(0, kMaxQuoted); }

}  // namespace

bool IsRelayId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRelayIdSize) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

Status RelayReplyError(unsigned http_status, std::string_view body) {
  std::string code = "http_" + std::to_string(http_status);
  std::string message;
  Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (auto c = String(j, "error")) code = Quote(*c);
    if (auto m = String(j, "message")) message = Quote(*m);
  } else {
    message = Quote(std::string(body));
  }
  std::string text = "relay: " + code + (message.empty() ? "" : ": " + message);
  StatusCode sc = StatusCode::kFailedPrecondition;
  if (http_status == 401 || http_status == 403) {
    sc = StatusCode::kPermissionDenied;
  } else if (http_status == 404) {
    sc = StatusCode::kNotFound;
  } else if (http_status == 400 || http_status == 413) {
    sc = StatusCode::kInvalidArgument;
  } else if (http_status == 429 || http_status == 507) {
    sc = StatusCode::kResourceExhausted;
  } else if (http_status == 408 || http_status >= 500) {
    sc = StatusCode::kUnavailable;
  } else if (http_status == 409) {
    sc = StatusCode::kAlreadyExists;
  }
  return {sc, text};
}

Result<CreatedMailbox> DecodeCreatedMailbox(std::string_view body) {
  BC_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  CreatedMailbox out;
  BC_ASSIGN_OR_RETURN(out.mailbox, FixedField<MailboxId>(j, "mailbox"));
  BC_ASSIGN_OR_RETURN(out.delivery_token, FixedField<DeliveryToken>(j, "delivery_token"));
  return out;
}

Result<RelayPins> DecodeRelayPins(std::string_view body) {
  BC_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  auto pin = [&j](const char* key) -> Result<CertificatePin> {
    BC_ASSIGN_OR_RETURN(std::string hex, String(j, key));
    auto p = FromHexFixed<CertificatePin>(hex);
    if (!p.ok()) return InvalidMessage(std::string("relay: \"") + key + "\" is not a pin");
    return *p;
  };
  RelayPins out;
  BC_ASSIGN_OR_RETURN(out.current, pin("current"));
  if (Field(j, "next") != nullptr) {
    BC_ASSIGN_OR_RETURN(out.next, pin("next"));
    if (*out.next == out.current) return InvalidMessage("relay: the next pin is the current one");
  }
  return out;
}

Result<std::string> DecodePostedId(std::string_view body) {
  BC_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  return Id(j, "id");
}

Result<MessageBatch> DecodeMessageBatch(std::string_view body) {
  BC_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  const Json* messages = Field(j, "messages");
  if (messages == nullptr || !messages->is_array()) {
    return InvalidMessage("relay: the reply lacks \"messages\"");
  }
  MessageBatch batch;
  for (const auto& m : *messages) {
    BC_ASSIGN_OR_RETURN(auto msg, Message(m));
    batch.messages.push_back(std::move(msg));
  }
  batch.one_time_remaining = Int(j, "one_time_remaining", -1);
  return batch;
}

Result<session::PreKeyBundle> DecodeBundleReply(std::string_view body) {
  BC_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  const char* base_key = j.contains("bundle_base") ? "bundle_base" : "bundle";
  BC_ASSIGN_OR_RETURN(Bytes raw, Base64Field(j, base_key));
  BC_ASSIGN_OR_RETURN(auto bundle, session::DecodePreKeyBundle(raw));
  const Json* ot = Field(j, "one_time");
  if (ot != nullptr && ot->is_object()) {
    const Json* id = Field(*ot, "id");
    if (id == nullptr || !id->is_number_unsigned() ||
        id->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
      return InvalidMessage("relay: the one-time prekey lacks a 32-bit id");
    }
    BC_ASSIGN_OR_RETURN(Bytes key, Base64Field(*ot, "key"));
    BC_ASSIGN_OR_RETURN(auto pk, session::ParsePublicKey(key));
    bundle.one_time_pre_key_id = static_cast<std::uint32_t>(id->get<std::uint64_t>());
    bundle.one_time_pre_key = pk;
  }
  return bundle;
}

Result<MailboxStatus> DecodeMailboxStatus(std::string_view body) {
  BC_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  MailboxStatus s;
  s.queued = Int(j, "queued", 0);
  s.one_time_remaining = Int(j, "one_time_remaining", 0);
  s.prekeys_low = Bool(j, "prekeys_low");
  return s;
}

Result<DeliveryToken> DecodeRotatedToken(std::string_view body) {
  BC_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  return FixedField<DeliveryToken>(j, "delivery_token");
}

Result<std::optional<PushEvent>> DecodePushFrame(std::string_view frame) {
  BC_ASSIGN_OR_RETURN(Json j, ParseObject(frame));
  const Json* type = Field(j, "type");
  if (type == nullptr || !type->is_string()) {
    return InvalidMessage("relay: a pushed frame has no \"type\"");
  }
  PushEvent event;
  const auto& t = type->get_ref<const std::string&>();
  if (t == "message") {
    event.kind = PushEvent::Kind::kMessage;
    BC_ASSIGN_OR_RETURN(event.message, Message(j));
  } else if (t == "prekeys_low") {
    event.kind = PushEvent::Kind::kPrekeysLow;
    event.one_time_remaining = Int(j, "one_time_remaining", 0);
  } else {
    return std::optional<PushEvent>();
  }
  return std::optional<PushEvent>(std::move(event));
}

}  // namespace backchannel::client::internal
