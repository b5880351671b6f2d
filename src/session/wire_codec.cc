#include "session/wire_codec.h"

#include "wire.pb.h"

namespace backchannel::session::internal {
namespace {

Status CheckVersion(std::uint8_t version_byte) {
  const int message_version = version_byte >> 4;
  if (message_version != kMessageVersion) {
    return {StatusCode::kUnsupportedVersion,
            "message version " + std::to_string(message_version) + " (this build speaks 3)"};
  }
  return Status::Ok();
}

Result<PublicKey> ParseKeyField(const std::string& field, const char* what) {
  auto key = ParsePublicKey(AsBytes(field));
  if (!key) return key.error().WithContext(what);
  return key;
}

std::string KeyField(const PublicKey& key) {
  const auto s = SerializePublicKey(key);
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

}  // namespace

Result<ParsedSignalMessage> ParseSignalMessage(ByteView bytes) {
  if (bytes.size() < 1 + kMacSize) return InvalidMessage("SignalMessage is truncated");
  BC_RETURN_IF_ERROR(CheckVersion(bytes[0]));
  const ByteView proto = bytes.subspan(1, bytes.size() - 1 - kMacSize);
  wire::SignalMessage m;
  if (!m.ParseFromArray(proto.data(), static_cast<int>(proto.size()))) {
    return InvalidMessage("SignalMessage does not parse");
  }
  if (!m.has_ratchet_key() || !m.has_counter() || !m.has_ciphertext()) {
    return InvalidMessage("SignalMessage lacks a required field");
  }
  ParsedSignalMessage out;
  BC_ASSIGN_OR_RETURN(out.fields.ratchet_key, ParseKeyField(m.ratchet_key(), "ratchet key"));
  out.fields.counter = m.counter();
  out.fields.previous_counter = m.previous_counter();
  out.fields.ciphertext = ToBytes(m.ciphertext());
  out.authenticated = bytes.first(bytes.size() - kMacSize);
  out.mac = bytes.last(kMacSize);
  return out;
}

Bytes EncodeSignalMessage(const SignalMessageFields& fields) {
  wire::SignalMessage m;
  m.set_ratchet_key(KeyField(fields.ratchet_key));
  m.set_counter(fields.counter);
  m.set_previous_counter(fields.previous_counter);
  m.set_ciphertext(fields.ciphertext.data(), fields.ciphertext.size());
  const std::size_t size = m.ByteSizeLong();
  Bytes out(1 + size + kMacSize);
  out[0] = kVersionByte;
  m.SerializeWithCachedSizesToArray(out.data() + 1);
  out.resize(1 + size);  // capacity for the MAC stays reserved
  return out;
}

Result<PreKeyMessageFields> ParsePreKeySignalMessage(ByteView bytes) {
  if (bytes.empty()) return InvalidMessage("PreKeySignalMessage is empty");
  BC_RETURN_IF_ERROR(CheckVersion(bytes[0]));
  wire::PreKeySignalMessage m;
  if (!m.ParseFromArray(bytes.data() + 1, static_cast<int>(bytes.size() - 1))) {
    return InvalidMessage("PreKeySignalMessage does not parse");
  }
  if (!m.has_signed_pre_key_id() || !m.has_base_key() || !m.has_identity_key() ||
      !m.has_message()) {
    return InvalidMessage("PreKeySignalMessage lacks a required field");
  }
  PreKeyMessageFields out;
  out.registration_id = m.registration_id();
  if (m.has_pre_key_id()) out.pre_key_id = m.pre_key_id();
  out.signed_pre_key_id = m.signed_pre_key_id();
  BC_ASSIGN_OR_RETURN(out.base_key, ParseKeyField(m.base_key(), "base key"));
  BC_ASSIGN_OR_RETURN(out.identity_key, ParseKeyField(m.identity_key(), "identity key"));
  out.message = ToBytes(m.message());
  return out;
}

Bytes EncodePreKeySignalMessage(const PreKeyMessageFields& fields) {
  wire::PreKeySignalMessage m;
  m.set_registration_id(fields.registration_id);
  if (fields.pre_key_id) m.set_pre_key_id(*fields.pre_key_id);
  m.set_signed_pre_key_id(fields.signed_pre_key_id);
  m.set_base_key(KeyField(fields.base_key));
  m.set_identity_key(KeyField(fields.identity_key));
  m.set_message(fields.message.data(), fields.message.size());
  const std::size_t size = m.ByteSizeLong();
  Bytes out(1 + size);
  out[0] = kVersionByte;
  m.SerializeWithCachedSizesToArray(out.data() + 1);
  return out;
}

}  // namespace backchannel::session::internal
