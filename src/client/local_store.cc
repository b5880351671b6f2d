#include "backchannel/client/local_store.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/aead.h"
#include "backchannel/crypto/password_kdf.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/sqlite/connection.h"
#include "backchannel/sqlite/migrations.h"
#include "client/sealed_row.h"

namespace backchannel::client {
namespace {

// 1: the tables of issue 3; 2: app_values, app_log, app_log_heads; 3:
// prekeys.created_ms and prekeys.retired_ms (signed prekey rotation); 4: the
// outbox and messages.delivery; 5: sealed rows and table digests (store
// integrity, below); 6: app keys and log names as keyed indexes (below). An
// older store is upgraded when it is opened.
constexpr int kSchemaVersion = 6;
constexpr std::uint8_t kBlobVersion = 1;
constexpr std::string_view kCheckPlaintext = "backchannel local store v1";
constexpr std::size_t kKeySize = crypto::kAeadKeySize;

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

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Ad(std::string_view table, std::string_view row, std::string_view column) {
  std::string ad = "bc-store-v1|";
  ad.append(table).append("|").append(row).append("|").append(column);
  return ad;
}

}  // namespace

std::string_view DirectionName(Direction d) {
  switch (d) {
    case Direction::kIn:
      return "in";
    case Direction::kOut:
      return "out";
    case Direction::kSystem:
      return "system";
  }
  return "in";
}

std::string_view DeliveryName(Delivery d) {
  switch (d) {
    case Delivery::kNone:
      return "";
    case Delivery::kQueued:
      return "queued";
    case Delivery::kSent:
      return "sent";
    case Delivery::kCancelled:
      return "cancelled";
  }
  return "";
}

namespace {
Direction ParseDirection(std::string_view s) {
  if (s == "out") return Direction::kOut;
  if (s == "system") return Direction::kSystem;
  return Direction::kIn;
}
Delivery ParseDelivery(std::string_view s) {
  if (s == "queued") return Delivery::kQueued;
  if (s == "sent") return Delivery::kSent;
  if (s == "cancelled") return Delivery::kCancelled;
  return Delivery::kNone;
}
}  // namespace

namespace {
// What a store file says about itself before any key is tried (Impl::ReadHeader).
struct StoreHeader {
  std::uint64_t version = 0;
  Bytes salt;
  crypto::KdfParams params;
};
}  // namespace

struct LocalStore::Impl {
  std::unique_ptr<sqlite::Connection> db;
  SecretArray<kKeySize> key;
  // From the store secret (schema 5): the keyed index and the table digests.
  SecretArray<kKeySize> index_key;
  SecretArray<kKeySize> digest_key;

  // Checks that `path` exists, is a backchannel store of a known schema
  // version, and names Argon2id with a well-formed salt and parameters in
  // range; `db` is open afterwards.
  Result<StoreHeader> ReadHeader(const std::string& path);
  // Whether `key` opens the check value: kPermissionDenied `wrong` when not.
  Status CheckKey(const char* wrong) const;
  // The store's migrations (sqlite/migrations.h): 1-4 SQL, 5 and 6 the
  // re-sealing steps below. Steps 5 and 6 need the key.
  sqlite::Schema MakeSchema();
  // Upgrades an older schema in one transaction; called only after
  // CheckKey, so a wrong passphrase or key changes nothing.
  Status Migrate(std::uint64_t v);
  // The v4 -> v5 step: makes the store secret, copies every v4 row into its
  // sealed v5 table and drops the v4 tables. Inside Migrate's transaction.
  Status UpgradeToSealedRows();
  // The v5 -> v6 step: app keys and log names become keyed indexes; every
  // app value and log entry is sealed again under associated data naming
  // the index (a row that fails authentication is moved as it is, and still
  // fails afterwards). Inside Migrate's transaction, after LoadRowKeys.
  Status UpgradeToHiddenAppNames();
  // Reads the store secret and derives the index and digest keys.
  Status LoadRowKeys();
  // Recomputes every table digest and compares it with the sealed manifest:
  // kCorrupt naming the first table that differs.
  Status VerifyTables() const;
  // Every table digest recomputed from the rows as they are.
  Result<store::Manifest> ComputeManifest() const;

  // The keyed index of `value` (hex): what the v5 tables hold instead of
  // contact names, identity keys and authority keys.
  std::string Index(std::string_view purpose, ByteView value) const {
    const std::uint8_t zero = 0;
    return ToHex(
        crypto::HmacSha256(index_key.view(), {AsBytes(purpose), ByteView(&zero, 1), value}));
  }
  // The keyed indexes of an app value's key and of an app log's name
  // (schema 6). App names hold no '/', so the purposes are distinct per app.
  std::string AppKeyIndex(const std::string& app, const std::string& key) const {
    return Index("app_values/" + app, AsBytes(key));
  }
  std::string AppLogIndex(const std::string& app, const std::string& log) const {
    return Index("app_log/" + app, AsBytes(log));
  }
  static std::string RowAd(std::string_view table, std::string_view pk) {
    return Ad(table, pk, "row") + "|v" + std::to_string(store::kRowSchemaVersion);
  }
  Bytes SealRow(std::string_view table, std::string_view pk, const SecretBytes& plain) const {
    return Seal(plain.view(), RowAd(table, pk));
  }
  Result<SecretBytes> UnsealRow(std::string_view table, std::string_view pk, ByteView blob) const {
    return Unseal(blob, RowAd(table, pk));
  }
  Result<store::Manifest> LoadManifest() const;
  Status SaveManifest(const store::Manifest& m) const;
  // Records in the manifest that the row (table, pk) went from `old_row`
  // to `new_row` (nullopt: absent). Inside the writer's transaction.
  Status Touch(std::string_view table, std::string_view pk, const std::optional<Bytes>& old_row,
               const std::optional<Bytes>& new_row) const;
  // The (element key, sealed row) selected by `sql` (one parameter), if any.
  struct KeyedRow {
    std::string key;
    Bytes row;
  };
  template <typename Key>
  Result<std::optional<KeyedRow>> RowAt(const char* sql, const Key& key) const {
    sqlite::Statement s = db->Prepare(sql);
    s.Bind(1, key);
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<KeyedRow>();
    return std::optional<KeyedRow>(KeyedRow{s.ColumnText(0), s.ColumnBlob(1)});
  }

  // Row writers without a transaction of their own (the public methods and
  // the upgrade wrap them). `seq` 0: assign the next one.
  Status WriteAuthority(const TrustedAuthority& a);
  Status WriteContact(const Contact& c);
  Result<std::int64_t> InsertMessage(const StoredMessage& m, std::int64_t seq);
  Result<std::int64_t> InsertOutbox(const OutboxEntry& e, std::int64_t seq);
  Result<std::int64_t> InsertPending(const PendingRequest& r, std::int64_t seq);
  Result<Contact> ReadContact(const std::string& pk, const std::string& identity,
                              ByteView blob) const;

  Status Exec(const char* sql) const { return db->Exec(sql).WithContext("store"); }

  // version(1) || nonce(24) || ciphertext || tag(16): the AEAD's own layout
  // (crypto/aead.h) behind a version byte.
  Bytes Seal(ByteView plaintext, const std::string& ad) const {
    Bytes out{kBlobVersion};
    Append(out, crypto::AeadSeal(key, plaintext, AsBytes(ad)));
    return out;
  }

  Result<SecretBytes> Unseal(ByteView blob, const std::string& ad) const {
    if (blob.size() < 1 + crypto::kAeadSealOverhead || blob[0] != kBlobVersion) {
      return Corrupt("store: encrypted field " + ad.substr(12) + " is malformed");
    }
    auto out = crypto::AeadOpen(key, blob.subspan(1), AsBytes(ad));
    if (!out) {
      return Corrupt("store: encrypted field " + ad.substr(12) +
                     " fails authentication (the store file was tampered with or is corrupt)");
    }
    return std::move(*out);
  }

  Result<std::string> UnsealString(ByteView blob, const std::string& ad) const {
    BC_ASSIGN_OR_RETURN(auto s, Unseal(blob, ad));
    return std::string(AsString(s.view()));
  }

  Result<std::optional<Bytes>> GetMeta(std::string_view k) const {
    sqlite::Statement s = db->Prepare("SELECT v FROM meta WHERE k = ?");
    s.Bind(1, k);
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<Bytes>();
    return std::optional<Bytes>(s.ColumnBlob(0));
  }
  Status PutMeta(std::string_view k, ByteView v) const {
    sqlite::Statement s = db->Prepare("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)");
    s.Bind(1, k).BindBlob(2, v);
    return s.Run();
  }
};

namespace {

Status DeriveKey(const SecretBytes& passphrase, ByteView salt, std::uint64_t ops, std::uint64_t mem,
                 SecretArray<kKeySize>& key) {
  auto derived = crypto::DerivePasswordKey(passphrase.view(), salt, {ops, mem});
  if (!derived) {
    if (derived.error().code() == StatusCode::kResourceExhausted) {
      return {StatusCode::kResourceExhausted, "store: not enough memory for Argon2id"};
    }
    return Corrupt("store: " + std::string(derived.error().message()));
  }
  key = std::move(*derived);
  return Status::Ok();
}

Bytes U64(std::uint64_t v) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i)
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  return b;
}
Result<std::uint64_t> FromU64(const std::optional<Bytes>& b) {
  if (!b || b->size() != 8) return Corrupt("store: missing or malformed key parameters");
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | (*b)[static_cast<std::size_t>(i)];
  return v;
}

Result<std::unique_ptr<sqlite::Connection>> OpenDb(const std::string& path, bool create) {
  // Serialized, SQLite's default and how the client opened its stores before
  // the shared helper: not every caller has been checked for one-thread use.
  auto db = sqlite::Connection::Open(path, {create, /*busy_timeout_ms=*/5000, /*serialized=*/true});
  if (!db) return db.error().WithContext("store " + path);
  // Deleted content (wiped prekeys, replaced sessions) is overwritten with
  // zeros in the file instead of lingering in free pages.
  BC_RETURN_IF_ERROR((*db)->Exec("PRAGMA secure_delete=ON").WithContext("store " + path));
  return db;
}

}  // namespace

LocalStore::LocalStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LocalStore::~LocalStore() = default;

Result<std::unique_ptr<LocalStore>> LocalStore::Create(const std::string& path,
                                                       const SecretBytes& passphrase,
                                                       const StoreOptions& options) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Status(StatusCode::kAlreadyExists, "a store already exists at " + path);
  }
  if (passphrase.empty()) return InvalidArgument("the passphrase is empty");
  auto impl = std::make_unique<Impl>();
  BC_ASSIGN_OR_RETURN(impl->db, OpenDb(path, true));
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  BC_RETURN_IF_ERROR(impl->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  const crypto::KdfSalt salt = crypto::NewKdfSalt();
  const crypto::KdfParams params = crypto::KdfParamsFor(options.kdf_cost);
  const std::uint64_t ops = params.opslimit;
  const std::uint64_t mem = params.memlimit;
  BC_RETURN_IF_ERROR(DeriveKey(passphrase, salt, ops, mem, impl->key));
  Impl& i = *impl;
  BC_RETURN_IF_ERROR(sqlite::InTransaction(*i.db, [&]() -> Status {
    // Made at version 4, then upgraded like any version 4 store: one path to
    // the sealed layout for new and old stores alike.
    BC_RETURN_IF_ERROR(sqlite::Migrate(*i.db, i.MakeSchema(), 4));
    BC_RETURN_IF_ERROR(i.PutMeta("kdf", AsBytes("argon2id13")));
    BC_RETURN_IF_ERROR(i.PutMeta("kdf_salt", salt));
    BC_RETURN_IF_ERROR(i.PutMeta("kdf_opslimit", U64(ops)));
    BC_RETURN_IF_ERROR(i.PutMeta("kdf_memlimit", U64(mem)));
    return i.PutMeta("check", i.Seal(AsBytes(kCheckPlaintext), Ad("meta", "check", "v")));
  }));
  return Finish(std::move(impl), 4);
}

Result<StoreHeader> LocalStore::Impl::ReadHeader(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFound("no store at " + path + " (run `backchannel init` first)");
  }
  BC_ASSIGN_OR_RETURN(db, OpenDb(path, false));
  auto version = GetMeta("schema_version");
  if (!version) return Corrupt(path + " is not a backchannel store");
  StoreHeader header;
  BC_ASSIGN_OR_RETURN(header.version, FromU64(*version));
  if (header.version < 1 || header.version > kSchemaVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "store schema version " + std::to_string(header.version) + " is not supported");
  }
  BC_ASSIGN_OR_RETURN(auto kdf, GetMeta("kdf"));
  if (!kdf || AsString(*kdf) != "argon2id13") return Corrupt("store: unknown key derivation");
  BC_ASSIGN_OR_RETURN(auto salt, GetMeta("kdf_salt"));
  if (!salt || salt->size() != crypto::kKdfSaltSize) return Corrupt("store: bad salt");
  header.salt = std::move(*salt);
  BC_ASSIGN_OR_RETURN(auto ops_b, GetMeta("kdf_opslimit"));
  BC_ASSIGN_OR_RETURN(auto mem_b, GetMeta("kdf_memlimit"));
  BC_ASSIGN_OR_RETURN(header.params.opslimit, FromU64(ops_b));
  BC_ASSIGN_OR_RETURN(header.params.memlimit, FromU64(mem_b));
  if (!crypto::KdfParamsInRange(header.params)) {
    return Corrupt("store: key parameters out of range");
  }
  return header;
}

Status LocalStore::Impl::CheckKey(const char* wrong) const {
  BC_ASSIGN_OR_RETURN(auto check, GetMeta("check"));
  if (!check) return Corrupt("store: missing check value");
  auto opened = Unseal(*check, Ad("meta", "check", "v"));
  if (!opened || AsString(opened->view()) != kCheckPlaintext) {
    return Status(StatusCode::kPermissionDenied, wrong);
  }
  return Status::Ok();
}

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

Result<std::unique_ptr<LocalStore>> LocalStore::Finish(std::unique_ptr<Impl> impl,
                                                       std::uint64_t version) {
  std::unique_ptr<LocalStore> opened(new LocalStore(std::move(impl)));
  Impl& i = *opened->impl_;
  BC_RETURN_IF_ERROR(i.Migrate(version));
  BC_RETURN_IF_ERROR(i.LoadRowKeys());
  BC_RETURN_IF_ERROR(i.VerifyTables());
  return opened;
}

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const std::string& path,
                                                     const SecretBytes& passphrase) {
  auto impl = std::make_unique<Impl>();
  BC_ASSIGN_OR_RETURN(StoreHeader header, impl->ReadHeader(path));
  BC_RETURN_IF_ERROR(DeriveKey(passphrase, header.salt, header.params.opslimit,
                               header.params.memlimit, impl->key));
  BC_RETURN_IF_ERROR(impl->CheckKey("wrong passphrase"));
  return Finish(std::move(impl), header.version);
}

Result<std::unique_ptr<LocalStore>> LocalStore::OpenWithKey(const std::string& path,
                                                            const StoreKey& key) {
  auto impl = std::make_unique<Impl>();
  BC_ASSIGN_OR_RETURN(StoreHeader header, impl->ReadHeader(path));
  impl->key = key.Clone();
  BC_RETURN_IF_ERROR(impl->CheckKey("the key does not open this store"));
  return Finish(std::move(impl), header.version);
}

Result<StoreKey> LocalStore::DeriveStoreKey(const std::string& path,
                                            const SecretBytes& passphrase) {
  auto impl = std::make_unique<Impl>();
  BC_ASSIGN_OR_RETURN(StoreHeader header, impl->ReadHeader(path));
  BC_RETURN_IF_ERROR(DeriveKey(passphrase, header.salt, header.params.opslimit,
                               header.params.memlimit, impl->key));
  BC_RETURN_IF_ERROR(impl->CheckKey("wrong passphrase"));
  return impl->key.Clone();
}

Status LocalStore::Transaction(const std::function<Status()>& body) {
  // The outermost level takes the write lock first (see the header and
  // sqlite::Transaction); inner levels are savepoints.
  return sqlite::InTransaction(*impl_->db, body);
}

// ---- identity ----

Status LocalStore::PutIdentity(const StoredIdentity& identity) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("INSERT OR REPLACE INTO identity (id, public_key, private_key, registration_id, "
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
  sqlite::Statement s = impl_->db->Prepare("SELECT public_key, private_key, registration_id, credential FROM identity WHERE id = 1");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no identity yet (run `backchannel init`)");
  BC_ASSIGN_OR_RETURN(auto priv, impl_->Unseal(s.ColumnBlob(1), Ad("identity", "1", "private_key")));
  if (priv.size() != 32) return Corrupt("store: identity key has the wrong size");
  StoredIdentity id;
  id.key_pair = crypto::X25519KeyPairFromPrivate(priv.view());
  const Bytes pub = s.ColumnBlob(0);
  if (!PublicEqual(pub, id.key_pair.public_key)) {
    return Corrupt("store: identity public key does not match its private key");
  }
  id.registration_id = static_cast<std::uint32_t>(s.ColumnInt64(2));
  if (!s.ColumnIsNull(3)) {
    BC_ASSIGN_OR_RETURN(auto cred, impl_->Unseal(s.ColumnBlob(3), Ad("identity", "1", "credential")));
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

// ---- prekeys ----

Status LocalStore::PutSignedPreKey(const session::SignedPreKey& key) {
  return PutSignedPreKey(key, NowMs());
}

Status LocalStore::PutSignedPreKey(const session::SignedPreKey& key, std::int64_t created_ms) {
  return Transaction([&] {
    const std::string row = "signed/" + std::to_string(key.id);
    sqlite::Statement s = impl_->db->Prepare("INSERT OR REPLACE INTO prekeys (kind, id, public_key, private_key, signature, used, "
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
  sqlite::Statement s = impl_->db->Prepare("SELECT id, created_ms, retired_ms, used, private_key IS NULL FROM prekeys "
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
    sqlite::Statement s = impl_->db->Prepare("UPDATE prekeys SET retired_ms = ? WHERE kind = 'signed' AND id = ? AND "
           "retired_ms IS NULL");
    s.Bind(1, retired_ms).Bind(2, static_cast<std::int64_t>(id));
    return s.Run();
  });
}

Status LocalStore::WipeSignedPreKey(std::uint32_t id) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("UPDATE prekeys SET used = 1, private_key = NULL WHERE kind = 'signed' AND id = ?");
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
      sqlite::Statement s = impl_->db->Prepare("INSERT INTO prekeys (kind, id, public_key, private_key, used) "
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
    sqlite::Statement s = impl_->db->Prepare("UPDATE prekeys SET used = 1, private_key = NULL WHERE kind = 'one_time' AND id = ?");
    s.Bind(1, static_cast<std::int64_t>(id));
    return s.Run();
  });
}

Result<session::InMemoryPreKeyStore> LocalStore::LoadPreKeys() {
  session::InMemoryPreKeyStore out;
  sqlite::Statement s = impl_->db->Prepare("SELECT kind, id, public_key, private_key, signature FROM prekeys WHERE used = 0");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::string kind = s.ColumnText(0);
    const auto id = static_cast<std::uint32_t>(s.ColumnInt64(1));
    const std::string row_key = kind + "/" + std::to_string(id);
    BC_ASSIGN_OR_RETURN(auto priv, impl_->Unseal(s.ColumnBlob(3), Ad("prekeys", row_key, "private_key")));
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
    sqlite::Statement s = impl_->db->Prepare("UPDATE prekeys SET taken_ms = ? WHERE kind = 'one_time' AND used = 0 AND "
           "taken_ms IS NULL AND id NOT IN (SELECT id FROM prekeys WHERE kind = 'one_time' AND "
           "used = 0 ORDER BY id DESC LIMIT ?)");
    s.Bind(1, now_ms).Bind(2, static_cast<std::int64_t>(remaining));
    BC_RETURN_IF_ERROR(s.Run());
    sqlite::Statement count = impl_->db->Prepare("SELECT COUNT(*) FROM prekeys WHERE kind = 'one_time' AND used = 0 AND taken_ms IS "
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
    sqlite::Statement s = impl_->db->Prepare("UPDATE prekeys SET used = 1, private_key = NULL WHERE kind = 'one_time' AND used = 0 "
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
  sqlite::Statement s = impl_->db->Prepare("SELECT COALESCE(MAX(id), 0) FROM prekeys WHERE kind = 'one_time'");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  (void)row;
  return static_cast<std::uint32_t>(s.ColumnInt64(0) + 1);
}

Result<std::size_t> LocalStore::CountUnusedOneTimePreKeys() {
  sqlite::Statement s = impl_->db->Prepare("SELECT COUNT(*) FROM prekeys WHERE kind = 'one_time' AND used = 0");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  (void)row;
  return static_cast<std::size_t>(s.ColumnInt64(0));
}

// ---- relay ----

Status LocalStore::PutRelayConfig(const RelayConfig& c) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("INSERT OR REPLACE INTO relay (id, address, pin, mailbox, auth_key, delivery_token) "
           "VALUES (1, ?, ?, ?, ?, ?)");
    s.Bind(1, c.address)
        .Bind(2, c.pin)
        .Bind(3, c.mailbox)
        .BindBlob(4, impl_->Seal(c.auth_key.view(), Ad("relay", "1", "auth_key")))
        .BindBlob(5, impl_->Seal(AsBytes(c.delivery_token), Ad("relay", "1", "delivery_token")));
    return s.Run();
  });
}

Result<RelayConfig> LocalStore::GetRelayConfig() {
  sqlite::Statement s = impl_->db->Prepare("SELECT address, pin, mailbox, auth_key, delivery_token FROM relay WHERE id = 1");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no relay configured (run `backchannel init --relay ...`)");
  RelayConfig c;
  c.address = s.ColumnText(0);
  c.pin = s.ColumnText(1);
  c.mailbox = s.ColumnText(2);
  BC_ASSIGN_OR_RETURN(c.auth_key, impl_->Unseal(s.ColumnBlob(3), Ad("relay", "1", "auth_key")));
  BC_ASSIGN_OR_RETURN(c.delivery_token,
                      impl_->UnsealString(s.ColumnBlob(4), Ad("relay", "1", "delivery_token")));
  return c;
}

// ---- sealed rows: keys, digests, the upgrade ----

namespace {

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

Status RowMismatch(std::string_view table, std::string_view what) {
  return Corrupt("store: a row of table '" + std::string(table) + "' does not match its " +
                 std::string(what) + " (the store file was tampered with or is corrupt)");
}

}  // namespace

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
      store::AddElement(d, store::RowElement(digest_key.view(), t.name, s.ColumnText(0), s.ColumnBlob(1)));
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
      a.key = s.ColumnBlob(0);
      a.label = s.ColumnText(1);
      a.revocations = s.ColumnBlob(2);
      if (!s.ColumnIsNull(3)) BC_RETURN_IF_ERROR(ParseScope(s.ColumnText(3), a));
      BC_RETURN_IF_ERROR(WriteAuthority(a));
    }
  }
  {
    sqlite::Statement s = db->Prepare("SELECT name, identity_key, relay, pin, mailbox, delivery_token, authority_key, "
           "authority_label, credential, session, created_ms, compared_key FROM contacts");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      Contact c;
      c.name = s.ColumnText(0);
      const Bytes ik = s.ColumnBlob(1);
      if (ik.size() != 32) return Corrupt("store: contact identity key has the wrong size");
      std::copy(ik.begin(), ik.end(), c.identity_key.begin());
      c.address.relay = s.ColumnText(2);
      c.address.pin = s.ColumnText(3);
      c.address.mailbox = s.ColumnText(4);
      BC_ASSIGN_OR_RETURN(c.address.delivery_token,
                          UnsealString(s.ColumnBlob(5), Ad("contacts", c.name, "delivery_token")));
      c.authority_key = s.ColumnBlob(6);
      c.authority_label = s.ColumnText(7);
      if (!s.ColumnIsNull(8)) {
        BC_ASSIGN_OR_RETURN(auto cred, Unseal(s.ColumnBlob(8), Ad("contacts", c.name, "credential")));
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
    sqlite::Statement s = db->Prepare("SELECT seq, id, contact, direction, time_ms, body, delivery FROM messages ORDER BY seq");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      StoredMessage m;
      m.seq = s.ColumnInt64(0);
      m.id = s.ColumnText(1);
      m.contact = s.ColumnText(2);
      m.direction = ParseDirection(s.ColumnText(3));
      m.time_ms = s.ColumnInt64(4);
      BC_ASSIGN_OR_RETURN(m.body,
                          UnsealString(s.ColumnBlob(5), Ad("messages", m.contact + "/" + m.id, "body")));
      m.delivery = ParseDelivery(s.ColumnText(6));
      BC_RETURN_IF_ERROR(InsertMessage(m, m.seq).status());
    }
  }
  {
    sqlite::Statement s = db->Prepare("SELECT contact, id FROM seen_ids");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      sqlite::Statement ins = db->Prepare("INSERT OR IGNORE INTO seen_v5 (contact, id) VALUES (?, ?)");
      ins.Bind(1, Index("contact", AsBytes(s.ColumnText(0)))).Bind(2, s.ColumnText(1));
      BC_RETURN_IF_ERROR(ins.Run());
    }
  }
  {
    sqlite::Statement s = db->Prepare("SELECT seq, contact, message_id, envelope, created_ms, attempts, last_error FROM outbox "
        "ORDER BY seq");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      OutboxEntry e;
      e.seq = s.ColumnInt64(0);
      e.contact = s.ColumnText(1);
      e.message_id = s.ColumnText(2);
      BC_ASSIGN_OR_RETURN(
          auto env, Unseal(s.ColumnBlob(3), Ad("outbox", e.contact + "/" + e.message_id, "envelope")));
      e.envelope = ToBytes(env.view());
      e.created_ms = s.ColumnInt64(4);
      e.attempts = s.ColumnInt64(5);
      e.last_error = s.ColumnText(6);
      BC_RETURN_IF_ERROR(InsertOutbox(e, e.seq).status());
    }
  }
  {
    sqlite::Statement s = db->Prepare("SELECT seq, received_ms, envelope, sender, authority_key, side, role, display_name "
           "FROM pending_requests ORDER BY seq");
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      PendingRequest r;
      r.seq = s.ColumnInt64(0);
      r.received_ms = s.ColumnInt64(1);
      const Bytes sender = s.ColumnBlob(3);
      if (sender.size() != r.sender.size()) return Corrupt("store: a pending request is malformed");
      std::copy(sender.begin(), sender.end(), r.sender.begin());
      BC_ASSIGN_OR_RETURN(
          auto env,
          Unseal(s.ColumnBlob(2), Ad("pending_requests",
                               std::to_string(r.received_ms) + "/" + ToHex(r.sender), "envelope")));
      r.envelope = ToBytes(env.view());
      r.authority_key = s.ColumnBlob(4);
      r.side = s.ColumnText(5);
      r.role = s.ColumnText(6);
      r.display_name = s.ColumnText(7);
      BC_RETURN_IF_ERROR(InsertPending(r, r.seq).status());
    }
  }
  return Exec(kDropV4Tables);
}

// ---- sealed row writers (inside the caller's transaction) ----

Status LocalStore::Impl::WriteAuthority(const TrustedAuthority& a) {
  const std::string pk = Index("authority", a.key);
  BC_ASSIGN_OR_RETURN(auto old, RowAt("SELECT pk, row FROM authorities_v5 WHERE pk = ?", pk));
  Bytes row = SealRow(store::kAuthorities, pk, store::EncodeAuthorityRow(a));
  sqlite::Statement s = db->Prepare("INSERT OR REPLACE INTO authorities_v5 (pk, row) VALUES (?, ?)");
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
    sqlite::Statement other = db->Prepare("SELECT pk, row FROM contacts_v5 WHERE identity = ? AND pk != ?");
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
  sqlite::Statement s = db->Prepare("INSERT OR REPLACE INTO contacts_v5 (pk, identity, row) VALUES (?, ?, ?)");
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
  sqlite::Statement s = db->Prepare("INSERT INTO messages_v5 (seq, contact, id, row) VALUES (?, ?, ?, X'')");
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
  sqlite::Statement s = db->Prepare("INSERT INTO outbox_v5 (seq, contact, message_id, row) VALUES (?, ?, ?, X'')");
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

// ---- authorities ----

Status LocalStore::PutAuthority(const TrustedAuthority& a) {
  return Transaction([&] { return impl_->WriteAuthority(a); });
}

Result<std::vector<TrustedAuthority>> LocalStore::ListAuthorities() {
  std::vector<TrustedAuthority> out;
  sqlite::Statement s = impl_->db->Prepare("SELECT pk, row FROM authorities_v5");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::string pk = s.ColumnText(0);
    BC_ASSIGN_OR_RETURN(auto plain, impl_->UnsealRow(store::kAuthorities, pk, s.ColumnBlob(1)));
    BC_ASSIGN_OR_RETURN(TrustedAuthority a, store::DecodeAuthorityRow(plain.view()));
    if (impl_->Index("authority", a.key) != pk)
      return RowMismatch(store::kAuthorities, "key index");
    out.push_back(std::move(a));
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const TrustedAuthority& x, const TrustedAuthority& y) { return x.label < y.label; });
  return out;
}

Status LocalStore::RemoveAuthority(ByteView key) {
  return Transaction([&] {
    const std::string pk = impl_->Index("authority", key);
    BC_ASSIGN_OR_RETURN(auto old,
                        impl_->RowAt("SELECT pk, row FROM authorities_v5 WHERE pk = ?", pk));
    if (!old) return NotFound("that authority is not trusted");
    sqlite::Statement s = impl_->db->Prepare("DELETE FROM authorities_v5 WHERE pk = ?");
    s.Bind(1, pk);
    BC_RETURN_IF_ERROR(s.Run());
    return impl_->Touch(store::kAuthorities, old->key, old->row, std::nullopt);
  });
}

// ---- pending requests ----

Result<std::int64_t> LocalStore::AddPending(const PendingRequest& r) {
  std::int64_t seq = 0;
  BC_RETURN_IF_ERROR(Transaction([&]() -> Status {
    sqlite::Statement count = impl_->db->Prepare("SELECT COUNT(*) FROM pending_v5");
    BC_ASSIGN_OR_RETURN(bool row, count.Step());
    if (row && count.ColumnInt64(0) >= static_cast<std::int64_t>(kMaxPendingRequests)) {
      return Status(StatusCode::kResourceExhausted,
                    "already " + std::to_string(kMaxPendingRequests) +
                        " requests wait for an authority you do not trust; trust or refuse them "
                        "first (`backchannel trust pending`)");
    }
    PendingRequest copy{0,
                        r.received_ms ? r.received_ms : NowMs(),
                        r.envelope,
                        r.sender,
                        r.authority_key,
                        r.side,
                        r.role,
                        r.display_name};
    BC_ASSIGN_OR_RETURN(seq, impl_->InsertPending(copy, 0));
    return Status::Ok();
  }));
  return seq;
}

Result<std::vector<PendingRequest>> LocalStore::ListPending() {
  std::vector<PendingRequest> out;
  sqlite::Statement s = impl_->db->Prepare("SELECT seq, row FROM pending_v5 ORDER BY seq");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::int64_t seq = s.ColumnInt64(0);
    BC_ASSIGN_OR_RETURN(auto plain,
                        impl_->UnsealRow(store::kPending, std::to_string(seq), s.ColumnBlob(1)));
    BC_ASSIGN_OR_RETURN(PendingRequest r, store::DecodePendingRow(plain.view()));
    r.seq = seq;
    out.push_back(std::move(r));
  }
  return out;
}

Status LocalStore::RemovePending(std::int64_t seq) {
  return Transaction([&] {
    BC_ASSIGN_OR_RETURN(
        auto old, impl_->RowAt("SELECT CAST(seq AS TEXT), row FROM pending_v5 WHERE seq = ?", seq));
    if (!old) return NotFound("no pending request " + std::to_string(seq));
    sqlite::Statement s = impl_->db->Prepare("DELETE FROM pending_v5 WHERE seq = ?");
    s.Bind(1, seq);
    BC_RETURN_IF_ERROR(s.Run());
    return impl_->Touch(store::kPending, old->key, old->row, std::nullopt);
  });
}

// ---- contacts ----

Status LocalStore::PutContact(const Contact& c) {
  if (c.created_ms) return Transaction([&] { return impl_->WriteContact(c); });
  Contact copy;
  copy.name = c.name;
  copy.identity_key = c.identity_key;
  copy.address = c.address;
  copy.authority_key = c.authority_key;
  copy.authority_label = c.authority_label;
  copy.credential = c.credential;
  copy.session = c.session.Clone();
  copy.created_ms = NowMs();
  copy.compared_identity_key = c.compared_identity_key;
  return Transaction([&] { return impl_->WriteContact(copy); });
}

Result<Contact> LocalStore::GetContact(const std::string& name) {
  sqlite::Statement s = impl_->db->Prepare("SELECT pk, identity, row FROM contacts_v5 WHERE pk = ?");
  s.Bind(1, impl_->Index("contact", AsBytes(name)));
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no contact named '" + name + "'");
  return impl_->ReadContact(s.ColumnText(0), s.ColumnText(1), s.ColumnBlob(2));
}

Result<std::optional<Contact>> LocalStore::FindContactByIdentity(const session::PublicKey& key) {
  sqlite::Statement s = impl_->db->Prepare("SELECT pk, identity, row FROM contacts_v5 WHERE identity = ?");
  s.Bind(1, impl_->Index("identity", key));
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Contact>();
  BC_ASSIGN_OR_RETURN(Contact c, impl_->ReadContact(s.ColumnText(0), s.ColumnText(1), s.ColumnBlob(2)));
  return std::optional<Contact>(std::move(c));
}

Result<std::vector<Contact>> LocalStore::ListContacts() {
  std::vector<Contact> out;
  sqlite::Statement s = impl_->db->Prepare("SELECT pk, identity, row FROM contacts_v5");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    BC_ASSIGN_OR_RETURN(Contact c, impl_->ReadContact(s.ColumnText(0), s.ColumnText(1), s.ColumnBlob(2)));
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const Contact& x, const Contact& y) { return x.name < y.name; });
  return out;
}

Status LocalStore::SaveSession(const std::string& contact, const SecretBytes& record) {
  return Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(Contact c, GetContact(contact));
    c.session = record.Clone();
    return impl_->WriteContact(c);
  });
}

// ---- messages ----

Result<bool> LocalStore::SeenMessage(const std::string& contact, const std::string& id) {
  sqlite::Statement s = impl_->db->Prepare("SELECT 1 FROM seen_v5 WHERE contact = ? AND id = ?");
  s.Bind(1, impl_->Index("contact", AsBytes(contact))).Bind(2, id);
  return s.Step();
}

Result<bool> LocalStore::MarkSeen(const std::string& contact, const std::string& id) {
  bool added = false;
  Status st = Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("INSERT OR IGNORE INTO seen_v5 (contact, id) VALUES (?, ?)");
    s.Bind(1, impl_->Index("contact", AsBytes(contact))).Bind(2, id);
    BC_RETURN_IF_ERROR(s.Run());
    added = impl_->db->Changes() == 1;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return added;
}

Result<bool> LocalStore::AddMessage(const StoredMessage& m) {
  bool added = false;
  Status st = Transaction([&] {
    BC_ASSIGN_OR_RETURN(bool fresh, MarkSeen(m.contact, m.id));
    if (!fresh) return Status::Ok();
    StoredMessage copy = m;
    if (!copy.time_ms) copy.time_ms = NowMs();
    BC_RETURN_IF_ERROR(impl_->InsertMessage(copy, 0).status());
    added = true;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return added;
}

namespace {
// A message or outbox row's clear lookup columns must be what its sealed
// row says: a row moved under another contact or id is refused.
Status CheckLookup(std::string_view table, bool ok) {
  return ok ? Status::Ok() : RowMismatch(table, "contact or id columns");
}
}  // namespace

Result<std::vector<StoredMessage>> LocalStore::ListMessages(const std::string& contact,
                                                            std::int64_t after) {
  std::vector<StoredMessage> out;
  const std::string ix = contact.empty() ? "" : impl_->Index("contact", AsBytes(contact));
  sqlite::Statement s = impl_->db->Prepare("SELECT seq, contact, id, row FROM messages_v5 "
         "WHERE seq > ? AND (? = '' OR contact = ?) ORDER BY seq");
  s.Bind(1, after).Bind(2, ix).Bind(3, ix);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::int64_t seq = s.ColumnInt64(0);
    BC_ASSIGN_OR_RETURN(auto plain,
                        impl_->UnsealRow(store::kMessages, std::to_string(seq), s.ColumnBlob(3)));
    BC_ASSIGN_OR_RETURN(StoredMessage m, store::DecodeMessageRow(plain.view()));
    BC_RETURN_IF_ERROR(
        CheckLookup(store::kMessages,
                    impl_->Index("contact", AsBytes(m.contact)) == s.ColumnText(1) && m.id == s.ColumnText(2)));
    m.seq = seq;
    out.push_back(std::move(m));
  }
  return out;
}

Status LocalStore::SetDelivery(const std::string& contact, const std::string& id,
                               Delivery delivery) {
  return Transaction([&]() -> Status {
    const std::string ix = impl_->Index("contact", AsBytes(contact));
    sqlite::Statement s = impl_->db->Prepare("SELECT seq, row FROM messages_v5 WHERE contact = ? AND id = ?");
    s.Bind(1, ix).Bind(2, id);
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return NotFound("no message " + id + " with '" + contact + "'");
    const std::int64_t seq = s.ColumnInt64(0);
    const std::string pk = std::to_string(seq);
    const Bytes old = s.ColumnBlob(1);
    BC_ASSIGN_OR_RETURN(auto plain, impl_->UnsealRow(store::kMessages, pk, old));
    BC_ASSIGN_OR_RETURN(StoredMessage m, store::DecodeMessageRow(plain.view()));
    BC_RETURN_IF_ERROR(CheckLookup(store::kMessages, m.contact == contact && m.id == id));
    m.delivery = delivery;
    Bytes sealed = impl_->SealRow(store::kMessages, pk, store::EncodeMessageRow(m));
    sqlite::Statement u = impl_->db->Prepare("UPDATE messages_v5 SET row = ? WHERE seq = ?");
    u.BindBlob(1, sealed).Bind(2, seq);
    BC_RETURN_IF_ERROR(u.Run());
    return impl_->Touch(store::kMessages, pk + "|" + ix + "|" + id, old, std::move(sealed));
  });
}

// ---- outbox ----

namespace {
constexpr const char* kOutboxRowAt =
    "SELECT seq || '|' || contact || '|' || message_id, row FROM outbox_v5 WHERE seq = ?";
}  // namespace

Result<std::int64_t> LocalStore::AddOutbox(const OutboxEntry& e) {
  std::int64_t seq = 0;
  BC_RETURN_IF_ERROR(Transaction([&]() -> Status {
    OutboxEntry copy{0, e.contact, e.message_id, e.envelope, e.created_ms ? e.created_ms : NowMs(),
                     0, ""};
    BC_ASSIGN_OR_RETURN(seq, impl_->InsertOutbox(copy, 0));
    return Status::Ok();
  }));
  return seq;
}

Result<std::vector<OutboxEntry>> LocalStore::ListOutbox(const std::string& contact) {
  std::vector<OutboxEntry> out;
  const std::string ix = contact.empty() ? "" : impl_->Index("contact", AsBytes(contact));
  sqlite::Statement s = impl_->db->Prepare("SELECT seq, contact, message_id, row FROM outbox_v5 "
         "WHERE (? = '' OR contact = ?) ORDER BY seq");
  s.Bind(1, ix).Bind(2, ix);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::int64_t seq = s.ColumnInt64(0);
    BC_ASSIGN_OR_RETURN(auto plain,
                        impl_->UnsealRow(store::kOutbox, std::to_string(seq), s.ColumnBlob(3)));
    BC_ASSIGN_OR_RETURN(OutboxEntry e, store::DecodeOutboxRow(plain.view()));
    BC_RETURN_IF_ERROR(CheckLookup(
        store::kOutbox,
        impl_->Index("contact", AsBytes(e.contact)) == s.ColumnText(1) && e.message_id == s.ColumnText(2)));
    e.seq = seq;
    out.push_back(std::move(e));
  }
  return out;
}

Status LocalStore::RemoveOutbox(std::int64_t seq) {
  return Transaction([&] {
    BC_ASSIGN_OR_RETURN(auto old, impl_->RowAt(kOutboxRowAt, seq));
    if (!old) return NotFound("no queued message " + std::to_string(seq) + " in the outbox");
    sqlite::Statement s = impl_->db->Prepare("DELETE FROM outbox_v5 WHERE seq = ?");
    s.Bind(1, seq);
    BC_RETURN_IF_ERROR(s.Run());
    return impl_->Touch(store::kOutbox, old->key, old->row, std::nullopt);
  });
}

Status LocalStore::NoteOutboxFailure(std::int64_t seq, const std::string& error) {
  return Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(auto old, impl_->RowAt(kOutboxRowAt, seq));
    if (!old) return Status::Ok();  // posted or cancelled meanwhile
    const std::string pk = std::to_string(seq);
    BC_ASSIGN_OR_RETURN(auto plain, impl_->UnsealRow(store::kOutbox, pk, old->row));
    BC_ASSIGN_OR_RETURN(OutboxEntry e, store::DecodeOutboxRow(plain.view()));
    ++e.attempts;
    e.last_error = error;
    Bytes sealed = impl_->SealRow(store::kOutbox, pk, store::EncodeOutboxRow(e));
    sqlite::Statement u = impl_->db->Prepare("UPDATE outbox_v5 SET row = ? WHERE seq = ?");
    u.BindBlob(1, sealed).Bind(2, seq);
    BC_RETURN_IF_ERROR(u.Run());
    BC_RETURN_IF_ERROR(impl_->Touch(store::kOutbox, old->key, old->row, std::nullopt));
    return impl_->Touch(store::kOutbox, old->key, std::nullopt, std::move(sealed));
  });
}

// ---- passphrase change ----

namespace {

// Every encrypted column, with its associated data computed in SQL exactly
// as Ad() (and Impl::RowAd) build it: "bc-store-v1|<table>|<row>|<column>".
// The manifest is not here: it is recomputed after the rows. app_log comes
// last: the biggest table, so a failure there shows the rollback of the rest.
struct SealedColumn {
  const char* table;
  const char* column;
  const char* ad;  // SQL expression over the row
  const char* where;
};
constexpr SealedColumn kSealedColumns[] = {
    {"meta", "v", "'meta|' || k || '|v'", "k IN ('check', 'store_secret')"},
    {"identity", "private_key", "'identity|1|private_key'", "1"},
    {"identity", "credential", "'identity|1|credential'", "credential IS NOT NULL"},
    {"prekeys", "private_key", "'prekeys|' || kind || '/' || id || '|private_key'",
     "private_key IS NOT NULL"},
    {"relay", "auth_key", "'relay|1|auth_key'", "1"},
    {"relay", "delivery_token", "'relay|1|delivery_token'", "1"},
    {"authorities_v5", "row", "'authorities|' || pk || '|row|v5'", "1"},
    {"contacts_v5", "row", "'contacts|' || pk || '|row|v5'", "1"},
    {"messages_v5", "row", "'messages|' || seq || '|row|v5'", "1"},
    {"outbox_v5", "row", "'outbox|' || seq || '|row|v5'", "1"},
    {"pending_v5", "row", "'pending_requests|' || seq || '|row|v5'", "1"},
    {"app_values", "value", "'app_values|' || app || '/' || key || '|value'", "1"},
    {"app_values", "sealed_key", "'app_values|' || app || '/' || key || '|key'", "1"},
    {"app_log", "entry", "'app_log|' || app || '/' || log || '/' || seq || '|entry'", "1"},
};

}  // namespace

Status LocalStore::ChangePassphrase(const SecretBytes& new_passphrase) {
  if (new_passphrase.empty()) return InvalidArgument("the new passphrase is empty");
  BC_ASSIGN_OR_RETURN(auto ops_b, impl_->GetMeta("kdf_opslimit"));
  BC_ASSIGN_OR_RETURN(auto mem_b, impl_->GetMeta("kdf_memlimit"));
  BC_ASSIGN_OR_RETURN(std::uint64_t ops, FromU64(ops_b));
  BC_ASSIGN_OR_RETURN(std::uint64_t mem, FromU64(mem_b));
  const crypto::KdfSalt salt = crypto::NewKdfSalt();
  // Argon2id before the write lock: the slow step blocks no other process.
  SecretArray<kKeySize> new_key;
  BC_RETURN_IF_ERROR(DeriveKey(new_passphrase, salt, ops, mem, new_key));
  SecretArray<kKeySize> old_key = impl_->key.Clone();
  Status st = Transaction([&]() -> Status {
    for (const auto& c : kSealedColumns) {
      // Read a whole column first, then rewrite it: no update under an open
      // cursor on the same table.
      struct Cell {
        std::int64_t rowid;
        std::string ad;
        Bytes blob;
      };
      std::vector<Cell> cells;
      {
        sqlite::Statement s = impl_->db->PrepareOnce(std::string("SELECT rowid, 'bc-store-v1|' || ") + c.ad + ", " + c.column +
                              " FROM " + c.table + " WHERE " + c.where);
        for (;;) {
          BC_ASSIGN_OR_RETURN(bool row, s.Step());
          if (!row) break;
          cells.push_back({s.ColumnInt64(0), s.ColumnText(1), s.ColumnBlob(2)});
        }
      }
      for (auto& cell : cells) {
        BC_ASSIGN_OR_RETURN(auto plain, impl_->Unseal(cell.blob, cell.ad));
        Bytes sealed{kBlobVersion};
        Append(sealed, crypto::AeadSeal(new_key, plain.view(), AsBytes(cell.ad)));
        sqlite::Statement u = impl_->db->PrepareOnce(
               std::string("UPDATE ") + c.table + " SET " + c.column + " = ? WHERE rowid = ?");
        u.BindBlob(1, sealed).Bind(2, cell.rowid);
        BC_RETURN_IF_ERROR(u.Run());
      }
    }
    BC_RETURN_IF_ERROR(impl_->PutMeta("kdf_salt", salt));
    // From here on Seal uses the new key: the manifest, made from the
    // re-sealed rows, is sealed under it too.
    impl_->key = new_key.Clone();
    BC_ASSIGN_OR_RETURN(auto manifest, impl_->ComputeManifest());
    return impl_->SaveManifest(manifest);
  });
  if (!st.ok()) impl_->key = std::move(old_key);
  return st.WithContext("store: changing the passphrase (nothing was changed)");
}

// ---- application data ----

bool IsValidAppName(std::string_view name) {
  if (name.empty() || name.size() > kMaxAppNameSize) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

namespace {

Status CheckAppName(const std::string& app) {
  if (IsValidAppName(app)) return Status::Ok();
  return InvalidArgument("app name '" + app + "' is not 1..32 characters [a-z0-9_-]");
}

Status CheckAppKey(const std::string& key, const char* what) {
  if (key.empty() || key.size() > kMaxAppKeySize) {
    return InvalidArgument(std::string("app ") + what + " must be 1.." +
                           std::to_string(kMaxAppKeySize) + " bytes");
  }
  return Status::Ok();
}

Status CheckAppValue(ByteView value) {
  if (value.size() > kMaxAppValueSize) {
    return InvalidArgument("app value is over " + std::to_string(kMaxAppValueSize) + " bytes");
  }
  return Status::Ok();
}

// `key_index` and `log_index`: the keyed indexes (schema 6; before it, the
// key and the log name themselves).
std::string ValueAd(const std::string& app, const std::string& key_index) {
  return Ad("app_values", app + "/" + key_index, "value");
}

std::string KeyAd(const std::string& app, const std::string& key_index) {
  return Ad("app_values", app + "/" + key_index, "key");
}

std::string LogAd(const std::string& app, const std::string& log_index, std::int64_t seq) {
  return Ad("app_log", app + "/" + log_index + "/" + std::to_string(seq), "entry");
}

}  // namespace

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
    sqlite::Statement ins = db->Prepare("INSERT INTO app_values (app, key, sealed_key, value) VALUES (?, ?, ?, ?)");
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
      entries.push_back({s.ColumnInt64(0), s.ColumnText(1), s.ColumnText(2), s.ColumnInt64(3), s.ColumnBlob(4)});
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

Status LocalStore::PutAppValue(const std::string& app, const std::string& key, ByteView value) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  BC_RETURN_IF_ERROR(CheckAppValue(value));
  const std::string index = impl_->AppKeyIndex(app, key);
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("INSERT OR REPLACE INTO app_values (app, key, sealed_key, value) VALUES (?, ?, ?, ?)");
    s.Bind(1, app)
        .Bind(2, index)
        .BindBlob(3, impl_->Seal(AsBytes(key), KeyAd(app, index)))
        .BindBlob(4, impl_->Seal(value, ValueAd(app, index)));
    return s.Run();
  });
}

Result<std::optional<Bytes>> LocalStore::GetAppValue(const std::string& app,
                                                     const std::string& key) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  const std::string index = impl_->AppKeyIndex(app, key);
  sqlite::Statement s = impl_->db->Prepare("SELECT value FROM app_values WHERE app = ? AND key = ?");
  s.Bind(1, app).Bind(2, index);
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Bytes>();
  BC_ASSIGN_OR_RETURN(auto value, impl_->Unseal(s.ColumnBlob(0), ValueAd(app, index)));
  return std::optional<Bytes>(value.ExposeCopy());
}

Status LocalStore::DeleteAppValue(const std::string& app, const std::string& key) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("DELETE FROM app_values WHERE app = ? AND key = ?");
    s.Bind(1, app).Bind(2, impl_->AppKeyIndex(app, key));
    return s.Run();
  });
}

Result<std::vector<std::string>> LocalStore::ListAppKeys(const std::string& app,
                                                         const std::string& prefix) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  // The keys are indexes in the table: every key of the app is unsealed,
  // then filtered and sorted bytewise here.
  std::vector<std::string> out;
  sqlite::Statement s = impl_->db->Prepare("SELECT key, sealed_key FROM app_values WHERE app = ?");
  s.Bind(1, app);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    auto key = impl_->Unseal(s.ColumnBlob(1), KeyAd(app, s.ColumnText(0)));
    if (!key) {
      return Corrupt("store: a key of app '" + app +
                     "' fails authentication (the store file was tampered with or is corrupt)");
    }
    std::string text(AsString(key->view()));
    if (text.compare(0, prefix.size(), prefix) == 0) out.push_back(std::move(text));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::int64_t> LocalStore::AppendAppLog(const std::string& app, const std::string& log,
                                              ByteView entry) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(log, "log name"));
  BC_RETURN_IF_ERROR(CheckAppValue(entry));
  std::int64_t seq = 0;
  const std::string index = impl_->AppLogIndex(app, log);
  BC_RETURN_IF_ERROR(Transaction([&] {
    // The next seq follows both the head and the rows, so deleting the last
    // row (or the head) never makes a seq come back.
    sqlite::Statement last = impl_->db->Prepare("SELECT MAX(COALESCE((SELECT last_seq FROM app_log_heads WHERE app = ?1 AND log = "
              "?2), 0), COALESCE((SELECT MAX(seq) FROM app_log WHERE app = ?1 AND log = ?2), 0))");
    last.Bind(1, app).Bind(2, index);
    BC_ASSIGN_OR_RETURN(bool row, last.Step());
    (void)row;
    seq = last.ColumnInt64(0) + 1;
    sqlite::Statement ins = impl_->db->Prepare("INSERT INTO app_log (app, log, seq, entry) VALUES (?, ?, ?, ?)");
    ins.Bind(1, app).Bind(2, index).Bind(3, seq).BindBlob(
        4, impl_->Seal(entry, LogAd(app, index, seq)));
    BC_RETURN_IF_ERROR(ins.Run());
    sqlite::Statement head = impl_->db->Prepare("INSERT OR REPLACE INTO app_log_heads (app, log, last_seq) VALUES (?, ?, ?)");
    head.Bind(1, app).Bind(2, index).Bind(3, seq);
    return head.Run();
  }));
  return seq;
}

namespace {

Status LogEntryCorrupt(const std::string& app, const std::string& log, std::int64_t seq) {
  return Corrupt("store: app_log entry " + std::to_string(seq) + " fails authentication (app '" +
                 app + "', log '" + log + "'; the store file was tampered with or is corrupt)");
}

}  // namespace

Result<std::vector<AppLogEntry>> LocalStore::ListAppLogLenient(const std::string& app,
                                                               const std::string& log,
                                                               std::int64_t after_seq) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(log, "log name"));
  std::vector<AppLogEntry> out;
  const std::string index = impl_->AppLogIndex(app, log);
  sqlite::Statement s = impl_->db->Prepare("SELECT seq, entry FROM app_log WHERE app = ? AND log = ? AND seq > ? ORDER BY seq");
  s.Bind(1, app).Bind(2, index).Bind(3, after_seq);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AppLogEntry e;
    e.seq = s.ColumnInt64(0);
    auto opened = impl_->Unseal(s.ColumnBlob(1), LogAd(app, index, e.seq));
    if (opened) {
      e.entry = opened->ExposeCopy();
    } else {
      e.status = LogEntryCorrupt(app, log, e.seq);
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<AppLogEntry>> LocalStore::ListAppLog(const std::string& app,
                                                        const std::string& log,
                                                        std::int64_t after_seq) {
  BC_ASSIGN_OR_RETURN(auto entries, ListAppLogLenient(app, log, after_seq));
  for (const auto& e : entries) {
    if (!e.status.ok()) return e.status;
  }
  return entries;
}

// ---- settings ----

Status LocalStore::PutSetting(const std::string& key, const std::string& value) {
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("INSERT OR REPLACE INTO settings (k, v) VALUES (?, ?)");
    s.Bind(1, key).Bind(2, value);
    return s.Run();
  });
}

Result<std::optional<std::string>> LocalStore::GetSetting(const std::string& key) {
  sqlite::Statement s = impl_->db->Prepare("SELECT v FROM settings WHERE k = ?");
  s.Bind(1, key);
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

}  // namespace backchannel::client
