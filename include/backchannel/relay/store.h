// The relay's storage, behind one interface: SQLite (the embedded default)
// and PostgreSQL (several relays on one database). No SQL exists outside the implementations
// (src/relay/store/). Schema, transactions and what a server-database
// implementation must guarantee: docs/relay-store.md.
//
// Transactions: every method is one transaction. It either commits entirely
// or changes nothing and returns an error. A refusal (kNotFound,
// kAlreadyExists, kResourceExhausted) is decided inside that transaction, so
// it is never stale.
//
// Durability: when a method that writes returns OK, the change is on stable
// storage (SQLite: WAL with synchronous=FULL, i.e. fsync before COMMIT
// returns; an implementation may group concurrent commits into one fsync).
//
// Thread safety: a Store is safe to call from many threads at once, with no
// external locking. Implementations for server databases are also safe when
// several relay processes share one database (TakeOneTimePreKey hands a key
// out exactly once even then). The SQLite store allows several processes on
// one file too (file locks and a busy timeout), but is meant for one.
//
// Errors common to every method: kNotFound when the mailbox does not exist
// (for every method taking a MailboxId), kIoError when the database fails
// (the message carries the database's own text). No method throws.
#ifndef BACKCHANNEL_RELAY_STORE_H_
#define BACKCHANNEL_RELAY_STORE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/relay/ids.h"

namespace backchannel::relay {

struct MailboxRecord {
  MailboxId id{};
  AuthKey auth_key{};
  TokenHash delivery_token_hash{};
  std::int64_t created_ms = 0;
  // When the owner last signed a request, as coarse as the caller made it
  // (the Router keeps days); created_ms until then.
  std::int64_t seen_ms = 0;
};

// What AppendMessage may fill: messages and envelope bytes in the mailbox,
// and envelope bytes in the whole store.
struct QueueLimits {
  std::size_t max_messages = 10'000;
  std::uint64_t max_mailbox_bytes = 64ULL << 20;
  std::uint64_t max_total_bytes = 8ULL << 30;
};

// Mailboxes deleted for idleness and the messages that went with them.
struct IdleDeletion {
  std::size_t mailboxes = 0;
  std::size_t messages = 0;
};

struct StoredMessage {
  MessageId id{};
  std::int64_t received_ms = 0;
  Bytes envelope;
};

struct OneTimePreKeyRecord {
  std::uint32_t id = 0;
  Bytes key;  // 33-byte serialized public key
};

class Store {
 public:
  Store() = default;
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  Store(Store&&) = delete;
  Store& operator=(Store&&) = delete;

  // kAlreadyExists when the id is taken. seen_ms starts at mailbox.seen_ms.
  virtual Status CreateMailbox(const MailboxRecord& mailbox) = 0;
  // Deletes the mailbox with its prekeys, messages and nonces.
  virtual Status DeleteMailbox(const MailboxId& id) = 0;
  // Sets the mailbox's seen_ms (the owner signed a request at `seen_ms`).
  virtual Status TouchMailbox(const MailboxId& id, std::int64_t seen_ms) = 0;
  // Deletes every mailbox whose seen_ms is before `cutoff_ms`, with its
  // data.
  virtual Result<IdleDeletion> DeleteIdleMailboxes(std::int64_t cutoff_ms) = 0;
  virtual Result<MailboxRecord> GetMailbox(const MailboxId& id) = 0;
  virtual Status SetDeliveryToken(const MailboxId& id, const TokenHash& hash) = 0;

  // Replaces the bundle base (a PreKeyBundle without one-time key) and adds
  // one-time prekeys (replacing all existing ones when `replace_one_time`).
  // Adding an id that is already stored replaces that key (so a retried
  // upload is harmless); within one call the last record with an id wins.
  virtual Status PutPreKeys(const MailboxId& id, ByteView bundle_base,
                            const std::vector<OneTimePreKeyRecord>& one_time,
                            bool replace_one_time) = 0;
  // The bundle base; kNotFound also when none was uploaded.
  virtual Result<Bytes> GetBundleBase(const MailboxId& id) = 0;
  // Removes and returns one one-time prekey (lowest id first), exactly once
  // across all callers; nullopt when none is left.
  virtual Result<std::optional<OneTimePreKeyRecord>> TakeOneTimePreKey(const MailboxId& id) = 0;
  virtual Result<std::size_t> CountOneTimePreKeys(const MailboxId& id) = 0;

  // Appends a message; durable when OK. kResourceExhausted when the mailbox
  // already holds `limits.max_messages` messages or the envelope would take
  // its bytes past `limits.max_mailbox_bytes`; kUnavailable when it would
  // take the whole store past `limits.max_total_bytes`; kAlreadyExists when
  // the mailbox holds a message with the same id. Every refusal changes
  // nothing.
  virtual Status AppendMessage(const MailboxId& id, const StoredMessage& message,
                               const QueueLimits& limits) = 0;
  // Oldest first (in the order they were appended), at most `limit`.
  virtual Result<std::vector<StoredMessage>> ListMessages(const MailboxId& id,
                                                          std::size_t limit) = 0;
  // kNotFound when the message is not (or no longer) in the mailbox.
  virtual Status DeleteMessage(const MailboxId& id, const MessageId& message) = 0;
  virtual Result<std::size_t> CountMessages(const MailboxId& id) = 0;
  // Messages queued in all mailboxes (the bc_messages_queued gauge after a
  // restart).
  virtual Result<std::size_t> CountAllMessages() = 0;
  // Deletes messages received before `cutoff_ms` in every mailbox; returns
  // how many.
  virtual Result<std::size_t> ExpireMessages(std::int64_t cutoff_ms) = 0;

  // Records a request nonce for replay protection; kAlreadyExists when the
  // nonce was seen for this mailbox (and not yet forgotten). Nonces recorded
  // before `forget_before_ms` (in any mailbox) may be dropped in the same
  // transaction.
  virtual Status RecordNonce(const MailboxId& id, ByteView nonce, std::int64_t now_ms,
                             std::int64_t forget_before_ms) = 0;

  // Erases deleted data from wherever the database still keeps a copy
  // (SQLite: a WAL checkpoint that truncates the log; with secure_delete on,
  // deleted rows are zeroed in the database file itself).
  virtual Status Compact() = 0;

  // Whether the database answers (the readiness check): OK, or the error a
  // store call would get now.
  virtual Status Ping() = 0;

  // Appends made by other processes (other relays on one database). The
  // store calls `watcher(mailbox)` from its own thread soon after another
  // process committed a message to `mailbox`, and `watcher(std::nullopt)`
  // when it may have missed some (its notification channel was lost and is
  // back): then anything may be pending anywhere. Appends through this
  // store are not reported (the caller knows them). Passing an empty
  // function stops watching and returns once no call is in progress; a
  // store stops on destruction too. Stores meant for one process (SQLite)
  // keep the default, which never calls.
  using AppendWatcher = std::function<void(const std::optional<MailboxId>&)>;
  // By value: an implementation keeps it (moves it to its thread).
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  virtual void WatchAppends(AppendWatcher /*watcher*/) {}
};

struct SqliteStoreOptions {
  // Connections used for reads besides the one writer connection (WAL lets
  // readers run while a write commits). Ignored for ":memory:", which has a
  // single connection.
  int reader_connections = 4;
  // How long a statement waits for another process's lock before kIoError.
  int busy_timeout_ms = 5000;
  // Group commit: writes (posts, acks, nonces, prekey takes …) that arrive
  // while a commit is under way are committed together in the next
  // transaction (one fsync), each still refused or accepted on its own.
  // Each call returns only after its batch is durable.
  bool group_commit = true;
  // The most pages the database file may grow to (PRAGMA max_page_count);
  // 0 leaves SQLite's default. A write that would need more fails as a full
  // disk does: kUnavailable, which the relay answers with 507.
  std::int64_t max_page_count = 0;
};

// SQLite in WAL mode with synchronous=FULL at `path` (created if missing,
// schema created or migrated; ":memory:" for tests: a private database).
// kIoError when the database cannot be opened, is not a SQLite database, or
// is a SQLite database that is not a relay store; kUnsupportedVersion when
// its schema is newer than this build. A write that finds the disk (or
// max_page_count) full is kUnavailable and changes nothing.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteStoreOptions& options = {});

struct PostgresStoreOptions {
  // Connections to the server, at most (one per store call in flight).
  int connections = 32;
  // Open even when the server's settings make commits not durable (fsync
  // off, synchronous_commit off, full_page_writes off). Off: such a server
  // is refused (kFailedPrecondition naming the settings).
  bool allow_unsafe_durability = false;
  // WatchAppends: how long to wait before connecting again after the
  // notification connection was lost or could not be opened.
  int listen_retry_ms = 500;
};

// PostgreSQL at `conninfo` (a libpq connection string or
// postgresql:// URI; a database of the relay's own). The schema is created
// or migrated (store.h's rules; several relays may open one database at
// once). kIoError when the server cannot be reached or the database holds
// tables that are not a relay store; kUnsupportedVersion when its schema
// needs a newer build; kFailedPrecondition when the server's settings make
// commits not durable and `options.allow_unsafe_durability` is off.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const PostgresStoreOptions& options = {});

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_STORE_H_
