// SqliteStore: the relay Store on one SQLite database file (or ":memory:").
//
// Connections: one writer connection, guarded by a mutex (SQLite admits one
// writer at a time anyway), and a small pool of reader connections that read
// committed snapshots concurrently with the writer (WAL). ":memory:" uses the
// writer connection for everything, since each connection to ":memory:" is a
// separate database.
//
// Transactions: writes run in BEGIN IMMEDIATE ... COMMIT on the writer,
// reads in BEGIN ... COMMIT on a reader; a failed method rolls back.
// Group commit: concurrent AppendMessage calls queue up; one of them (the
// leader) commits the queue in one transaction while the others wait for
// their result. A refusal in a batch changes nothing, so it does not affect
// the other entries; a database failure fails the whole batch.
// Durability: journal_mode=WAL, synchronous=FULL: COMMIT returns after the
// WAL is fsynced.
//
// Thread safety: every public method may be called from any thread at any
// time; the store locks internally. Each connection is used by one thread at
// a time, so SQLite runs in multi-thread mode (SQLITE_OPEN_NOMUTEX).
#ifndef BACKCHANNEL_SRC_RELAY_STORE_SQLITE_STORE_H_
#define BACKCHANNEL_SRC_RELAY_STORE_SQLITE_STORE_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backchannel/relay/store.h"
#include "relay/store/sqlite_connection.h"

namespace backchannel::relay {

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   const SqliteStoreOptions& options);
  ~SqliteStore() override = default;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  SqliteStore(SqliteStore&&) = delete;
  SqliteStore& operator=(SqliteStore&&) = delete;

  Status CreateMailbox(const MailboxRecord& mailbox) override;
  Status DeleteMailbox(const MailboxId& id) override;
  Status TouchMailbox(const MailboxId& id, std::int64_t seen_ms) override;
  Result<IdleDeletion> DeleteIdleMailboxes(std::int64_t cutoff_ms) override;
  Result<MailboxRecord> GetMailbox(const MailboxId& id) override;
  Status SetDeliveryToken(const MailboxId& id, const TokenHash& hash) override;
  Status PutPreKeys(const MailboxId& id, ByteView bundle_base,
                    const std::vector<OneTimePreKeyRecord>& one_time,
                    bool replace_one_time) override;
  Result<Bytes> GetBundleBase(const MailboxId& id) override;
  Result<std::optional<OneTimePreKeyRecord>> TakeOneTimePreKey(const MailboxId& id) override;
  Result<std::size_t> CountOneTimePreKeys(const MailboxId& id) override;
  Status AppendMessage(const MailboxId& id, const StoredMessage& message,
                       const QueueLimits& limits) override;
  Result<std::vector<StoredMessage>> ListMessages(const MailboxId& id, std::size_t limit) override;
  Status DeleteMessage(const MailboxId& id, const MessageId& message) override;
  Result<std::size_t> CountMessages(const MailboxId& id) override;
  Result<std::size_t> CountAllMessages() override;
  Result<std::size_t> ExpireMessages(std::int64_t cutoff_ms) override;
  Status RecordNonce(const MailboxId& id, ByteView nonce, std::int64_t now_ms,
                     std::int64_t forget_before_ms) override;
  Status Compact() override;
  Status Ping() override;

 private:
  using Body = std::function<Status(sqlite::Connection&)>;

  SqliteStore(std::string path, const SqliteStoreOptions& options,
              std::unique_ptr<sqlite::Connection> writer);

  // Runs `body` in a write transaction on the writer connection and returns
  // once that transaction is durable. With group commit, bodies that arrive
  // while a commit is under way share the next transaction (one fsync), each
  // inside its own savepoint so a refused body changes nothing and does not
  // undo the others.
  Status Write(const Body& body);
  // Runs `body` alone in one write transaction.
  Status WriteAlone(const Body& body);
  // Runs `body` in one read transaction on a reader connection.
  Status Read(const Body& body);

  // Group commit: one queued Write call.
  struct PendingWrite {
    const Body* body;
    Status result;
    bool done = false;             // guarded by write_queue_mu_
    bool lead = false;             // guarded by write_queue_mu_: this writer is the next leader
    std::condition_variable wake;  // signals done or lead
  };
  // Commits `batch` in one write transaction and sets each entry's result.
  void CommitBatch(const std::vector<PendingWrite*>& batch);

  // Reader pool.
  Result<std::unique_ptr<sqlite::Connection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<sqlite::Connection> reader);

  const std::string path_;
  const SqliteStoreOptions options_;
  const bool in_memory_;

  std::mutex writer_mu_;
  std::unique_ptr<sqlite::Connection> writer_;  // guarded by writer_mu_

  // Writes waiting for the next group commit, and whether a thread is
  // committing batches (the leader). Lock order: write_queue_mu_ is never
  // held while taking writer_mu_.
  std::mutex write_queue_mu_;
  std::vector<PendingWrite*> write_queue_;  // guarded by write_queue_mu_
  bool write_leader_ = false;               // guarded by write_queue_mu_

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;  // guarded by readers_mu_
  int open_readers_ = 0;                                           // guarded by readers_mu_
};

// Opens a connection to `path` configured as the store needs (WAL,
// synchronous=FULL, foreign keys, busy timeout); `writer` also creates the
// file. Exposed for tests.
Result<std::unique_ptr<sqlite::Connection>> OpenConfiguredConnection(const std::string& path,
                                                                     bool writer,
                                                                     int busy_timeout_ms);

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_SRC_RELAY_STORE_SQLITE_STORE_H_
