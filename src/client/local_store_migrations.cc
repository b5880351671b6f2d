// The local store's schema as numbered migrations (sqlite/migrations.h):
// versions 1-4 are SQL; 5 (sealed rows and table digests) and 6 (app keys
// and log names as keyed indexes) re-seal rows in code.
#include <nlohmann/json.hpp>
#include <vector>

#include "client/local_store_impl.h"

namespace backchannel::client {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  public_key BLOB NOT NULL, private_key BLOB NOT NULL,
  registration_id INTEGER NOT NULL, credential BLOB);
CREATE TABLE IF NOT EXISTS prekeys (
  kind TEXT NOT NULL, id INTEGER NOT NULL, public_key BLOB NOT NULL,
  private_key BLOB, signature BLOB, used INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS relay (
  id INTEGER PRIMARY KEY CHECK (id = 1), address TEXT NOT NULL, pin TEXT NOT NULL,
  mailbox TEXT NOT NULL, auth_key BLOB NOT NULL, delivery_token BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS authorities (
  key BLOB PRIMARY KEY, label TEXT NOT NULL, revocations BLOB);
CREATE TABLE IF NOT EXISTS contacts (
  name TEXT PRIMARY KEY, identity_key BLOB NOT NULL UNIQUE,
  relay TEXT NOT NULL, pin TEXT NOT NULL, mailbox TEXT NOT NULL, delivery_token BLOB NOT NULL,
  authority_key BLOB, authority_label TEXT, credential BLOB, session BLOB,
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, contact TEXT NOT NULL,
  direction TEXT NOT NULL, time_ms INTEGER NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS seen_ids (
  contact TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (contact, id));
CREATE TABLE IF NOT EXISTS settings (k TEXT PRIMARY KEY, v TEXT NOT NULL);
)sql";

// Schema version 2: application data (docs/client.md, "Local store").
constexpr const char* kAppSchema = R"sql(
CREATE TABLE IF NOT EXISTS app_values (
  app TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (app, key));
CREATE TABLE IF NOT EXISTS app_log (
  app TEXT NOT NULL, log TEXT NOT NULL, seq INTEGER NOT NULL, entry BLOB NOT NULL,
  PRIMARY KEY (app, log, seq));
CREATE TABLE IF NOT EXISTS app_log_heads (
  app TEXT NOT NULL, log TEXT NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (app, log));
)sql";

// Schema version 3: when a signed prekey was made and when it was superseded
// (NULL: unknown, for keys from before version 3; still current).
constexpr const char* kPreKeyTimesSchema = R"sql(
ALTER TABLE prekeys ADD COLUMN created_ms INTEGER;
ALTER TABLE prekeys ADD COLUMN retired_ms INTEGER;
)sql";

// Schema version 4: sealed envelopes waiting to be posted, and what became
// of each outgoing line (NULL: not an outgoing line, or sent before v4); the
// scope of a trusted authority (JSON {"sides":[..],"roles":[..]}; NULL:
// trusted before v4, unscoped); the identity key whose safety number was
// compared in person; requests kept back for an untrusted authority.
constexpr const char* kOutboxSchema = R"sql(
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, contact TEXT NOT NULL, message_id TEXT NOT NULL,
  envelope BLOB NOT NULL, created_ms INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT, UNIQUE (contact, message_id));
ALTER TABLE messages ADD COLUMN delivery TEXT;
ALTER TABLE authorities ADD COLUMN scope TEXT;
ALTER TABLE contacts ADD COLUMN compared_key BLOB;
CREATE TABLE IF NOT EXISTS pending_requests (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, received_ms INTEGER NOT NULL, envelope BLOB NOT NULL,
  sender BLOB NOT NULL, authority_key BLOB, side TEXT, role TEXT, display_name TEXT);
)sql";

// Schema version 5: every row that carries trust or history is one sealed
// blob (client/sealed_row.h) under associated data naming its table, primary
// key and the schema version; contact names and identity keys appear only as
// keyed indexes (HMAC-SHA256 under a key derived from a random store secret);
// the digest of every such table is kept sealed in meta ("manifest") and
// checked when the store opens. The v4 tables these replace are copied over
// and dropped by the upgrade.
constexpr const char* kSealedSchema = R"sql(
CREATE TABLE IF NOT EXISTS authorities_v5 (pk TEXT PRIMARY KEY, row BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS contacts_v5 (
  pk TEXT PRIMARY KEY, identity TEXT NOT NULL UNIQUE, row BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS messages_v5 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, contact TEXT NOT NULL, id TEXT NOT NULL,
  row BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS messages_v5_by_contact ON messages_v5 (contact, id);
CREATE TABLE IF NOT EXISTS seen_v5 (contact TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (contact, id));
CREATE TABLE IF NOT EXISTS outbox_v5 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, contact TEXT NOT NULL, message_id TEXT NOT NULL,
  row BLOB NOT NULL, UNIQUE (contact, message_id));
CREATE TABLE IF NOT EXISTS pending_v5 (seq INTEGER PRIMARY KEY AUTOINCREMENT, row BLOB NOT NULL);
ALTER TABLE prekeys ADD COLUMN taken_ms INTEGER;
)sql";

// Schema version 6: an app value's key and an app log's name are held as
// keyed indexes (Impl::AppKeyIndex, AppLogIndex), like contact names in v5:
// they carry talks ids and contact names. The key itself is kept sealed
// beside the value (sealed_key) so ListAppKeys can still list by prefix.
// The associated data of values and entries names the index. Settings named
// after a contact (undecryptable notices; now an app value) are dropped.
constexpr const char* kHiddenAppNamesSchema = R"sql(
ALTER TABLE app_values ADD COLUMN sealed_key BLOB;
DELETE FROM settings WHERE k LIKE 'undecryptable_notice/%';
)sql";
constexpr const char* kDropV4Tables = R"sql(
DROP TABLE authorities; DROP TABLE contacts; DROP TABLE messages; DROP TABLE seen_ids;
DROP TABLE outbox; DROP TABLE pending_requests;
)sql";

// The authority scope as schema 4 stored it: {"sides":[...],"roles":[...]}.
Status ParseScope(const std::string& text, TrustedAuthority& a) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  auto strings = [](const nlohmann::json& v, std::vector<std::string>& out) {
    if (!v.is_array()) return false;
    for (const auto& e : v) {
      if (!e.is_string()) return false;
      out.push_back(e.get<std::string>());
    }
    return true;
  };
  if (j.is_discarded() || !j.is_object() || !j.contains("sides") || !j.contains("roles") ||
      !strings(j["sides"], a.sides) || !strings(j["roles"], a.roles)) {
    return Corrupt("store: the scope of authority '" + a.label + "' is malformed");
  }
  a.scoped = true;
  return Status::Ok();
}

}  // namespace

sqlite::Schema LocalStore::Impl::MakeSchema() {
  sqlite::Schema schema;
  schema.name = "store";
  schema.migrations = {
      {kSchema, nullptr},
      {kAppSchema, nullptr},
      {kPreKeyTimesSchema, nullptr},
      {kOutboxSchema, nullptr},
      {nullptr, [this](sqlite::Connection&) { return UpgradeToSealedRows(); }},
      {nullptr,
       [this](sqlite::Connection&) -> Status {
         BC_RETURN_IF_ERROR(LoadRowKeys());
         return UpgradeToHiddenAppNames();
       }},
  };
  // Stores from before the shared scheme, and the builds that made them,
  // keep the version in meta (8 bytes, little-endian): read and written there
  // too, so an older build still refuses a newer store.
  schema.legacy = sqlite::LegacyVersionRecord{
      [this](sqlite::Connection& c) -> Result<std::optional<std::int64_t>> {
        BC_ASSIGN_OR_RETURN(std::int64_t tables,
                            c.QueryInt64("SELECT count(*) FROM sqlite_schema WHERE type = "
                                         "'table' AND name = 'meta'"));
        if (tables == 0) return std::optional<std::int64_t>();
        BC_ASSIGN_OR_RETURN(auto record, GetMeta("schema_version"));
        if (!record) return std::optional<std::int64_t>();
        BC_ASSIGN_OR_RETURN(std::uint64_t version, FromU64(record));
        return std::optional<std::int64_t>(static_cast<std::int64_t>(version));
      },
      [this](sqlite::Connection&, std::int64_t version) {
        return PutMeta("schema_version", U64(static_cast<std::uint64_t>(version)));
      }};
  return schema;
}

Status LocalStore::Impl::Migrate(std::uint64_t v) {
  if (v >= kSchemaVersion) return Status::Ok();
  Status migrated = sqlite::Migrate(*db, MakeSchema());
  return migrated.WithContext("store: upgrading from schema version " + std::to_string(v) + " to " +
                              std::to_string(kSchemaVersion));
}

Status LocalStore::Impl::UpgradeToSealedRows() {
  SecretArray<kKeySize> secret;
  crypto::RandomBytes(secret.mutable_view());
  BC_RETURN_IF_ERROR(PutMeta("store_secret", Seal(secret.view(), Ad("meta", "store_secret", "v"))));
  BC_RETURN_IF_ERROR(LoadRowKeys());
  BC_RETURN_IF_ERROR(Exec(kSealedSchema));
  BC_RETURN_IF_ERROR(SaveManifest({}));
  // Each v4 row is read with its v4 associated data (a row that fails it
  // fails the upgrade: nothing is written) and written sealed.
  {
    sqlite::Statement s = db->Prepare("SELECT key, label, revocations, scope FROM authorities");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      TrustedAuthority a;
      auto key = AuthorityPublicKey::FromView(s.ColumnBlob(0));
      if (!key) return Corrupt("store: a trusted authority's key is not 32 bytes");
      a.key = *key;
      a.label = s.ColumnText(1);
      a.revocations = s.ColumnBlob(2);
      if (!s.ColumnIsNull(3)) BC_RETURN_IF_ERROR(ParseScope(s.ColumnText(3), a));
      BC_RETURN_IF_ERROR(WriteAuthority(a));
    }
  }
  {
    sqlite::Statement s = db->Prepare(
        "SELECT name, identity_key, relay, pin, mailbox, delivery_token, authority_key, "
        "authority_label, credential, session, created_ms, compared_key FROM contacts");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      Contact c;
      c.name = s.ColumnText(0);
      auto ik = session::PublicKey::FromView(s.ColumnBlob(1));
      if (!ik) return Corrupt("store: contact identity key has the wrong size");
      c.identity_key = *ik;
      c.address.relay = s.ColumnText(2);
      auto pin = FromHexFixed<CertificatePin>(s.ColumnText(3));
      if (!pin.ok()) return Corrupt("store: a contact's relay pin is not 64 hex digits");
      c.address.pin = *pin;
      BC_ASSIGN_OR_RETURN(c.address.mailbox,
                          store::ParseStoredMailboxId(s.ColumnText(4), "a contact's mailbox id"));
      BC_ASSIGN_OR_RETURN(const SecretBytes token,
                          Unseal(s.ColumnBlob(5), Ad("contacts", c.name, "delivery_token")));
      BC_ASSIGN_OR_RETURN(
          c.address.delivery_token,
          store::ParseStoredDeliveryToken(AsString(token.view()), "a contact's delivery token"));
      BC_ASSIGN_OR_RETURN(c.authority_key,
                          store::ParseStoredOptionalKey(s.ColumnBlob(6), store::kContacts));
      c.authority_label = s.ColumnText(7);
      if (!s.ColumnIsNull(8)) {
        BC_ASSIGN_OR_RETURN(auto cred,
                            Unseal(s.ColumnBlob(8), Ad("contacts", c.name, "credential")));
        c.credential = cred.ExposeCopy();
      }
      if (!s.ColumnIsNull(9)) {
        BC_ASSIGN_OR_RETURN(c.session, Unseal(s.ColumnBlob(9), Ad("contacts", c.name, "session")));
      }
      c.created_ms = s.ColumnInt64(10);
      c.compared_identity_key = s.ColumnBlob(11);
      BC_RETURN_IF_ERROR(WriteContact(c));
    }
  }
  {
    sqlite::Statement s = db->Prepare(
        "SELECT seq, id, contact, direction, time_ms, body, delivery FROM messages ORDER BY seq");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      StoredMessage m;
      m.seq = s.ColumnInt64(0);
      m.id = s.ColumnText(1);
      m.contact = s.ColumnText(2);
      m.direction = ParseDirection(s.ColumnText(3));
      m.time_ms = s.ColumnInt64(4);
      BC_ASSIGN_OR_RETURN(
          m.body, UnsealString(s.ColumnBlob(5), Ad("messages", m.contact + "/" + m.id, "body")));
      m.delivery = ParseDelivery(s.ColumnText(6));
      BC_RETURN_IF_ERROR(InsertMessage(m, m.seq).status());
    }
  }
  {
    sqlite::Statement s = db->Prepare("SELECT contact, id FROM seen_ids");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      sqlite::Statement ins =
          db->Prepare("INSERT OR IGNORE INTO seen_v5 (contact, id) VALUES (?, ?)");
      ins.Bind(1, Index("contact", AsBytes(s.ColumnText(0)))).Bind(2, s.ColumnText(1));
      BC_RETURN_IF_ERROR(ins.Run());
    }
  }
  {
    sqlite::Statement s = db->Prepare(
        "SELECT seq, contact, message_id, envelope, created_ms, attempts, last_error FROM outbox "
        "ORDER BY seq");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      OutboxEntry e;
      e.seq = s.ColumnInt64(0);
      e.contact = s.ColumnText(1);
      e.message_id = s.ColumnText(2);
      BC_ASSIGN_OR_RETURN(
          auto env,
          Unseal(s.ColumnBlob(3), Ad("outbox", e.contact + "/" + e.message_id, "envelope")));
      e.envelope = ToBytes(env.view());
      e.created_ms = s.ColumnInt64(4);
      e.attempts = s.ColumnInt64(5);
      e.last_error = s.ColumnText(6);
      BC_RETURN_IF_ERROR(InsertOutbox(e, e.seq).status());
    }
  }
  {
    sqlite::Statement s = db->Prepare(
        "SELECT seq, received_ms, envelope, sender, authority_key, side, role, display_name "
        "FROM pending_requests ORDER BY seq");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      PendingRequest r;
      r.seq = s.ColumnInt64(0);
      r.received_ms = s.ColumnInt64(1);
      auto sender = session::PublicKey::FromView(s.ColumnBlob(3));
      if (!sender) return Corrupt("store: a pending request is malformed");
      r.sender = *sender;
      BC_ASSIGN_OR_RETURN(
          auto env, Unseal(s.ColumnBlob(2),
                           Ad("pending_requests",
                              std::to_string(r.received_ms) + "/" + ToHex(r.sender), "envelope")));
      r.envelope = ToBytes(env.view());
      BC_ASSIGN_OR_RETURN(r.authority_key,
                          store::ParseStoredOptionalKey(s.ColumnBlob(4), store::kPending));
      r.side = s.ColumnText(5);
      r.role = s.ColumnText(6);
      r.display_name = s.ColumnText(7);
      BC_RETURN_IF_ERROR(InsertPending(r, r.seq).status());
    }
  }
  return Exec(kDropV4Tables);
}

Status LocalStore::Impl::UpgradeToHiddenAppNames() {
  BC_RETURN_IF_ERROR(Exec(kHiddenAppNamesSchema));
  // Read each table whole, then rewrite it: no update under an open cursor.
  struct Value {
    std::string app;
    std::string key;
    Bytes value;
  };
  std::vector<Value> values;
  {
    sqlite::Statement s = db->Prepare("SELECT app, key, value FROM app_values");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      values.push_back({s.ColumnText(0), s.ColumnText(1), s.ColumnBlob(2)});
    }
  }
  BC_RETURN_IF_ERROR(Exec("DELETE FROM app_values"));
  for (const auto& v : values) {
    const std::string index = AppKeyIndex(v.app, v.key);
    auto plain = Unseal(v.value, ValueAd(v.app, v.key));
    sqlite::Statement ins =
        db->Prepare("INSERT INTO app_values (app, key, sealed_key, value) VALUES (?, ?, ?, ?)");
    ins.Bind(1, v.app)
        .Bind(2, index)
        .BindBlob(3, Seal(AsBytes(v.key), KeyAd(v.app, index)))
        .BindBlob(4, plain ? Seal(plain->view(), ValueAd(v.app, index)) : v.value);
    BC_RETURN_IF_ERROR(ins.Run());
  }
  struct Entry {
    std::int64_t rowid;
    std::string app;
    std::string log;
    std::int64_t seq;
    Bytes entry;
  };
  std::vector<Entry> entries;
  {
    sqlite::Statement s = db->Prepare("SELECT rowid, app, log, seq, entry FROM app_log");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      entries.push_back(
          {s.ColumnInt64(0), s.ColumnText(1), s.ColumnText(2), s.ColumnInt64(3), s.ColumnBlob(4)});
    }
  }
  for (const auto& e : entries) {
    const std::string index = AppLogIndex(e.app, e.log);
    auto plain = Unseal(e.entry, LogAd(e.app, e.log, e.seq));
    sqlite::Statement u = db->Prepare("UPDATE app_log SET log = ?, entry = ? WHERE rowid = ?");
    u.Bind(1, index)
        .BindBlob(2, plain ? Seal(plain->view(), LogAd(e.app, index, e.seq)) : e.entry)
        .Bind(3, e.rowid);
    BC_RETURN_IF_ERROR(u.Run());
  }
  std::vector<std::pair<std::string, std::string>> heads;
  {
    sqlite::Statement s = db->Prepare("SELECT app, log FROM app_log_heads");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      heads.emplace_back(s.ColumnText(0), s.ColumnText(1));
    }
  }
  for (const auto& [app, log] : heads) {
    sqlite::Statement u = db->Prepare("UPDATE app_log_heads SET log = ? WHERE app = ? AND log = ?");
    u.Bind(1, AppLogIndex(app, log)).Bind(2, app).Bind(3, log);
    BC_RETURN_IF_ERROR(u.Run());
  }
  return Status::Ok();
}

}  // namespace backchannel::client
