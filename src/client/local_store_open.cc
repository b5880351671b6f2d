// Creating and opening a local store: the file, the key derivation from the
// passphrase, the check value, the upgrade on open, transactions.
#include <filesystem>

#include "client/local_store_impl.h"

namespace backchannel::client {

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
  auto db = sqlite::Connection::Open(path, {.create = create,
                                            .busy_timeout_ms = 5000,
                                            .serialized = true,
                                            .disk_full = StatusCode::kIoError});
  if (!db) return db.error().WithContext("store " + path);
  // Deleted content (wiped prekeys, replaced sessions) is overwritten with
  // zeros in the file instead of lingering in free pages.
  BC_RETURN_IF_ERROR((*db)->Exec("PRAGMA secure_delete=ON").WithContext("store " + path));
  return db;
}

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

}  // namespace backchannel::client
