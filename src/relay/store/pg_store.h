// PgStore: the relay Store on a PostgreSQL database, shared by any number of
// relay processes (docs/relay-store.md, docs/relay.md).
//
// Connections: a pool of libpq connections, one per store call in flight (at
// most options.connections; a call waits for a free one). A connection that
// is lost is dropped and a new one opened for the next call.
//
// Transactions: a method that needs one statement runs it on its own
// (PostgreSQL makes it a transaction); others run BEGIN ... COMMIT at READ
// COMMITTED, with the rows they depend on locked (SELECT ... FOR UPDATE), so
// every refusal is decided on current data. Lock order, which keeps
// deadlocks away: mailbox rows (ascending id when there are several), then
// the totals rows. A deadlock or serialization failure the database still
// reports is retried (a few times) on a fresh transaction.
// Durability: PostgreSQL's COMMIT returns after the WAL is flushed (fsync=on,
// synchronous_commit on: checked when the store opens); concurrent commits
// from the pool's connections share WAL flushes (PostgreSQL's own group
// commit).
//
// Other relays' appends (WatchAppends): after an append commits, a notifier
// thread sends a NOTIFY on the channel bc_append with the mailbox id and this
// store's random instance id (so a store skips its own); the appends that
// commit while it sends are notified together in its next transaction. Not
// inside the append's transaction: PostgreSQL serializes the commits of
// notifying transactions, fsync included. If this process dies between an
// append's commit and its notification, the other relays find the message
// when their WebSockets rescan (docs/relay.md). A dedicated connection LISTENs on a
// thread of its own (poll on the libpq socket: no polling of tables); when
// that connection is lost it reconnects every options.listen_retry_ms and,
// once listening again, reports std::nullopt: notifications sent meanwhile
// are lost, so the caller rescans what is pending.
//
// Thread safety: every public method may be called from any thread.
#ifndef BACKCHANNEL_SRC_RELAY_STORE_PG_STORE_H_
#define BACKCHANNEL_SRC_RELAY_STORE_PG_STORE_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backchannel/relay/store.h"
#include "relay/store/pg_connection.h"

namespace backchannel::relay {

class PgStore final : public Store {
 public:
  static Result<std::unique_ptr<PgStore>> Open(const std::string& conninfo,
                                               const PostgresStoreOptions& options);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;
  PgStore(PgStore&&) = delete;
  PgStore& operator=(PgStore&&) = delete;

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
  void WatchAppends(AppendWatcher watcher) override;

 private:
  using Body = std::function<Status(pg::Connection&)>;

  PgStore(std::string conninfo, const PostgresStoreOptions& options,
          std::unique_ptr<pg::Connection> first);

  // Runs `body` on a pooled connection outside any explicit transaction
  // (one statement: its own transaction); retried, like Transaction, when
  // PostgreSQL aborted it on a deadlock or serialization failure.
  Status Single(const Body& body);
  // Runs `body` in BEGIN ... COMMIT; retried on deadlock or serialization
  // failure.
  Status Transaction(const Body& body);

  Result<std::unique_ptr<pg::Connection>> Acquire();
  void Release(std::unique_ptr<pg::Connection> connection);

  // The notifier thread's body: sends the notifications of committed
  // appends (to_notify_) until notify_stop_ is set and all are sent.
  void NotifyLoop();

  // The LISTEN thread's body; returns when stop_ is set.
  void ListenLoop();
  // Listens on one connection until it is lost (false) or stop_ is set
  // (true).
  bool ListenOn(pg::Connection& connection);
  void StopWatching();

  const std::string conninfo_;
  const PostgresStoreOptions options_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<pg::Connection>> idle_;  // guarded by pool_mu_
  int open_ = 0;                                       // guarded by pool_mu_

  // Tells this store's notifications from other processes' (hex, random).
  std::string instance_;
  AppendWatcher watcher_;                 // set before listener_ starts, read by it
  std::thread listener_;                  // runs ListenLoop while watching
  std::array<int, 2> stop_pipe_{-1, -1};  // written to wake the listener to stop
  std::atomic<bool> stop_{false};

  std::mutex notify_mu_;
  std::condition_variable notify_cv_;
  std::set<MailboxId> to_notify_;  // guarded by notify_mu_: appended, not yet notified
  bool notify_stop_ = false;       // guarded by notify_mu_
  std::thread notifier_;           // runs NotifyLoop from construction to destruction
};

// What the server's settings mean for durability: the names of the settings
// that make a commit not durable ("fsync=off", ...), empty when none.
// Exposed for tests.
Result<std::vector<std::string>> UnsafeDurabilitySettings(pg::Connection& connection);

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_SRC_RELAY_STORE_PG_STORE_H_
