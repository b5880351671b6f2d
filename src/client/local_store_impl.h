// The private side of LocalStore (include/backchannel/client/local_store.h):
// its Impl, shared by the files that implement it, one job each:
//   local_store_open.cc        create, open, the key derivation, transactions
//   local_store_migrations.cc  the schema, versions 1..6 (sqlite/migrations.h)
//   local_store_rows.cc        sealed rows: row keys, table digests, writers
//   local_store_identity.cc    the identity and the relay configuration
//   local_store_prekeys.cc     signed and one-time prekeys
//   local_store_trust.cc       trusted authorities and pending requests
//   local_store_contacts.cc    contacts, their sessions, seen message ids
//   local_store_messages.cc    the conversation lines
//   local_store_outbox.cc      sealed envelopes waiting to be posted
//   local_store_passwd.cc      the passphrase change (re-key)
//   local_store_app.cc         application values and logs, settings
//   local_store_names.cc       the header's pure functions (no SQLite)
// Nothing outside those files includes this header.
#ifndef BACKCHANNEL_SRC_CLIENT_LOCAL_STORE_IMPL_H_
#define BACKCHANNEL_SRC_CLIENT_LOCAL_STORE_IMPL_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "backchannel/client/local_store.h"
#include "backchannel/common/encoding.h"
#include "backchannel/crypto/aead.h"
#include "backchannel/crypto/password_kdf.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/sqlite/connection.h"
#include "backchannel/sqlite/migrations.h"
#include "client/sealed_row.h"

namespace backchannel::client {

// 1: the tables of issue 3; 2: app_values, app_log, app_log_heads; 3:
// prekeys.created_ms and prekeys.retired_ms (signed prekey rotation); 4: the
// outbox and messages.delivery; 5: sealed rows and table digests (store
// integrity, below); 6: app keys and log names as keyed indexes (below). An
// older store is upgraded when it is opened.
inline constexpr int kSchemaVersion = 6;
inline constexpr std::uint8_t kBlobVersion = 1;
inline constexpr std::string_view kCheckPlaintext = "backchannel local store v1";
inline constexpr std::size_t kKeySize = crypto::kAeadKeySize;

inline std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string Ad(std::string_view table, std::string_view row, std::string_view column) {
  std::string ad = "bc-store-v1|";
  ad.append(table).append("|").append(row).append("|").append(column);
  return ad;
}

// A message's direction and delivery state as the rows spell them.
Direction ParseDirection(std::string_view s);
Delivery ParseDelivery(std::string_view s);

// What a store file says about itself before any key is tried (Impl::ReadHeader).
struct StoreHeader {
  std::uint64_t version = 0;
  Bytes salt;
  crypto::KdfParams params;
};

// Argon2id of `passphrase` into `key` (kResourceExhausted without memory).
Status DeriveKey(const SecretBytes& passphrase, ByteView salt, std::uint64_t ops, std::uint64_t mem,
                 SecretArray<kKeySize>& key);
// The meta table's 8-byte little-endian integers (versions, KDF limits).
Bytes U64(std::uint64_t v);
Result<std::uint64_t> FromU64(const std::optional<Bytes>& b);
// Opens the store's file with the client's settings (sqlite/connection.h).
Result<std::unique_ptr<sqlite::Connection>> OpenDb(const std::string& path, bool create);

// kCorrupt: a row of `table` does not match its `what` (an index, a key).
Status RowMismatch(std::string_view table, std::string_view what);
// A message or outbox row's clear lookup columns must be what its sealed
// row says: a row moved under another contact or id is refused.
inline Status CheckLookup(std::string_view table, bool ok) {
  return ok ? Status::Ok() : RowMismatch(table, "contact or id columns");
}

// `key_index` and `log_index`: the keyed indexes (schema 6; before it, the
// key and the log name themselves).
inline std::string ValueAd(const std::string& app, const std::string& key_index) {
  return Ad("app_values", app + "/" + key_index, "value");
}

inline std::string KeyAd(const std::string& app, const std::string& key_index) {
  return Ad("app_values", app + "/" + key_index, "key");
}

inline std::string LogAd(const std::string& app, const std::string& log_index, std::int64_t seq) {
  return Ad("app_log", app + "/" + log_index + "/" + std::to_string(seq), "entry");
}

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

}  // namespace backchannel::client

#endif  // BACKCHANNEL_SRC_CLIENT_LOCAL_STORE_IMPL_H_
