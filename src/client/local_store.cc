#include "backchannel/client/local_store.h"

#include <sqlite3.h>

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

namespace backchannel::client {
namespace {

// 1: the tables of issue 3; 2: app_values, app_log, app_log_heads; 3:
// prekeys.created_ms and prekeys.retired_ms (signed prekey rotation); 4: the
// outbox and messages.delivery. An older store is upgraded when it is opened.
constexpr int kSchemaVersion = 4;
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

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A prepared statement; finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&&) = delete;
  Stmt& operator=(Stmt&&) = delete;

  Stmt& Bind(int i, std::int64_t v) {
    if (ok()) rc_ = sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, std::string_view v) {
    if (ok())
      rc_ = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindBlob(int i, ByteView v) {
    if (ok()) {
      rc_ = sqlite3_bind_blob(stmt_, i, v.empty() ? "" : static_cast<const void*>(v.data()),
                              static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    return *this;
  }
  Stmt& BindNull(int i) {
    if (ok()) rc_ = sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // Steps once: true when a row is available.
  Result<bool> Step() {
    if (!ok()) return Error();
    rc_ = sqlite3_step(stmt_);
    if (rc_ == SQLITE_ROW) {
      rc_ = SQLITE_OK;
      return true;
    }
    if (rc_ == SQLITE_DONE) {
      rc_ = SQLITE_OK;
      return false;
    }
    return Error();
  }
  Status Run() {
    auto r = Step();
    return r.status();
  }
  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  Bytes Blob(int col) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
    const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col));
    return p ? Bytes(p, p + n) : Bytes();
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  bool ok() const { return rc_ == SQLITE_OK; }
  Status Error() const {
    if (rc_ == SQLITE_CONSTRAINT) {
      return {StatusCode::kAlreadyExists, std::string("store: ") + sqlite3_errmsg(db_)};
    }
    return IoError(std::string("store: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

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
  sqlite3* db = nullptr;
  SecretArray<kKeySize> key;
  int depth = 0;

  // Checks that `path` exists, is a backchannel store of a known schema
  // version, and names Argon2id with a well-formed salt and parameters in
  // range; `db` is open afterwards.
  Result<StoreHeader> ReadHeader(const std::string& path);
  // Whether `key` opens the check value: kPermissionDenied `wrong` when not.
  Status CheckKey(const char* wrong) const;
  // Upgrades an older schema; called only after CheckKey, so a wrong
  // passphrase or key changes nothing.
  Status Migrate(std::uint64_t v) const;

  ~Impl() {
    if (db) sqlite3_close(db);
  }

  Status Exec(const char* sql) const {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "unknown error";
      sqlite3_free(msg);
      return IoError("store: " + m);
    }
    return Status::Ok();
  }

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
    Stmt s(db, "SELECT v FROM meta WHERE k = ?");
    s.Bind(1, k);
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<Bytes>();
    return std::optional<Bytes>(s.Blob(0));
  }
  Status PutMeta(std::string_view k, ByteView v) const {
    Stmt s(db, "INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)");
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

Result<sqlite3*> OpenDb(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return IoError("store " + path + ": " + m);
  }
  sqlite3_busy_timeout(db, 5000);
  // Deleted content (wiped prekeys, replaced sessions) is overwritten with
  // zeros in the file instead of lingering in free pages.
  if (sqlite3_exec(db, "PRAGMA secure_delete=ON", nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string m = sqlite3_errmsg(db);
    sqlite3_close(db);
    return IoError("store " + path + ": " + m);
  }
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
  BC_RETURN_IF_ERROR(impl->Exec("BEGIN IMMEDIATE"));
  BC_RETURN_IF_ERROR(impl->Exec(kSchema));
  BC_RETURN_IF_ERROR(impl->Exec(kAppSchema));
  BC_RETURN_IF_ERROR(impl->Exec(kPreKeyTimesSchema));
  BC_RETURN_IF_ERROR(impl->Exec(kOutboxSchema));
  const crypto::KdfSalt salt = crypto::NewKdfSalt();
  const crypto::KdfParams params = crypto::KdfParamsFor(options.kdf_cost);
  const std::uint64_t ops = params.opslimit;
  const std::uint64_t mem = params.memlimit;
  BC_RETURN_IF_ERROR(DeriveKey(passphrase, salt, ops, mem, impl->key));
  BC_RETURN_IF_ERROR(impl->PutMeta("schema_version", U64(kSchemaVersion)));
  BC_RETURN_IF_ERROR(impl->PutMeta("kdf", AsBytes("argon2id13")));
  BC_RETURN_IF_ERROR(impl->PutMeta("kdf_salt", salt));
  BC_RETURN_IF_ERROR(impl->PutMeta("kdf_opslimit", U64(ops)));
  BC_RETURN_IF_ERROR(impl->PutMeta("kdf_memlimit", U64(mem)));
  BC_RETURN_IF_ERROR(
      impl->PutMeta("check", impl->Seal(AsBytes(kCheckPlaintext), Ad("meta", "check", "v"))));
  BC_RETURN_IF_ERROR(impl->Exec("COMMIT"));
  return std::unique_ptr<LocalStore>(new LocalStore(std::move(impl)));
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

Status LocalStore::Impl::Migrate(std::uint64_t v) const {
  if (v >= kSchemaVersion) return Status::Ok();
  BC_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status migrated = Status::Ok();
  if (v < 2) migrated = Exec(kAppSchema);
  if (migrated.ok() && v < 3) migrated = Exec(kPreKeyTimesSchema);
  if (migrated.ok() && v < 4) migrated = Exec(kOutboxSchema);
  if (migrated.ok()) migrated = PutMeta("schema_version", U64(kSchemaVersion));
  if (!migrated.ok()) {
    (void)Exec("ROLLBACK");
    return migrated.WithContext("store: upgrading from schema version " + std::to_string(v) +
                                " to " + std::to_string(kSchemaVersion));
  }
  return Exec("COMMIT");
}

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const std::string& path,
                                                     const SecretBytes& passphrase) {
  auto impl = std::make_unique<Impl>();
  BC_ASSIGN_OR_RETURN(StoreHeader header, impl->ReadHeader(path));
  BC_RETURN_IF_ERROR(DeriveKey(passphrase, header.salt, header.params.opslimit,
                               header.params.memlimit, impl->key));
  BC_RETURN_IF_ERROR(impl->CheckKey("wrong passphrase"));
  BC_RETURN_IF_ERROR(impl->Migrate(header.version));
  return std::unique_ptr<LocalStore>(new LocalStore(std::move(impl)));
}

Result<std::unique_ptr<LocalStore>> LocalStore::OpenWithKey(const std::string& path,
                                                            const StoreKey& key) {
  auto impl = std::make_unique<Impl>();
  BC_ASSIGN_OR_RETURN(StoreHeader header, impl->ReadHeader(path));
  impl->key = key.Clone();
  BC_RETURN_IF_ERROR(impl->CheckKey("the key does not open this store"));
  BC_RETURN_IF_ERROR(impl->Migrate(header.version));
  return std::unique_ptr<LocalStore>(new LocalStore(std::move(impl)));
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
  if (impl_->depth == 0) {
    // The outermost level takes the write lock first (see the header): a
    // deferred transaction that read a session and then tried to write it
    // would fail (or, across processes, save over another's update).
    BC_RETURN_IF_ERROR(impl_->Exec("BEGIN IMMEDIATE"));
    ++impl_->depth;
    Status s = body();
    --impl_->depth;
    if (s.ok()) s = impl_->Exec("COMMIT");
    if (!s.ok()) (void)impl_->Exec("ROLLBACK");
    return s;
  }
  const std::string name = "sp" + std::to_string(impl_->depth);
  BC_RETURN_IF_ERROR(impl_->Exec(("SAVEPOINT " + name).c_str()));
  ++impl_->depth;
  Status s = body();
  --impl_->depth;
  if (!s.ok()) {
    (void)impl_->Exec(("ROLLBACK TO " + name + "; RELEASE " + name).c_str());
    return s;
  }
  return impl_->Exec(("RELEASE " + name).c_str());
}

// ---- identity ----

Status LocalStore::PutIdentity(const StoredIdentity& identity) {
  return Transaction([&] {
    Stmt s(impl_->db,
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
  Stmt s(impl_->db,
         "SELECT public_key, private_key, registration_id, credential FROM identity WHERE id = 1");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no identity yet (run `backchannel init`)");
  BC_ASSIGN_OR_RETURN(auto priv, impl_->Unseal(s.Blob(1), Ad("identity", "1", "private_key")));
  if (priv.size() != 32) return Corrupt("store: identity key has the wrong size");
  StoredIdentity id;
  id.key_pair = crypto::X25519KeyPairFromPrivate(priv.view());
  const Bytes pub = s.Blob(0);
  if (!PublicEqual(pub, id.key_pair.public_key)) {
    return Corrupt("store: identity public key does not match its private key");
  }
  id.registration_id = static_cast<std::uint32_t>(s.Int(2));
  if (!s.IsNull(3)) {
    BC_ASSIGN_OR_RETURN(auto cred, impl_->Unseal(s.Blob(3), Ad("identity", "1", "credential")));
    id.credential = cred.ExposeCopy();
  }
  return id;
}

Status LocalStore::SetOwnCredential(ByteView credential) {
  return Transaction([&] {
    Stmt s(impl_->db, "UPDATE identity SET credential = ? WHERE id = 1");
    s.BindBlob(1, impl_->Seal(credential, Ad("identity", "1", "credential")));
    BC_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(impl_->db) != 1) return NotFound("no identity yet");
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
    Stmt s(impl_->db,
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
  Stmt s(impl_->db,
         "SELECT id, created_ms, retired_ms, used, private_key IS NULL FROM prekeys "
         "WHERE kind = 'signed' ORDER BY id");
  std::vector<SignedPreKeyInfo> out;
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    SignedPreKeyInfo k;
    k.id = static_cast<std::uint32_t>(s.Int(0));
    if (!s.IsNull(1)) k.created_ms = s.Int(1);
    if (!s.IsNull(2)) k.retired_ms = s.Int(2);
    k.wiped = s.Int(3) != 0 || s.Int(4) != 0;
    out.push_back(k);
  }
  return out;
}

Status LocalStore::RetireSignedPreKey(std::uint32_t id, std::int64_t retired_ms) {
  return Transaction([&] {
    Stmt s(impl_->db,
           "UPDATE prekeys SET retired_ms = ? WHERE kind = 'signed' AND id = ? AND "
           "retired_ms IS NULL");
    s.Bind(1, retired_ms).Bind(2, static_cast<std::int64_t>(id));
    return s.Run();
  });
}

Status LocalStore::WipeSignedPreKey(std::uint32_t id) {
  return Transaction([&] {
    Stmt s(impl_->db,
           "UPDATE prekeys SET used = 1, private_key = NULL WHERE kind = 'signed' AND id = ?");
    s.Bind(1, static_cast<std::int64_t>(id));
    return s.Run();
  });
}

Status LocalStore::PutOneTimePreKeys(const std::vector<session::OneTimePreKey>& keys) {
  return Transaction([&] {
    for (const auto& key : keys) {
      const std::string row = "one_time/" + std::to_string(key.id);
      Stmt s(impl_->db,
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
    Stmt s(impl_->db,
           "UPDATE prekeys SET used = 1, private_key = NULL WHERE kind = 'one_time' AND id = ?");
    s.Bind(1, static_cast<std::int64_t>(id));
    return s.Run();
  });
}

Result<session::InMemoryPreKeyStore> LocalStore::LoadPreKeys() {
  session::InMemoryPreKeyStore out;
  Stmt s(impl_->db,
         "SELECT kind, id, public_key, private_key, signature FROM prekeys WHERE used = 0");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::string kind = s.Text(0);
    const auto id = static_cast<std::uint32_t>(s.Int(1));
    const std::string row_key = kind + "/" + std::to_string(id);
    BC_ASSIGN_OR_RETURN(auto priv, impl_->Unseal(s.Blob(3), Ad("prekeys", row_key, "private_key")));
    if (priv.size() != 32) return Corrupt("store: prekey has the wrong size");
    auto kp = crypto::X25519KeyPairFromPrivate(priv.view());
    if (kind == "signed") {
      session::SignedPreKey k;
      k.id = id;
      k.key_pair = std::move(kp);
      const Bytes sig = s.Blob(4);
      if (sig.size() != k.signature.size()) return Corrupt("store: bad prekey signature size");
      std::copy(sig.begin(), sig.end(), k.signature.begin());
      out.AddSigned(std::move(k));
    } else {
      out.AddOneTime(session::OneTimePreKey{id, std::move(kp)});
    }
  }
  return out;
}

Result<std::uint32_t> LocalStore::NextOneTimePreKeyId() {
  Stmt s(impl_->db, "SELECT COALESCE(MAX(id), 0) FROM prekeys WHERE kind = 'one_time'");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  (void)row;
  return static_cast<std::uint32_t>(s.Int(0) + 1);
}

Result<std::size_t> LocalStore::CountUnusedOneTimePreKeys() {
  Stmt s(impl_->db, "SELECT COUNT(*) FROM prekeys WHERE kind = 'one_time' AND used = 0");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  (void)row;
  return static_cast<std::size_t>(s.Int(0));
}

// ---- relay ----

Status LocalStore::PutRelayConfig(const RelayConfig& c) {
  return Transaction([&] {
    Stmt s(impl_->db,
           "INSERT OR REPLACE INTO relay (id, address, pin, mailbox, auth_key, delivery_token) "
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
  Stmt s(impl_->db,
         "SELECT address, pin, mailbox, auth_key, delivery_token FROM relay WHERE id = 1");
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no relay configured (run `backchannel init --relay ...`)");
  RelayConfig c;
  c.address = s.Text(0);
  c.pin = s.Text(1);
  c.mailbox = s.Text(2);
  BC_ASSIGN_OR_RETURN(c.auth_key, impl_->Unseal(s.Blob(3), Ad("relay", "1", "auth_key")));
  BC_ASSIGN_OR_RETURN(c.delivery_token,
                      impl_->UnsealString(s.Blob(4), Ad("relay", "1", "delivery_token")));
  return c;
}

// ---- authorities ----

Status LocalStore::PutAuthority(const TrustedAuthority& a) {
  return Transaction([&] {
    Stmt s(impl_->db,
           "INSERT OR REPLACE INTO authorities (key, label, revocations, scope) "
           "VALUES (?, ?, ?, ?)");
    s.BindBlob(1, a.key).Bind(2, a.label);
    if (a.revocations.empty()) {
      s.BindNull(3);
    } else {
      s.BindBlob(3, a.revocations);
    }
    if (a.scoped) {
      s.Bind(4, nlohmann::json{{"sides", a.sides}, {"roles", a.roles}}.dump());
    } else {
      s.BindNull(4);
    }
    return s.Run();
  });
}

namespace {
// The scope column: {"sides":[...],"roles":[...]}, both arrays of strings.
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

Result<std::vector<TrustedAuthority>> LocalStore::ListAuthorities() {
  std::vector<TrustedAuthority> out;
  Stmt s(impl_->db, "SELECT key, label, revocations, scope FROM authorities ORDER BY label");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    TrustedAuthority a;
    a.key = s.Blob(0);
    a.label = s.Text(1);
    a.revocations = s.Blob(2);
    if (!s.IsNull(3)) BC_RETURN_IF_ERROR(ParseScope(s.Text(3), a));
    out.push_back(std::move(a));
  }
  return out;
}

Status LocalStore::RemoveAuthority(ByteView key) {
  return Transaction([&] {
    Stmt s(impl_->db, "DELETE FROM authorities WHERE key = ?");
    s.BindBlob(1, key);
    BC_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(impl_->db) == 0) return NotFound("that authority is not trusted");
    return Status::Ok();
  });
}

// ---- pending requests ----

Result<std::int64_t> LocalStore::AddPending(const PendingRequest& r) {
  std::int64_t seq = 0;
  BC_RETURN_IF_ERROR(Transaction([&]() -> Status {
    Stmt count(impl_->db, "SELECT COUNT(*) FROM pending_requests");
    BC_ASSIGN_OR_RETURN(bool row, count.Step());
    if (row && count.Int(0) >= static_cast<std::int64_t>(kMaxPendingRequests)) {
      return Status(StatusCode::kResourceExhausted,
                    "already " + std::to_string(kMaxPendingRequests) +
                        " requests wait for an authority you do not trust; trust or refuse them "
                        "first (`backchannel trust pending`)");
    }
    Stmt s(impl_->db,
           "INSERT INTO pending_requests (received_ms, envelope, sender, authority_key, side, "
           "role, display_name) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const std::int64_t received = r.received_ms ? r.received_ms : NowMs();
    s.Bind(1, received)
        .BindBlob(2, impl_->Seal(r.envelope,
                                 Ad("pending_requests",
                                    std::to_string(received) + "/" + ToHex(r.sender), "envelope")))
        .BindBlob(3, r.sender)
        .BindBlob(4, r.authority_key)
        .Bind(5, r.side)
        .Bind(6, r.role)
        .Bind(7, r.display_name);
    BC_RETURN_IF_ERROR(s.Run());
    seq = sqlite3_last_insert_rowid(impl_->db);
    return Status::Ok();
  }));
  return seq;
}

Result<std::vector<PendingRequest>> LocalStore::ListPending() {
  std::vector<PendingRequest> out;
  Stmt s(impl_->db,
         "SELECT seq, received_ms, envelope, sender, authority_key, side, role, display_name "
         "FROM pending_requests ORDER BY seq");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    PendingRequest r;
    r.seq = s.Int(0);
    r.received_ms = s.Int(1);
    const Bytes sender = s.Blob(3);
    if (sender.size() != r.sender.size()) return Corrupt("store: a pending request is malformed");
    std::copy(sender.begin(), sender.end(), r.sender.begin());
    BC_ASSIGN_OR_RETURN(
        auto env, impl_->Unseal(s.Blob(2), Ad("pending_requests",
                                              std::to_string(r.received_ms) + "/" + ToHex(r.sender),
                                              "envelope")));
    r.envelope = ToBytes(env.view());
    r.authority_key = s.Blob(4);
    r.side = s.Text(5);
    r.role = s.Text(6);
    r.display_name = s.Text(7);
    out.push_back(std::move(r));
  }
  return out;
}

Status LocalStore::RemovePending(std::int64_t seq) {
  return Transaction([&] {
    Stmt s(impl_->db, "DELETE FROM pending_requests WHERE seq = ?");
    s.Bind(1, seq);
    BC_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(impl_->db) == 0)
      return NotFound("no pending request " + std::to_string(seq));
    return Status::Ok();
  });
}

// ---- contacts ----

Status LocalStore::PutContact(const Contact& c) {
  return Transaction([&] {
    Stmt s(impl_->db,
           "INSERT OR REPLACE INTO contacts (name, identity_key, relay, pin, mailbox, "
           "delivery_token, authority_key, authority_label, credential, session, created_ms, "
           "compared_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.Bind(1, c.name)
        .BindBlob(2, c.identity_key)
        .Bind(3, c.address.relay)
        .Bind(4, c.address.pin)
        .Bind(5, c.address.mailbox)
        .BindBlob(6, impl_->Seal(AsBytes(c.address.delivery_token),
                                 Ad("contacts", c.name, "delivery_token")))
        .BindBlob(7, c.authority_key)
        .Bind(8, c.authority_label);
    if (c.credential.empty()) {
      s.BindNull(9);
    } else {
      s.BindBlob(9, impl_->Seal(c.credential, Ad("contacts", c.name, "credential")));
    }
    if (c.session.empty()) {
      s.BindNull(10);
    } else {
      s.BindBlob(10, impl_->Seal(c.session.view(), Ad("contacts", c.name, "session")));
    }
    s.Bind(11, c.created_ms ? c.created_ms : NowMs());
    if (c.compared_identity_key.empty()) {
      s.BindNull(12);
    } else {
      s.BindBlob(12, c.compared_identity_key);
    }
    return s.Run();
  });
}

namespace {
constexpr const char* kContactColumns =
    "SELECT name, identity_key, relay, pin, mailbox, delivery_token, authority_key, "
    "authority_label, credential, session, created_ms, compared_key FROM contacts ";
}  // namespace

#define BC_READ_CONTACT(s, out)                                                                  \
  do {                                                                                           \
    (out).name = (s).Text(0);                                                                    \
    const Bytes ik = (s).Blob(1);                                                                \
    if (ik.size() != 32) return Corrupt("store: contact identity key has the wrong size");       \
    std::copy(ik.begin(), ik.end(), (out).identity_key.begin());                                 \
    (out).address.relay = (s).Text(2);                                                           \
    (out).address.pin = (s).Text(3);                                                             \
    (out).address.mailbox = (s).Text(4);                                                         \
    BC_ASSIGN_OR_RETURN(                                                                         \
        (out).address.delivery_token,                                                            \
        impl_->UnsealString((s).Blob(5), Ad("contacts", (out).name, "delivery_token")));         \
    (out).authority_key = (s).Blob(6);                                                           \
    (out).authority_label = (s).Text(7);                                                         \
    if (!(s).IsNull(8)) {                                                                        \
      BC_ASSIGN_OR_RETURN(auto cred,                                                             \
                          impl_->Unseal((s).Blob(8), Ad("contacts", (out).name, "credential"))); \
      (out).credential = cred.ExposeCopy();                                                      \
    }                                                                                            \
    if (!(s).IsNull(9)) {                                                                        \
      BC_ASSIGN_OR_RETURN((out).session,                                                         \
                          impl_->Unseal((s).Blob(9), Ad("contacts", (out).name, "session")));    \
    }                                                                                            \
    (out).created_ms = (s).Int(10);                                                              \
    (out).compared_identity_key = (s).Blob(11);                                                  \
  } while (0)

Result<Contact> LocalStore::GetContact(const std::string& name) {
  Stmt s(impl_->db, std::string(kContactColumns) + "WHERE name = ?");
  s.Bind(1, name);
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no contact named '" + name + "'");
  Contact c;
  BC_READ_CONTACT(s, c);
  return c;
}

Result<std::optional<Contact>> LocalStore::FindContactByIdentity(const session::PublicKey& key) {
  Stmt s(impl_->db, std::string(kContactColumns) + "WHERE identity_key = ?");
  s.BindBlob(1, key);
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Contact>();
  Contact c;
  BC_READ_CONTACT(s, c);
  return std::optional<Contact>(std::move(c));
}

Result<std::vector<Contact>> LocalStore::ListContacts() {
  std::vector<Contact> out;
  Stmt s(impl_->db, std::string(kContactColumns) + "ORDER BY name");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    Contact c;
    BC_READ_CONTACT(s, c);
    out.push_back(std::move(c));
  }
  return out;
}

#undef BC_READ_CONTACT

Status LocalStore::SaveSession(const std::string& contact, const SecretBytes& record) {
  return Transaction([&] {
    Stmt s(impl_->db, "UPDATE contacts SET session = ? WHERE name = ?");
    s.BindBlob(1, impl_->Seal(record.view(), Ad("contacts", contact, "session"))).Bind(2, contact);
    BC_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(impl_->db) != 1) return NotFound("no contact named '" + contact + "'");
    return Status::Ok();
  });
}

// ---- messages ----

Result<bool> LocalStore::SeenMessage(const std::string& contact, const std::string& id) {
  Stmt s(impl_->db, "SELECT 1 FROM seen_ids WHERE contact = ? AND id = ?");
  s.Bind(1, contact).Bind(2, id);
  return s.Step();
}

Result<bool> LocalStore::MarkSeen(const std::string& contact, const std::string& id) {
  bool added = false;
  Status st = Transaction([&] {
    Stmt s(impl_->db, "INSERT OR IGNORE INTO seen_ids (contact, id) VALUES (?, ?)");
    s.Bind(1, contact).Bind(2, id);
    BC_RETURN_IF_ERROR(s.Run());
    added = sqlite3_changes(impl_->db) == 1;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return added;
}

Result<bool> LocalStore::AddMessage(const StoredMessage& m) {
  bool added = false;
  Status st = Transaction([&] {
    BC_ASSIGN_OR_RETURN(bool seen, SeenMessage(m.contact, m.id));
    if (seen) return Status::Ok();
    Stmt seen_stmt(impl_->db, "INSERT INTO seen_ids (contact, id) VALUES (?, ?)");
    seen_stmt.Bind(1, m.contact).Bind(2, m.id);
    BC_RETURN_IF_ERROR(seen_stmt.Run());
    Stmt s(impl_->db,
           "INSERT INTO messages (id, contact, direction, time_ms, body, delivery) "
           "VALUES (?, ?, ?, ?, ?, ?)");
    s.Bind(1, m.id)
        .Bind(2, m.contact)
        .Bind(3, DirectionName(m.direction))
        .Bind(4, m.time_ms ? m.time_ms : NowMs())
        .BindBlob(5, impl_->Seal(AsBytes(m.body), Ad("messages", m.contact + "/" + m.id, "body")));
    if (m.delivery == Delivery::kNone) {
      s.BindNull(6);
    } else {
      s.Bind(6, DeliveryName(m.delivery));
    }
    BC_RETURN_IF_ERROR(s.Run());
    added = true;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return added;
}

Result<std::vector<StoredMessage>> LocalStore::ListMessages(const std::string& contact,
                                                            std::int64_t after) {
  std::vector<StoredMessage> out;
  Stmt s(impl_->db,
         "SELECT seq, id, contact, direction, time_ms, body, delivery FROM messages "
         "WHERE seq > ? AND (? = '' OR contact = ?) ORDER BY seq");
  s.Bind(1, after).Bind(2, contact).Bind(3, contact);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    StoredMessage m;
    m.seq = s.Int(0);
    m.id = s.Text(1);
    m.contact = s.Text(2);
    m.direction = ParseDirection(s.Text(3));
    m.time_ms = s.Int(4);
    BC_ASSIGN_OR_RETURN(
        m.body, impl_->UnsealString(s.Blob(5), Ad("messages", m.contact + "/" + m.id, "body")));
    m.delivery = ParseDelivery(s.Text(6));
    out.push_back(std::move(m));
  }
  return out;
}

Status LocalStore::SetDelivery(const std::string& contact, const std::string& id,
                               Delivery delivery) {
  return Transaction([&] {
    Stmt s(impl_->db, "UPDATE messages SET delivery = ? WHERE contact = ? AND id = ?");
    if (delivery == Delivery::kNone) {
      s.BindNull(1);
    } else {
      s.Bind(1, DeliveryName(delivery));
    }
    s.Bind(2, contact).Bind(3, id);
    BC_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(impl_->db) == 0) {
      return NotFound("no message " + id + " with '" + contact + "'");
    }
    return Status::Ok();
  });
}

// ---- outbox ----

namespace {
std::string OutboxAd(const std::string& contact, const std::string& message_id) {
  return Ad("outbox", contact + "/" + message_id, "envelope");
}
}  // namespace

Result<std::int64_t> LocalStore::AddOutbox(const OutboxEntry& e) {
  std::int64_t seq = 0;
  BC_RETURN_IF_ERROR(Transaction([&] {
    Stmt s(impl_->db,
           "INSERT INTO outbox (contact, message_id, envelope, created_ms) VALUES (?, ?, ?, ?)");
    s.Bind(1, e.contact)
        .Bind(2, e.message_id)
        .BindBlob(3, impl_->Seal(e.envelope, OutboxAd(e.contact, e.message_id)))
        .Bind(4, e.created_ms ? e.created_ms : NowMs());
    BC_RETURN_IF_ERROR(s.Run());
    seq = sqlite3_last_insert_rowid(impl_->db);
    return Status::Ok();
  }));
  return seq;
}

Result<std::vector<OutboxEntry>> LocalStore::ListOutbox(const std::string& contact) {
  std::vector<OutboxEntry> out;
  Stmt s(impl_->db,
         "SELECT seq, contact, message_id, envelope, created_ms, attempts, last_error FROM outbox "
         "WHERE (? = '' OR contact = ?) ORDER BY seq");
  s.Bind(1, contact).Bind(2, contact);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OutboxEntry e;
    e.seq = s.Int(0);
    e.contact = s.Text(1);
    e.message_id = s.Text(2);
    BC_ASSIGN_OR_RETURN(auto env, impl_->Unseal(s.Blob(3), OutboxAd(e.contact, e.message_id)));
    e.envelope = ToBytes(env.view());
    e.created_ms = s.Int(4);
    e.attempts = s.Int(5);
    e.last_error = s.Text(6);
    out.push_back(std::move(e));
  }
  return out;
}

Status LocalStore::RemoveOutbox(std::int64_t seq) {
  return Transaction([&] {
    Stmt s(impl_->db, "DELETE FROM outbox WHERE seq = ?");
    s.Bind(1, seq);
    BC_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(impl_->db) == 0) {
      return NotFound("no queued message " + std::to_string(seq) + " in the outbox");
    }
    return Status::Ok();
  });
}

Status LocalStore::NoteOutboxFailure(std::int64_t seq, const std::string& error) {
  return Transaction([&] {
    Stmt s(impl_->db, "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?");
    s.Bind(1, error).Bind(2, seq);
    return s.Run();
  });
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

std::string ValueAd(const std::string& app, const std::string& key) {
  return Ad("app_values", app + "/" + key, "value");
}

std::string LogAd(const std::string& app, const std::string& log, std::int64_t seq) {
  return Ad("app_log", app + "/" + log + "/" + std::to_string(seq), "entry");
}

}  // namespace

Status LocalStore::PutAppValue(const std::string& app, const std::string& key, ByteView value) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  BC_RETURN_IF_ERROR(CheckAppValue(value));
  return Transaction([&] {
    Stmt s(impl_->db, "INSERT OR REPLACE INTO app_values (app, key, value) VALUES (?, ?, ?)");
    s.Bind(1, app).Bind(2, key).BindBlob(3, impl_->Seal(value, ValueAd(app, key)));
    return s.Run();
  });
}

Result<std::optional<Bytes>> LocalStore::GetAppValue(const std::string& app,
                                                     const std::string& key) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  Stmt s(impl_->db, "SELECT value FROM app_values WHERE app = ? AND key = ?");
  s.Bind(1, app).Bind(2, key);
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Bytes>();
  BC_ASSIGN_OR_RETURN(auto value, impl_->Unseal(s.Blob(0), ValueAd(app, key)));
  return std::optional<Bytes>(value.ExposeCopy());
}

Status LocalStore::DeleteAppValue(const std::string& app, const std::string& key) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  return Transaction([&] {
    Stmt s(impl_->db, "DELETE FROM app_values WHERE app = ? AND key = ?");
    s.Bind(1, app).Bind(2, key);
    return s.Run();
  });
}

Result<std::vector<std::string>> LocalStore::ListAppKeys(const std::string& app,
                                                         const std::string& prefix) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  // Keys compare bytewise (BINARY collation), so those starting with
  // `prefix` are contiguous from `prefix` on.
  std::vector<std::string> out;
  Stmt s(impl_->db, "SELECT key FROM app_values WHERE app = ? AND key >= ? ORDER BY key");
  s.Bind(1, app).Bind(2, prefix);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    std::string key = s.Text(0);
    if (key.compare(0, prefix.size(), prefix) != 0) break;
    out.push_back(std::move(key));
  }
  return out;
}

Result<std::int64_t> LocalStore::AppendAppLog(const std::string& app, const std::string& log,
                                              ByteView entry) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(log, "log name"));
  BC_RETURN_IF_ERROR(CheckAppValue(entry));
  std::int64_t seq = 0;
  BC_RETURN_IF_ERROR(Transaction([&] {
    // The next seq follows both the head and the rows, so deleting the last
    // row (or the head) never makes a seq come back.
    Stmt last(impl_->db,
              "SELECT MAX(COALESCE((SELECT last_seq FROM app_log_heads WHERE app = ?1 AND log = "
              "?2), 0), COALESCE((SELECT MAX(seq) FROM app_log WHERE app = ?1 AND log = ?2), 0))");
    last.Bind(1, app).Bind(2, log);
    BC_ASSIGN_OR_RETURN(bool row, last.Step());
    (void)row;
    seq = last.Int(0) + 1;
    Stmt ins(impl_->db, "INSERT INTO app_log (app, log, seq, entry) VALUES (?, ?, ?, ?)");
    ins.Bind(1, app).Bind(2, log).Bind(3, seq).BindBlob(4,
                                                        impl_->Seal(entry, LogAd(app, log, seq)));
    BC_RETURN_IF_ERROR(ins.Run());
    Stmt head(impl_->db,
              "INSERT OR REPLACE INTO app_log_heads (app, log, last_seq) VALUES (?, ?, ?)");
    head.Bind(1, app).Bind(2, log).Bind(3, seq);
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
  Stmt s(impl_->db,
         "SELECT seq, entry FROM app_log WHERE app = ? AND log = ? AND seq > ? ORDER BY seq");
  s.Bind(1, app).Bind(2, log).Bind(3, after_seq);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AppLogEntry e;
    e.seq = s.Int(0);
    auto opened = impl_->Unseal(s.Blob(1), LogAd(app, log, e.seq));
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
    Stmt s(impl_->db, "INSERT OR REPLACE INTO settings (k, v) VALUES (?, ?)");
    s.Bind(1, key).Bind(2, value);
    return s.Run();
  });
}

Result<std::optional<std::string>> LocalStore::GetSetting(const std::string& key) {
  Stmt s(impl_->db, "SELECT v FROM settings WHERE k = ?");
  s.Bind(1, key);
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

}  // namespace backchannel::client
