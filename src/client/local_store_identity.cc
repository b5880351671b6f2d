// The store's own identity (key pair, registration id, credential) and the
// relay configuration.
#include "client/local_store_impl.h"

namespace backchannel::client {

// ---- identity ----

Status LocalStore::PutIdentity(const StoredIdentity& identity) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare(
        "INSERT OR REPLACE INTO identity (id, public_key, private_key, registration_id, "
        "credential) VALUES (1, ?, ?, ?, ?)");
    s.BindBlob(1, identity.key_pair.public_key)
        .BindBlob(2, impl_->Seal(identity.key_pair.private_key.view(),
                                 Ad("identity", "1", "private_key")))
        .Bind(3, static_cast<std::int64_t>(identity.registration_id));
    if (identity.credential.empty()) {
      s.BindNull(4);
    } else {
      s.BindBlob(4, impl_->Seal(identity.credential, Ad("identity", "1", "credential")));
    }
    return s.Run();
  });
}

Result<StoredIdentity> LocalStore::GetIdentity() {
  sqlite::Statement s = impl_->db->Prepare(
      "SELECT public_key, private_key, registration_id, credential FROM identity WHERE id = 1");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no identity yet (run `backchannel init`)");
  BC_ASSIGN_OR_RETURN(auto priv,
                      impl_->Unseal(s.ColumnBlob(1), Ad("identity", "1", "private_key")));
  if (priv.size() != 32) return Corrupt("store: identity key has the wrong size");
  StoredIdentity id;
  id.key_pair = crypto::X25519KeyPairFromPrivate(priv.view());
  const Bytes pub = s.ColumnBlob(0);
  if (!PublicEqual(pub, id.key_pair.public_key)) {
    return Corrupt("store: identity public key does not match its private key");
  }
  id.registration_id = static_cast<std::uint32_t>(s.ColumnInt64(2));
  if (!s.ColumnIsNull(3)) {
    BC_ASSIGN_OR_RETURN(auto cred,
                        impl_->Unseal(s.ColumnBlob(3), Ad("identity", "1", "credential")));
    id.credential = cred.ExposeCopy();
  }
  return id;
}

Status LocalStore::SetOwnCredential(ByteView credential) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("UPDATE identity SET credential = ? WHERE id = 1");
    s.BindBlob(1, impl_->Seal(credential, Ad("identity", "1", "credential")));
    BC_RETURN_IF_ERROR(s.Run());
    if (impl_->db->Changes() != 1) return NotFound("no identity yet");
    return Status::Ok();
  });
}

// ---- relay ----

Status LocalStore::PutRelayConfig(const RelayConfig& c) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare(
        "INSERT OR REPLACE INTO relay (id, address, pin, mailbox, auth_key, delivery_token) "
        "VALUES (1, ?, ?, ?, ?, ?)");
    s.Bind(1, c.address)
        .Bind(2, ToHex(c.pin))
        .Bind(3, store::StoredText(c.mailbox))
        .BindBlob(4, impl_->Seal(c.auth_key.view(), Ad("relay", "1", "auth_key")))
        .BindBlob(5, impl_->Seal(store::StoredText(c.delivery_token).view(),
                                 Ad("relay", "1", "delivery_token")));
    BC_RETURN_IF_ERROR(s.Run());
    sqlite::Statement next =
        c.next_pin ? impl_->db->Prepare("INSERT OR REPLACE INTO settings (k, v) VALUES (?, ?)")
                   : impl_->db->Prepare("DELETE FROM settings WHERE k = ?");
    next.Bind(1, std::string(kRelayNextPinSetting));
    if (c.next_pin) next.Bind(2, ToHex(*c.next_pin));
    return next.Run();
  });
}

Result<RelayConfig> LocalStore::GetRelayConfig() {
  sqlite::Statement s = impl_->db->Prepare(
      "SELECT address, pin, mailbox, auth_key, delivery_token FROM relay WHERE id = 1");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no relay configured (run `backchannel init --relay ...`)");
  RelayConfig c;
  c.address = s.ColumnText(0);
  auto pin = FromHexFixed<CertificatePin>(s.ColumnText(1));
  if (!pin.ok()) return Corrupt("store: the relay pin is not 64 hex digits");
  c.pin = *pin;
  BC_ASSIGN_OR_RETURN(c.mailbox, store::ParseStoredMailboxId(s.ColumnText(2), "our mailbox id"));
  BC_ASSIGN_OR_RETURN(c.auth_key, impl_->Unseal(s.ColumnBlob(3), Ad("relay", "1", "auth_key")));
  BC_ASSIGN_OR_RETURN(const SecretBytes token,
                      impl_->Unseal(s.ColumnBlob(4), Ad("relay", "1", "delivery_token")));
  BC_ASSIGN_OR_RETURN(c.delivery_token, store::ParseStoredDeliveryToken(AsString(token.view()),
                                                                        "our delivery token"));
  BC_ASSIGN_OR_RETURN(auto next, GetSetting(std::string(kRelayNextPinSetting)));
  if (next) {
    auto next_pin = FromHexFixed<CertificatePin>(*next);
    if (!next_pin.ok()) return Corrupt("store: the relay's next pin is not 64 hex digits");
    c.next_pin = *next_pin;
  }
  return c;
}

}  // namespace backchannel::client
