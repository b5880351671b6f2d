#include "relay/store/sqlite_store.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <utility>

#include "relay/store/sqlite_schema.h"

namespace backchannel::relay {
namespace {

using sqlite::Connection;
using sqlite::Statement;

constexpr char kMemoryPath[] = ":memory:";

std::int64_t ClampToInt64(std::size_t n) {
  return n > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
             ? std::numeric_limits<std::int64_t>::max()
             : static_cast<std::int64_t>(n);
}

// A stored column as the fixed-size value it holds (fixed_bytes.h).
template <typename Fixed>
bool ToArray(const Bytes& bytes, Fixed& out) {
  auto value = Fixed::FromView(bytes);
  if (!value) return false;
  out = *value;
  return true;
}

Status NoMailbox() { return NotFound("no such mailbox"); }

// kNotFound unless the mailbox exists.
Status CheckMailbox(Connection& c, const MailboxId& id) {
  Statement stmt = c.Prepare("SELECT 1 FROM mailboxes WHERE id = ?1");
  stmt.BindBlob(1, id);
  BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? Status::Ok() : NoMailbox();
}

// One append inside an open write transaction (its savepoint, when it shares
// a group commit, is rolled back on any error).
Status AppendOne(Connection& c, const MailboxId& id, const StoredMessage& message,
                 const QueueLimits& limits) {
  const auto size = static_cast<std::int64_t>(message.envelope.size());
  {
    Statement stmt = c.Prepare(
        "SELECT m.queued, m.queued_bytes, t.queued_bytes FROM mailboxes AS m, totals AS t "
        "WHERE m.id = ?1");
    stmt.BindBlob(1, id);
    BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NoMailbox();
    if (stmt.ColumnInt64(0) >= ClampToInt64(limits.max_messages) ||
        stmt.ColumnInt64(1) + size > ClampToInt64(limits.max_mailbox_bytes)) {
      return {StatusCode::kResourceExhausted, "mailbox full"};
    }
    if (stmt.ColumnInt64(2) + size > ClampToInt64(limits.max_total_bytes)) {
      return {StatusCode::kUnavailable, "relay storage full"};
    }
  }
  Statement stmt = c.Prepare(
      "INSERT INTO messages (mailbox_id, message_id, received_ms, "
      "envelope) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (mailbox_id, message_id) DO NOTHING");
  stmt.BindBlob(1, id);
  stmt.BindBlob(2, message.id);
  stmt.Bind(3, message.received_ms);
  stmt.BindBlob(4, message.envelope);
  BC_RETURN_IF_ERROR(stmt.Run());
  if (c.Changes() == 0) return {StatusCode::kAlreadyExists, "message id exists in mailbox"};
  return Status::Ok();
}

constexpr std::size_t kMaxBatch = 256;

// Runs a statement from the connection's cache of prepared statements
// (parsed once): transaction control runs several times per write (BEGIN,
// SAVEPOINT, RELEASE, COMMIT), and sqlite3_exec would parse it every time.
// `sql` must have static storage duration (Connection::Prepare).
Status RunCached(Connection& c, const char* sql) {
  Statement stmt = c.Prepare(sql);
  return stmt.Run();
}

}  // namespace

Result<std::unique_ptr<sqlite::Connection>> OpenConfiguredConnection(const std::string& path,
                                                                     bool writer,
                                                                     int busy_timeout_ms) {
  BC_ASSIGN_OR_RETURN(auto c, Connection::Open(path, writer, busy_timeout_ms));
  // The first statement reads the file header: a file that is not a
  // database fails here ("file is not a database").
  BC_ASSIGN_OR_RETURN(std::string mode, c->QueryText("PRAGMA journal_mode = WAL"));
  if (path != kMemoryPath && mode != "wal") {
    return IoError("open " + path + ": cannot enable WAL (journal_mode is " + mode + ")");
  }
  BC_RETURN_IF_ERROR(
      c->Exec("PRAGMA synchronous = FULL;"
              "PRAGMA foreign_keys = ON;"
              "PRAGMA secure_delete = ON;"
              "PRAGMA trusted_schema = OFF;"));
  if (!writer) BC_RETURN_IF_ERROR(c->Exec("PRAGMA query_only = ON"));
  // Durable means durable: read the setting back (a build of SQLite or a
  // compile-time option could override it) and refuse to run without it.
  // 2 is FULL, 3 EXTRA (sqlite.org/pragma.html#pragma_synchronous).
  BC_ASSIGN_OR_RETURN(std::int64_t sync, c->QueryInt64("PRAGMA synchronous"));
  if (sync < 2) {
    return IoError("open " + path + ": synchronous is " + std::to_string(sync) +
                   ", not FULL: commits would not be durable");
  }
  return c;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const SqliteStoreOptions& options) {
  auto writer = OpenConfiguredConnection(path, /*writer=*/true, options.busy_timeout_ms);
  if (!writer.ok()) return writer.error().WithContext("relay store " + path);
  if (options.max_page_count > 0) {
    const std::string pragma = "PRAGMA max_page_count = " + std::to_string(options.max_page_count);
    auto set = (*writer)->QueryInt64(pragma.c_str());
    if (!set.ok()) return set.error().WithContext("relay store " + path);
  }
  Status s = sqlite::MigrateSchema(**writer);
  if (!s.ok()) return s.WithContext("relay store " + path);
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, options, std::move(*writer)));
}

SqliteStore::SqliteStore(std::string path, const SqliteStoreOptions& options,
                         std::unique_ptr<sqlite::Connection> writer)
    : path_(std::move(path)),
      options_(options),
      in_memory_(path_ == kMemoryPath || path_.empty()),
      writer_(std::move(writer)) {}

Status SqliteStore::WriteAlone(const Body& body) {
  std::lock_guard lock(writer_mu_);
  Connection& c = *writer_;
  BC_RETURN_IF_ERROR(RunCached(c, "BEGIN IMMEDIATE"));
  Status s = body(c);
  if (s.ok()) s = RunCached(c, "COMMIT");
  // A failed COMMIT may leave the transaction open (e.g. busy) or may have
  // rolled it back already; either way nothing of it stays.
  if (!s.ok() && c.InTransaction()) (void)c.Exec("ROLLBACK");
  return s;
}

Status SqliteStore::Write(const Body& body) {
  if (!options_.group_commit) return WriteAlone(body);
  PendingWrite me{&body, Status::Ok(), false, false, {}};
  std::unique_lock lock(write_queue_mu_);
  write_queue_.push_back(&me);
  if (write_leader_) {
    // Woken once: when a leader has committed this entry, or hands
    // leadership to it. Each waiter has its own condition variable, so a
    // commit wakes the writers it covers and no others (a shared one woke
    // every waiting store thread after every commit).
    me.wake.wait(lock, [&] { return me.done || me.lead; });
    if (me.done) return me.result;
  }
  // Leader: commit what has queued up (at most kMaxBatch at a time) until
  // this call's own entry is durable, then hand leadership to the oldest
  // waiting writer, if any.
  write_leader_ = true;
  while (!me.done) {
    const std::size_t n = std::min(write_queue_.size(), kMaxBatch);
    std::vector<PendingWrite*> batch(write_queue_.begin(),
                                     write_queue_.begin() + static_cast<std::ptrdiff_t>(n));
    write_queue_.erase(write_queue_.begin(), write_queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    CommitBatch(batch);
    lock.lock();
    // Notified with the lock held: a waiter returns (and its entry, on its
    // stack, goes away) only after this loop has released the lock.
    for (PendingWrite* p : batch) {
      p->done = true;
      if (p != &me) p->wake.notify_one();
    }
  }
  if (write_queue_.empty()) {
    write_leader_ = false;
  } else {
    write_queue_.front()->lead = true;
    write_queue_.front()->wake.notify_one();
  }
  return me.result;
}

void SqliteStore::CommitBatch(const std::vector<PendingWrite*>& batch) {
  if (batch.size() == 1) {
    batch[0]->result = WriteAlone(*batch[0]->body);
    return;
  }
  std::lock_guard lock(writer_mu_);
  Connection& c = *writer_;
  if (Status s = RunCached(c, "BEGIN IMMEDIATE"); !s.ok()) {
    for (PendingWrite* p : batch) p->result = s;
    return;
  }
  // Each body in a savepoint (sqlite.org/lang_savepoint.html): ROLLBACK TO
  // undoes that body alone and keeps the transaction open for the others.
  Status fatal = Status::Ok();
  for (PendingWrite* p : batch) {
    if (!fatal.ok()) {
      p->result = fatal;  // never ran: changed nothing
      continue;
    }
    fatal = RunCached(c, "SAVEPOINT w");
    if (!fatal.ok()) {
      p->result = fatal;
      continue;
    }
    p->result = (*p->body)(c);
    if (!p->result.ok()) {
      // Some errors (disk full, I/O) roll the whole transaction back
      // (sqlite.org/lang_transaction.html, "Response To Errors Within A
      // Transaction"): then the bodies before this one are lost too.
      if (!c.InTransaction()) {
        fatal = p->result;
        continue;
      }
      fatal = RunCached(c, "ROLLBACK TO w");
    }
    if (fatal.ok()) fatal = RunCached(c, "RELEASE w");
  }
  if (fatal.ok()) fatal = RunCached(c, "COMMIT");
  if (fatal.ok()) return;
  if (c.InTransaction()) (void)c.Exec("ROLLBACK");
  // Nothing of the batch is stored: every body that had succeeded fails with
  // the error that undid it (a refusal stays a refusal: it changed nothing).
  for (PendingWrite* p : batch) {
    if (p->result.ok()) p->result = fatal;
  }
}

Status SqliteStore::Read(const Body& body) {
  if (in_memory_ || options_.reader_connections <= 0) {
    std::lock_guard lock(writer_mu_);
    Connection& c = *writer_;
    BC_RETURN_IF_ERROR(RunCached(c, "BEGIN"));
    Status s = body(c);
    if (s.ok()) s = RunCached(c, "COMMIT");
    if (!s.ok() && c.InTransaction()) (void)c.Exec("ROLLBACK");
    return s;
  }
  BC_ASSIGN_OR_RETURN(auto reader, AcquireReader());
  Status s = RunCached(*reader, "BEGIN");
  if (s.ok()) {
    s = body(*reader);
    if (s.ok()) s = RunCached(*reader, "COMMIT");
  }
  if (reader->InTransaction()) (void)reader->Exec("ROLLBACK");
  ReleaseReader(std::move(reader));
  return s;
}

Result<std::unique_ptr<sqlite::Connection>> SqliteStore::AcquireReader() {
  {
    std::unique_lock lock(readers_mu_);
    readers_cv_.wait(lock, [this] {
      return !idle_readers_.empty() || open_readers_ < options_.reader_connections;
    });
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
    ++open_readers_;  // reserve a slot, open outside the lock
  }
  auto reader = OpenConfiguredConnection(path_, /*writer=*/false, options_.busy_timeout_ms);
  if (!reader.ok()) {
    {
      std::lock_guard lock(readers_mu_);
      --open_readers_;
    }
    readers_cv_.notify_one();
    return reader.error().WithContext("relay store reader");
  }
  return std::move(*reader);
}

void SqliteStore::ReleaseReader(std::unique_ptr<sqlite::Connection> reader) {
  {
    std::lock_guard lock(readers_mu_);
    idle_readers_.push_back(std::move(reader));
  }
  readers_cv_.notify_one();
}

Status SqliteStore::CreateMailbox(const MailboxRecord& mailbox) {
  return Write([&](Connection& c) -> Status {
    Statement stmt = c.Prepare(
        "INSERT INTO mailboxes (id, auth_key, token_hash, created_ms, "
        "seen_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (id) DO NOTHING");
    stmt.BindBlob(1, mailbox.id);
    stmt.BindBlob(2, mailbox.auth_key);
    stmt.BindBlob(3, mailbox.delivery_token_hash);
    stmt.Bind(4, mailbox.created_ms);
    stmt.Bind(5, mailbox.seen_ms);
    BC_RETURN_IF_ERROR(stmt.Run());
    if (c.Changes() == 0) return {StatusCode::kAlreadyExists, "mailbox exists"};
    return Status::Ok();
  });
}

Result<MailboxRecord> SqliteStore::GetMailbox(const MailboxId& id) {
  MailboxRecord out;
  Status s = Read([&](Connection& c) -> Status {
    Statement stmt = c.Prepare(
        "SELECT auth_key, token_hash, created_ms, seen_ms "
        "FROM mailboxes WHERE id = ?1");
    stmt.BindBlob(1, id);
    BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NoMailbox();
    out.id = id;
    if (!ToArray(stmt.ColumnBlob(0), out.auth_key) ||
        !ToArray(stmt.ColumnBlob(1), out.delivery_token_hash)) {
      return Corrupt("mailbox row has a malformed key");
    }
    out.created_ms = stmt.ColumnInt64(2);
    out.seen_ms = stmt.ColumnInt64(3);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::DeleteMailbox(const MailboxId& id) {
  return Write([&](Connection& c) -> Status {
    // Foreign keys cascade to prekeys, messages (their triggers keep the
    // byte totals) and nonces.
    Statement stmt = c.Prepare("DELETE FROM mailboxes WHERE id = ?1");
    stmt.BindBlob(1, id);
    BC_RETURN_IF_ERROR(stmt.Run());
    return c.Changes() == 0 ? NoMailbox() : Status::Ok();
  });
}

Status SqliteStore::TouchMailbox(const MailboxId& id, std::int64_t seen_ms) {
  return Write([&](Connection& c) -> Status {
    Statement stmt = c.Prepare("UPDATE mailboxes SET seen_ms = ?2 WHERE id = ?1");
    stmt.BindBlob(1, id);
    stmt.Bind(2, seen_ms);
    BC_RETURN_IF_ERROR(stmt.Run());
    return c.Changes() == 0 ? NoMailbox() : Status::Ok();
  });
}

Result<IdleDeletion> SqliteStore::DeleteIdleMailboxes(std::int64_t cutoff_ms) {
  IdleDeletion out;
  Status s = Write([&](Connection& c) -> Status {
    {
      Statement stmt = c.Prepare(
          "SELECT count(*), coalesce(sum(queued), 0) FROM mailboxes "
          "WHERE seen_ms < ?1");
      stmt.Bind(1, cutoff_ms);
      BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (row) {
        out.mailboxes = static_cast<std::size_t>(stmt.ColumnInt64(0));
        out.messages = static_cast<std::size_t>(stmt.ColumnInt64(1));
      }
    }
    if (out.mailboxes == 0) return Status::Ok();
    Statement stmt = c.Prepare("DELETE FROM mailboxes WHERE seen_ms < ?1");
    stmt.Bind(1, cutoff_ms);
    return stmt.Run();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::SetDeliveryToken(const MailboxId& id, const TokenHash& hash) {
  return Write([&](Connection& c) -> Status {
    Statement stmt = c.Prepare("UPDATE mailboxes SET token_hash = ?2 WHERE id = ?1");
    stmt.BindBlob(1, id);
    stmt.BindBlob(2, hash);
    BC_RETURN_IF_ERROR(stmt.Run());
    return c.Changes() == 0 ? NoMailbox() : Status::Ok();
  });
}

Status SqliteStore::PutPreKeys(const MailboxId& id, ByteView bundle_base,
                               const std::vector<OneTimePreKeyRecord>& one_time,
                               bool replace_one_time) {
  return Write([&](Connection& c) -> Status {
    {
      Statement stmt = c.Prepare("UPDATE mailboxes SET bundle_base = ?2 WHERE id = ?1");
      stmt.BindBlob(1, id);
      stmt.BindBlob(2, bundle_base);
      BC_RETURN_IF_ERROR(stmt.Run());
      if (c.Changes() == 0) return NoMailbox();
    }
    if (replace_one_time) {
      Statement stmt = c.Prepare("DELETE FROM one_time_prekeys WHERE mailbox_id = ?1");
      stmt.BindBlob(1, id);
      BC_RETURN_IF_ERROR(stmt.Run());
    }
    for (const OneTimePreKeyRecord& key : one_time) {
      Statement stmt = c.Prepare(
          "INSERT INTO one_time_prekeys (mailbox_id, key_id, key) "
          "VALUES (?1, ?2, ?3) "
          "ON CONFLICT (mailbox_id, key_id) DO UPDATE SET key = ?3");
      stmt.BindBlob(1, id);
      stmt.Bind(2, key.id);
      stmt.BindBlob(3, key.key);
      BC_RETURN_IF_ERROR(stmt.Run());
    }
    return Status::Ok();
  });
}

Result<Bytes> SqliteStore::GetBundleBase(const MailboxId& id) {
  Bytes out;
  Status s = Read([&](Connection& c) -> Status {
    Statement stmt = c.Prepare("SELECT bundle_base FROM mailboxes WHERE id = ?1");
    stmt.BindBlob(1, id);
    BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NoMailbox();
    if (stmt.ColumnIsNull(0)) return NotFound("no prekey bundle uploaded");
    out = stmt.ColumnBlob(0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::optional<OneTimePreKeyRecord>> SqliteStore::TakeOneTimePreKey(const MailboxId& id) {
  std::optional<OneTimePreKeyRecord> out;
  Status s = Write([&](Connection& c) -> Status {
    BC_RETURN_IF_ERROR(CheckMailbox(c, id));
    // One statement picks and removes the key, inside a write transaction:
    // no two callers can get the same row.
    Statement stmt = c.Prepare(
        "DELETE FROM one_time_prekeys WHERE mailbox_id = ?1 AND key_id = "
        "(SELECT min(key_id) FROM one_time_prekeys WHERE mailbox_id = ?1) "
        "RETURNING key_id, key");
    stmt.BindBlob(1, id);
    BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) {
      out =
          OneTimePreKeyRecord{static_cast<std::uint32_t>(stmt.ColumnInt64(0)), stmt.ColumnBlob(1)};
    }
    return stmt.Run();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::size_t> SqliteStore::CountOneTimePreKeys(const MailboxId& id) {
  std::size_t out = 0;
  Status s = Read([&](Connection& c) -> Status {
    BC_RETURN_IF_ERROR(CheckMailbox(c, id));
    Statement stmt = c.Prepare("SELECT count(*) FROM one_time_prekeys WHERE mailbox_id = ?1");
    stmt.BindBlob(1, id);
    BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) out = static_cast<std::size_t>(stmt.ColumnInt64(0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::AppendMessage(const MailboxId& id, const StoredMessage& message,
                                  const QueueLimits& limits) {
  return Write([&](Connection& c) { return AppendOne(c, id, message, limits); });
}

Result<std::vector<StoredMessage>> SqliteStore::ListMessages(const MailboxId& id,
                                                             std::size_t limit) {
  std::vector<StoredMessage> out;
  Status s = Read([&](Connection& c) -> Status {
    out.clear();
    BC_RETURN_IF_ERROR(CheckMailbox(c, id));
    if (limit == 0) return Status::Ok();
    Statement stmt = c.Prepare(
        "SELECT message_id, received_ms, envelope FROM messages "
        "WHERE mailbox_id = ?1 ORDER BY seq LIMIT ?2");
    stmt.BindBlob(1, id);
    stmt.Bind(2, ClampToInt64(limit));
    for (;;) {
      BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      StoredMessage m;
      if (!ToArray(stmt.ColumnBlob(0), m.id)) return Corrupt("message row has a malformed id");
      m.received_ms = stmt.ColumnInt64(1);
      m.envelope = stmt.ColumnBlob(2);
      out.push_back(std::move(m));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::DeleteMessage(const MailboxId& id, const MessageId& message) {
  return Write([&](Connection& c) -> Status {
    BC_RETURN_IF_ERROR(CheckMailbox(c, id));
    Statement stmt = c.Prepare("DELETE FROM messages WHERE mailbox_id = ?1 AND message_id = ?2");
    stmt.BindBlob(1, id);
    stmt.BindBlob(2, message);
    BC_RETURN_IF_ERROR(stmt.Run());
    return c.Changes() == 0 ? NotFound("no such message") : Status::Ok();
  });
}

Result<std::size_t> SqliteStore::CountMessages(const MailboxId& id) {
  std::size_t out = 0;
  Status s = Read([&](Connection& c) -> Status {
    Statement stmt = c.Prepare("SELECT queued FROM mailboxes WHERE id = ?1");
    stmt.BindBlob(1, id);
    BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NoMailbox();
    out = static_cast<std::size_t>(stmt.ColumnInt64(0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::size_t> SqliteStore::CountAllMessages() {
  std::size_t out = 0;
  Status s = Read([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(std::int64_t n, c.QueryInt64("SELECT count(*) FROM messages"));
    out = static_cast<std::size_t>(n);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::size_t> SqliteStore::ExpireMessages(std::int64_t cutoff_ms) {
  std::size_t out = 0;
  Status s = Write([&](Connection& c) -> Status {
    Statement stmt = c.Prepare("DELETE FROM messages WHERE received_ms < ?1");
    stmt.Bind(1, cutoff_ms);
    BC_RETURN_IF_ERROR(stmt.Run());
    out = static_cast<std::size_t>(c.Changes());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::RecordNonce(const MailboxId& id, ByteView nonce, std::int64_t now_ms,
                                std::int64_t forget_before_ms) {
  if (nonce.empty()) return InvalidArgument("empty nonce");
  return Write([&](Connection& c) -> Status {
    BC_RETURN_IF_ERROR(CheckMailbox(c, id));
    {
      Statement stmt = c.Prepare("DELETE FROM nonces WHERE seen_ms < ?1");
      stmt.Bind(1, forget_before_ms);
      BC_RETURN_IF_ERROR(stmt.Run());
    }
    Statement stmt = c.Prepare(
        "INSERT INTO nonces (mailbox_id, nonce, seen_ms) "
        "VALUES (?1, ?2, ?3) ON CONFLICT (mailbox_id, nonce) DO NOTHING");
    stmt.BindBlob(1, id);
    stmt.BindBlob(2, nonce);
    stmt.Bind(3, now_ms);
    BC_RETURN_IF_ERROR(stmt.Run());
    if (c.Changes() == 0) return {StatusCode::kAlreadyExists, "nonce replayed"};
    return Status::Ok();
  });
}

Status SqliteStore::Compact() {
  if (in_memory_) return Status::Ok();
  std::lock_guard<std::mutex> lock(writer_mu_);
  // TRUNCATE: copies the WAL into the database and empties the log file, so
  // acknowledged envelopes do not linger in it. SQLITE_BUSY (a reader holds
  // an old snapshot) leaves the log for the next call; only errors count.
  auto r = writer_->QueryText("PRAGMA wal_checkpoint(TRUNCATE)");
  return r.ok() ? Status::Ok() : r.error();
}

Status SqliteStore::Ping() {
  return Read(
      [](Connection& c) { return c.QueryInt64("SELECT count(*) FROM schema_version").status(); });
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteStoreOptions& options) {
  BC_ASSIGN_OR_RETURN(auto store, SqliteStore::Open(path, options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace backchannel::relay
