// Sealed rows (client/sealed_row.h) in the store: the row keys from the store
// secret, the sealed manifest of table digests and its check on open, and
// the row writers the public methods and the upgrade share.
#include "client/local_store_impl.h"

namespace backchannel::client {

// ---- sealed rows: keys, digests ----

namespace {

std::string ManifestAd() {
  return Ad("meta", "manifest", "v") + "|v" + std::to_string(store::kRowSchemaVersion);
}

// A sealed table as it sits in the file: its logical name and the query
// that lists (element key, sealed row). The element key is the primary key
// followed by the clear lookup columns, so a row moved to another contact or
// message id changes the digest like a deleted one.
struct SealedTable {
  std::string_view name;
  const char* rows;
};
constexpr SealedTable kSealedTables[] = {
    {store::kAuthorities, "SELECT pk, row FROM authorities_v5"},
    {store::kContacts, "SELECT pk || '|' || identity, row FROM contacts_v5"},
    {store::kMessages, "SELECT seq || '|' || contact || '|' || id, row FROM messages_v5"},
    {store::kOutbox, "SELECT seq || '|' || contact || '|' || message_id, row FROM outbox_v5"},
    {store::kPending, "SELECT CAST(seq AS TEXT), row FROM pending_v5"},
};

}  // namespace

Status RowMismatch(std::string_view table, std::string_view what) {
  return Corrupt("store: a row of table '" + std::string(table) + "' does not match its " +
                 std::string(what) + " (the store file was tampered with or is corrupt)");
}

Status LocalStore::Impl::LoadRowKeys() {
  BC_ASSIGN_OR_RETURN(auto sealed, GetMeta("store_secret"));
  if (!sealed)
    return Corrupt("store: the store secret is missing (the store file was tampered with)");
  BC_ASSIGN_OR_RETURN(auto secret, Unseal(*sealed, Ad("meta", "store_secret", "v")));
  if (secret.size() != kKeySize) return Corrupt("store: the store secret has the wrong size");
  // Two independent keys from one secret (RFC 5869 HKDF, distinct info).
  crypto::HkdfSha256(secret.view(), {}, AsBytes("backchannel store v5 keyed index"),
                     index_key.mutable_view());
  crypto::HkdfSha256(secret.view(), {}, AsBytes("backchannel store v5 table digest"),
                     digest_key.mutable_view());
  return Status::Ok();
}

Result<store::Manifest> LocalStore::Impl::LoadManifest() const {
  BC_ASSIGN_OR_RETURN(auto sealed, GetMeta("manifest"));
  if (!sealed) {
    return Corrupt("store: the table digests are missing (the store file was tampered with)");
  }
  BC_ASSIGN_OR_RETURN(auto plain, Unseal(*sealed, ManifestAd()));
  return store::DecodeManifest(plain.view());
}

Status LocalStore::Impl::SaveManifest(const store::Manifest& m) const {
  return PutMeta("manifest", Seal(store::EncodeManifest(m), ManifestAd()));
}

Status LocalStore::Impl::Touch(std::string_view table, std::string_view pk,
                               const std::optional<Bytes>& old_row,
                               const std::optional<Bytes>& new_row) const {
  BC_ASSIGN_OR_RETURN(auto m, LoadManifest());
  auto& d = m[std::string(table)];
  if (old_row) store::RemoveElement(d, store::RowElement(digest_key.view(), table, pk, *old_row));
  if (new_row) store::AddElement(d, store::RowElement(digest_key.view(), table, pk, *new_row));
  return SaveManifest(m);
}

Result<store::Manifest> LocalStore::Impl::ComputeManifest() const {
  store::Manifest m;
  for (const auto& t : kSealedTables) {
    store::TableDigest d;
    sqlite::Statement s = db->Prepare(t.rows);
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      store::AddElement(
          d, store::RowElement(digest_key.view(), t.name, s.ColumnText(0), s.ColumnBlob(1)));
    }
    m[std::string(t.name)] = d;
  }
  return m;
}

Status LocalStore::Impl::VerifyTables() const {
  BC_ASSIGN_OR_RETURN(auto want, LoadManifest());
  BC_ASSIGN_OR_RETURN(auto have, ComputeManifest());
  for (const auto& t : kSealedTables) {
    const store::TableDigest& h = have[std::string(t.name)];
    const store::TableDigest w =
        want.count(std::string(t.name)) ? want[std::string(t.name)] : store::TableDigest{};
    if (!store::DigestEqual(h, w)) {
      return Corrupt("store: table '" + std::string(t.name) +
                     "' fails its integrity check: a row was deleted, added, swapped or rolled "
                     "back (" +
                     std::to_string(h.count) + " rows, " + std::to_string(w.count) +
                     " recorded; the store file was tampered with)");
    }
  }
  return Status::Ok();
}

// ---- sealed row writers (inside the caller's transaction) ----

Status LocalStore::Impl::WriteAuthority(const TrustedAuthority& a) {
  const std::string pk = Index("authority", a.key);
  BC_ASSIGN_OR_RETURN(auto old, RowAt("SELECT pk, row FROM authorities_v5 WHERE pk = ?", pk));
  Bytes row = SealRow(store::kAuthorities, pk, store::EncodeAuthorityRow(a));
  sqlite::Statement s =
      db->Prepare("INSERT OR REPLACE INTO authorities_v5 (pk, row) VALUES (?, ?)");
  s.Bind(1, pk).BindBlob(2, row);
  BC_RETURN_IF_ERROR(s.Run());
  if (old) BC_RETURN_IF_ERROR(Touch(store::kAuthorities, old->key, old->row, std::nullopt));
  return Touch(store::kAuthorities, pk, std::nullopt, std::move(row));
}

Status LocalStore::Impl::WriteContact(const Contact& c) {
  const std::string pk = Index("contact", AsBytes(c.name));
  const std::string identity = Index("identity", c.identity_key);
  // Another contact with this identity key is replaced, as the UNIQUE
  // column of schema 4 did; its row leaves the digest too.
  {
    sqlite::Statement other =
        db->Prepare("SELECT pk, row FROM contacts_v5 WHERE identity = ? AND pk != ?");
    other.Bind(1, identity).Bind(2, pk);
    BC_ASSIGN_OR_RETURN(bool row, other.Step());
    if (row) {
      const std::string other_pk = other.ColumnText(0);
      const Bytes other_row = other.ColumnBlob(1);
      sqlite::Statement del = db->Prepare("DELETE FROM contacts_v5 WHERE pk = ?");
      del.Bind(1, other_pk);
      BC_RETURN_IF_ERROR(del.Run());
      BC_RETURN_IF_ERROR(
          Touch(store::kContacts, other_pk + "|" + identity, other_row, std::nullopt));
    }
  }
  BC_ASSIGN_OR_RETURN(auto old,
                      RowAt("SELECT pk || '|' || identity, row FROM contacts_v5 WHERE pk = ?", pk));
  Bytes row = SealRow(store::kContacts, pk, store::EncodeContactRow(c));
  sqlite::Statement s =
      db->Prepare("INSERT OR REPLACE INTO contacts_v5 (pk, identity, row) VALUES (?, ?, ?)");
  s.Bind(1, pk).Bind(2, identity).BindBlob(3, row);
  BC_RETURN_IF_ERROR(s.Run());
  if (old) BC_RETURN_IF_ERROR(Touch(store::kContacts, old->key, old->row, std::nullopt));
  return Touch(store::kContacts, pk + "|" + identity, std::nullopt, std::move(row));
}

Result<Contact> LocalStore::Impl::ReadContact(const std::string& pk, const std::string& identity,
                                              ByteView blob) const {
  BC_ASSIGN_OR_RETURN(auto plain, UnsealRow(store::kContacts, pk, blob));
  BC_ASSIGN_OR_RETURN(Contact c, store::DecodeContactRow(plain.view()));
  if (Index("contact", AsBytes(c.name)) != pk) return RowMismatch(store::kContacts, "name index");
  if (Index("identity", c.identity_key) != identity) {
    return RowMismatch(store::kContacts, "identity index");
  }
  return c;
}

namespace {
// Binds seq (NULL: the next one) as parameter 1.
void BindSeq(sqlite::Statement& s, std::int64_t seq) {
  if (seq > 0) {
    s.Bind(1, seq);
  } else {
    s.BindNull(1);
  }
}
}  // namespace

Result<std::int64_t> LocalStore::Impl::InsertMessage(const StoredMessage& m, std::int64_t seq) {
  // The row's key is its seq, known after the insert: an empty row first,
  // then the sealed one (one transaction: nobody sees the empty row).
  sqlite::Statement s =
      db->Prepare("INSERT INTO messages_v5 (seq, contact, id, row) VALUES (?, ?, ?, X'')");
  BindSeq(s, seq);
  const std::string contact = Index("contact", AsBytes(m.contact));
  s.Bind(2, contact).Bind(3, m.id);
  BC_RETURN_IF_ERROR(s.Run());
  const std::int64_t at = db->LastInsertRowId();
  const std::string pk = std::to_string(at);
  Bytes row = SealRow(store::kMessages, pk, store::EncodeMessageRow(m));
  sqlite::Statement u = db->Prepare("UPDATE messages_v5 SET row = ? WHERE seq = ?");
  u.BindBlob(1, row).Bind(2, at);
  BC_RETURN_IF_ERROR(u.Run());
  BC_RETURN_IF_ERROR(
      Touch(store::kMessages, pk + "|" + contact + "|" + m.id, std::nullopt, std::move(row)));
  return at;
}

Result<std::int64_t> LocalStore::Impl::InsertOutbox(const OutboxEntry& e, std::int64_t seq) {
  sqlite::Statement s =
      db->Prepare("INSERT INTO outbox_v5 (seq, contact, message_id, row) VALUES (?, ?, ?, X'')");
  BindSeq(s, seq);
  const std::string contact = Index("contact", AsBytes(e.contact));
  s.Bind(2, contact).Bind(3, e.message_id);
  BC_RETURN_IF_ERROR(s.Run());
  const std::int64_t at = db->LastInsertRowId();
  const std::string pk = std::to_string(at);
  Bytes row = SealRow(store::kOutbox, pk, store::EncodeOutboxRow(e));
  sqlite::Statement u = db->Prepare("UPDATE outbox_v5 SET row = ? WHERE seq = ?");
  u.BindBlob(1, row).Bind(2, at);
  BC_RETURN_IF_ERROR(u.Run());
  BC_RETURN_IF_ERROR(
      Touch(store::kOutbox, pk + "|" + contact + "|" + e.message_id, std::nullopt, std::move(row)));
  return at;
}

Result<std::int64_t> LocalStore::Impl::InsertPending(const PendingRequest& r, std::int64_t seq) {
  sqlite::Statement s = db->Prepare("INSERT INTO pending_v5 (seq, row) VALUES (?, X'')");
  BindSeq(s, seq);
  BC_RETURN_IF_ERROR(s.Run());
  const std::int64_t at = db->LastInsertRowId();
  const std::string pk = std::to_string(at);
  Bytes row = SealRow(store::kPending, pk, store::EncodePendingRow(r));
  sqlite::Statement u = db->Prepare("UPDATE pending_v5 SET row = ? WHERE seq = ?");
  u.BindBlob(1, row).Bind(2, at);
  BC_RETURN_IF_ERROR(u.Run());
  BC_RETURN_IF_ERROR(Touch(store::kPending, pk, std::nullopt, std::move(row)));
  return at;
}

}  // namespace backchannel::client
