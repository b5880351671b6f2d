// Signed and one-time prekeys: rotation, retirement, wiping, the cap.
#include "client/local_store_impl.h"

namespace backchannel::client {

// ---- prekeys ----

Status LocalStore::PutSignedPreKey(const session::SignedPreKey& key) {
  return PutSignedPreKey(key, NowMs());
}

Status LocalStore::PutSignedPreKey(const session::SignedPreKey& key, std::int64_t created_ms) {
  return Transaction([&] {
    const std::string row = "signed/" + std::to_string(key.id);
    sqlite::Statement s = impl_->db->Prepare(
        "INSERT OR REPLACE INTO prekeys (kind, id, public_key, private_key, signature, used, "
        "created_ms, retired_ms) VALUES ('signed', ?, ?, ?, ?, 0, ?, NULL)");
    s.Bind(1, static_cast<std::int64_t>(key.id))
        .BindBlob(2, key.key_pair.public_key)
        .BindBlob(3,
                  impl_->Seal(key.key_pair.private_key.view(), Ad("prekeys", row, "private_key")))
        .BindBlob(4, key.signature)
        .Bind(5, created_ms);
    return s.Run();
  });
}

Result<std::vector<SignedPreKeyInfo>> LocalStore::ListSignedPreKeys() {
  sqlite::Statement s = impl_->db->Prepare(
      "SELECT id, created_ms, retired_ms, used, private_key IS NULL FROM prekeys "
      "WHERE kind = 'signed' ORDER BY id");
  std::vector<SignedPreKeyInfo> out;
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    SignedPreKeyInfo k;
    k.id = static_cast<std::uint32_t>(s.ColumnInt64(0));
    if (!s.ColumnIsNull(1)) k.created_ms = s.ColumnInt64(1);
    if (!s.ColumnIsNull(2)) k.retired_ms = s.ColumnInt64(2);
    k.wiped = s.ColumnInt64(3) != 0 || s.ColumnInt64(4) != 0;
    out.push_back(k);
  }
  return out;
}

Status LocalStore::RetireSignedPreKey(std::uint32_t id, std::int64_t retired_ms) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare(
        "UPDATE prekeys SET retired_ms = ? WHERE kind = 'signed' AND id = ? AND "
        "retired_ms IS NULL");
    s.Bind(1, retired_ms).Bind(2, static_cast<std::int64_t>(id));
    return s.Run();
  });
}

Status LocalStore::WipeSignedPreKey(std::uint32_t id) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare(
        "UPDATE prekeys SET used = 1, private_key = NULL WHERE kind = 'signed' AND id = ?");
    s.Bind(1, static_cast<std::int64_t>(id));
    return s.Run();
  });
}

Status LocalStore::PutOneTimePreKeys(const std::vector<session::OneTimePreKey>& keys) {
  return Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(std::size_t room, OneTimePreKeyRoom());
    if (keys.size() > room) {
      return Status(StatusCode::kResourceExhausted,
                    "store: " + std::to_string(keys.size()) +
                        " more one-time prekeys would pass the cap of " +
                        std::to_string(kMaxOneTimePreKeys) + " held at once (room for " +
                        std::to_string(room) + ")");
    }
    for (const auto& key : keys) {
      const std::string row = "one_time/" + std::to_string(key.id);
      sqlite::Statement s = impl_->db->Prepare(
          "INSERT INTO prekeys (kind, id, public_key, private_key, used) "
          "VALUES ('one_time', ?, ?, ?, 0)");
      s.Bind(1, static_cast<std::int64_t>(key.id))
          .BindBlob(2, key.key_pair.public_key)
          .BindBlob(
              3, impl_->Seal(key.key_pair.private_key.view(), Ad("prekeys", row, "private_key")));
      BC_RETURN_IF_ERROR(s.Run());
    }
    return Status::Ok();
  });
}

Status LocalStore::MarkOneTimePreKeyUsed(std::uint32_t id) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare(
        "UPDATE prekeys SET used = 1, private_key = NULL WHERE kind = 'one_time' AND id = ?");
    s.Bind(1, static_cast<std::int64_t>(id));
    return s.Run();
  });
}

Result<session::InMemoryPreKeyStore> LocalStore::LoadPreKeys() {
  session::InMemoryPreKeyStore out;
  sqlite::Statement s = impl_->db->Prepare(
      "SELECT kind, id, public_key, private_key, signature FROM prekeys WHERE used = 0");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::string kind = s.ColumnText(0);
    const auto id = static_cast<std::uint32_t>(s.ColumnInt64(1));
    const std::string row_key = kind + "/" + std::to_string(id);
    BC_ASSIGN_OR_RETURN(auto priv,
                        impl_->Unseal(s.ColumnBlob(3), Ad("prekeys", row_key, "private_key")));
    if (priv.size() != 32) return Corrupt("store: prekey has the wrong size");
    auto kp = crypto::X25519KeyPairFromPrivate(priv.view());
    if (kind == "signed") {
      session::SignedPreKey k;
      k.id = id;
      k.key_pair = std::move(kp);
      const Bytes sig = s.ColumnBlob(4);
      if (sig.size() != k.signature.size()) return Corrupt("store: bad prekey signature size");
      std::copy(sig.begin(), sig.end(), k.signature.begin());
      out.AddSigned(std::move(k));
    } else {
      out.AddOneTime(session::OneTimePreKey{id, std::move(kp)});
    }
  }
  return out;
}

Result<std::size_t> LocalStore::NoteOneTimePreKeysTaken(std::size_t remaining,
                                                        std::int64_t now_ms) {
  std::size_t taken = 0;
  BC_RETURN_IF_ERROR(Transaction([&]() -> Status {
    sqlite::Statement s = impl_->db->Prepare(
        "UPDATE prekeys SET taken_ms = ? WHERE kind = 'one_time' AND used = 0 AND "
        "taken_ms IS NULL AND id NOT IN (SELECT id FROM prekeys WHERE kind = 'one_time' AND "
        "used = 0 ORDER BY id DESC LIMIT ?)");
    s.Bind(1, now_ms).Bind(2, static_cast<std::int64_t>(remaining));
    BC_RETURN_IF_ERROR(s.Run());
    sqlite::Statement count = impl_->db->Prepare(
        "SELECT COUNT(*) FROM prekeys WHERE kind = 'one_time' AND used = 0 AND taken_ms IS "
        "NOT NULL");
    BC_ASSIGN_OR_RETURN(bool row, count.Step());
    taken = row ? static_cast<std::size_t>(count.ColumnInt64(0)) : 0;
    return Status::Ok();
  }));
  return taken;
}

Result<std::size_t> LocalStore::WipeExpiredOneTimePreKeys(std::int64_t now_ms) {
  std::size_t wiped = 0;
  BC_RETURN_IF_ERROR(Transaction([&]() -> Status {
    sqlite::Statement s = impl_->db->Prepare(
        "UPDATE prekeys SET used = 1, private_key = NULL WHERE kind = 'one_time' AND used = 0 "
        "AND taken_ms IS NOT NULL AND taken_ms <= ?");
    s.Bind(1, now_ms - kOneTimePreKeyGraceMs);
    BC_RETURN_IF_ERROR(s.Run());
    wiped = static_cast<std::size_t>(impl_->db->Changes());
    return Status::Ok();
  }));
  return wiped;
}

Result<std::size_t> LocalStore::OneTimePreKeyRoom() {
  BC_ASSIGN_OR_RETURN(std::size_t held, CountUnusedOneTimePreKeys());
  return held >= kMaxOneTimePreKeys ? 0 : kMaxOneTimePreKeys - held;
}

Result<std::uint32_t> LocalStore::NextOneTimePreKeyId() {
  sqlite::Statement s =
      impl_->db->Prepare("SELECT COALESCE(MAX(id), 0) FROM prekeys WHERE kind = 'one_time'");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  (void)row;
  return static_cast<std::uint32_t>(s.ColumnInt64(0) + 1);
}

Result<std::size_t> LocalStore::CountUnusedOneTimePreKeys() {
  sqlite::Statement s =
      impl_->db->Prepare("SELECT COUNT(*) FROM prekeys WHERE kind = 'one_time' AND used = 0");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  (void)row;
  return static_cast<std::size_t>(s.ColumnInt64(0));
}

}  // namespace backchannel::client
