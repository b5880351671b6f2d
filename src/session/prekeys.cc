#include "backchannel/session/prekeys.h"

#include "state.pb.h"

namespace backchannel::session {
namespace {

constexpr std::uint32_t kBundleFormatVersion = 1;

std::string KeyField(const PublicKey& key) {
  const auto s = SerializePublicKey(key);
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

}  // namespace

SignedPreKey GenerateSignedPreKey(const IdentityKeyPair& identity, std::uint32_t id) {
  SignedPreKey spk;
  spk.id = id;
  spk.key_pair = crypto::GenerateX25519KeyPair();
  // X3DH §3.2: Sig(IKB, Encode(SPKB)), Encode being the 33-byte form.
  spk.signature =
      crypto::XEdDSASign(identity.private_key, SerializePublicKey(spk.key_pair.public_key));
  return spk;
}

OneTimePreKey GenerateOneTimePreKey(std::uint32_t id) {
  return OneTimePreKey{id, crypto::GenerateX25519KeyPair()};
}

Bytes EncodePreKeyBundle(const PreKeyBundle& bundle) {
  state::PreKeyBundle m;
  m.set_format_version(kBundleFormatVersion);
  m.set_registration_id(bundle.registration_id);
  m.set_device_id(bundle.device_id);
  if (bundle.one_time_pre_key_id) {
    m.set_pre_key_id(*bundle.one_time_pre_key_id);
    m.set_pre_key(KeyField(bundle.one_time_pre_key));
  }
  m.set_signed_pre_key_id(bundle.signed_pre_key_id);
  m.set_signed_pre_key(KeyField(bundle.signed_pre_key));
  m.set_signed_pre_key_signature(bundle.signed_pre_key_signature.data(),
                                 bundle.signed_pre_key_signature.size());
  m.set_identity_key(KeyField(bundle.identity_key));
  return ToBytes(m.SerializeAsString());
}

Result<PreKeyBundle> DecodePreKeyBundle(ByteView bytes) {
  state::PreKeyBundle m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return InvalidMessage("prekey bundle does not parse");
  }
  if (!m.has_format_version()) return InvalidMessage("prekey bundle has no format version");
  if (m.format_version() != kBundleFormatVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "prekey bundle format " + std::to_string(m.format_version()));
  }
  if (!m.has_signed_pre_key_id() || !m.has_signed_pre_key() || !m.has_identity_key() ||
      !m.has_signed_pre_key_signature()) {
    return InvalidMessage("prekey bundle lacks a required field");
  }
  if (m.has_pre_key_id() != m.has_pre_key()) {
    return InvalidMessage("prekey bundle has a one-time prekey id without its key, or the reverse");
  }
  PreKeyBundle b;
  b.registration_id = m.registration_id();
  b.device_id = m.device_id();
  if (m.has_pre_key_id()) {
    b.one_time_pre_key_id = m.pre_key_id();
    BC_ASSIGN_OR_RETURN(b.one_time_pre_key, ParsePublicKey(AsBytes(m.pre_key())));
  }
  b.signed_pre_key_id = m.signed_pre_key_id();
  BC_ASSIGN_OR_RETURN(b.signed_pre_key, ParsePublicKey(AsBytes(m.signed_pre_key())));
  if (m.signed_pre_key_signature().size() != b.signed_pre_key_signature.size()) {
    return InvalidMessage("prekey bundle signature is not 64 bytes");
  }
  std::copy(m.signed_pre_key_signature().begin(), m.signed_pre_key_signature().end(),
            b.signed_pre_key_signature.begin());
  BC_ASSIGN_OR_RETURN(b.identity_key, ParsePublicKey(AsBytes(m.identity_key())));
  return b;
}

}  // namespace backchannel::session
