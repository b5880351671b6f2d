#include "relay/store/pg_store.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/primitives.h"
#include "relay/store/pg_schema.h"

namespace backchannel::relay {
namespace {

using pg::Connection;
using pg::Param;
using pg::Rows;

std::int64_t ClampToInt64(std::uint64_t n) {
  return n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
             ? std::numeric_limits<std::int64_t>::max()
             : static_cast<std::int64_t>(n);
}

// A stored column as the fixed-size value it holds (fixed_bytes.h).
template <typename Fixed>
Status ToArray(const Bytes& bytes, Fixed& out) {
  auto value = Fixed::FromView(bytes);
  if (!value) return Corrupt("stored value has the wrong length");
  out = *value;
  return Status::Ok();
}

Status NoMailbox() { return NotFound("no such mailbox"); }

// kNotFound unless the mailbox exists; `lock` also locks its row until the
// transaction ends (FOR UPDATE), which is the first lock a transaction takes.
Status CheckMailbox(Connection& c, const MailboxId& id, bool lock = false) {
  BC_ASSIGN_OR_RETURN(Rows rows, c.Exec(lock ? "SELECT 1::int8 FROM mailboxes WHERE id = $1 "
                                               "FOR UPDATE"
                                             : "SELECT 1::int8 FROM mailboxes WHERE id = $1",
                                        {Param::Blob(id)}));
  return rows.size() == 1 ? Status::Ok() : NoMailbox();
}

// Tries of a transaction that PostgreSQL aborted to break a deadlock or a
// serialization conflict (retrying is what its documentation prescribes,
// "Serialization Failure Handling").
constexpr int kMaxAttempts = 5;

// Rows per INSERT when uploading prekeys: 3 parameters each, well under the
// protocol's 65,535 parameters per statement.
constexpr std::size_t kPreKeyRowsPerInsert = 500;

// How many old nonces (of any mailbox) one RecordNonce call forgets: a
// bounded amount of work per request, enough to keep up with the rate at
// which requests add them.
constexpr std::int64_t kNoncesForgottenPerCall = 64;

// For a write that need not be durable before the reply (an ack: a lost one
// is a re-delivery the client drops by id; the idle clock): its commit does
// not wait for the WAL flush (postgresql.org/docs/15/wal-async-commit.html).
// A crash may lose it, never corrupt anything or reorder it before a durable
// commit that follows it.
Status CommitWithoutWaitingForFlush(Connection& c) {
  return c.ExecScript("SET LOCAL synchronous_commit = off");
}

// The NOTIFY channel of appends; the payload is "<mailbox hex>:<instance>".
constexpr char kAppendChannel[] = "bc_append";

// The mailbox of a notification payload from another instance; nullopt for
// this instance's own or a payload not in the format above.
std::optional<MailboxId> ParseAppendPayload(std::string_view payload, std::string_view self) {
  const auto colon = payload.find(':');
  if (colon != 2 * MailboxId::kSize || payload.substr(colon + 1) == self) {
    return std::nullopt;
  }
  auto id = FromHexFixed<MailboxId>(payload.substr(0, colon));
  if (!id.ok()) return std::nullopt;
  return *id;
}

}  // namespace

Result<std::vector<std::string>> UnsafeDurabilitySettings(pg::Connection& connection) {
  BC_ASSIGN_OR_RETURN(Rows rows,
                      connection.Exec("SELECT convert_to(current_setting('fsync'), 'UTF8'), "
                                      "convert_to(current_setting('synchronous_commit'), 'UTF8'), "
                                      "convert_to(current_setting('full_page_writes'), 'UTF8')"));
  if (rows.size() != 1) return IoError("SHOW settings returned no row");
  std::vector<std::string> unsafe;
  const char* names[] = {"fsync", "synchronous_commit", "full_page_writes"};
  for (int i = 0; i < 3; ++i) {
    BC_ASSIGN_OR_RETURN(Bytes v, rows.Blob(0, i));
    const std::string value(v.begin(), v.end());
    // synchronous_commit: on, remote_apply, remote_write and local all wait
    // for the local WAL flush; only off does not.
    if (value == "off") unsafe.push_back(std::string(names[i]) + "=off");
  }
  return unsafe;
}

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& conninfo,
                                               const PostgresStoreOptions& options) {
  if (options.connections < 1) return InvalidArgument("PostgreSQL store needs a connection");
  BC_ASSIGN_OR_RETURN(auto first, Connection::Open(conninfo));
  BC_ASSIGN_OR_RETURN(auto unsafe, UnsafeDurabilitySettings(*first));
  if (!unsafe.empty() && !options.allow_unsafe_durability) {
    std::string list;
    for (const auto& u : unsafe) list += (list.empty() ? "" : ", ") + u;
    return FailedPrecondition("PostgreSQL commits are not durable (" + list +
                              "): set them on in postgresql.conf, or allow it explicitly");
  }
  BC_RETURN_IF_ERROR(pg::MigrateSchema(*first).WithContext("relay store (PostgreSQL)"));
  return std::unique_ptr<PgStore>(new PgStore(conninfo, options, std::move(first)));
}

PgStore::PgStore(std::string conninfo, const PostgresStoreOptions& options,
                 std::unique_ptr<pg::Connection> first)
    : conninfo_(std::move(conninfo)), options_(options) {
  idle_.push_back(std::move(first));
  open_ = 1;
  std::array<std::uint8_t, 8> id{};
  crypto::RandomBytes(id);
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::uint8_t b : id) {
    instance_ += kHex[b >> 4];
    instance_ += kHex[b & 15];
  }
  notifier_ = std::thread([this] { NotifyLoop(); });
}

PgStore::~PgStore() {
  StopWatching();
  {
    std::lock_guard lock(notify_mu_);
    notify_stop_ = true;
  }
  notify_cv_.notify_one();
  notifier_.join();
}

void PgStore::NotifyLoop() {
  std::unique_lock lock(notify_mu_);
  for (;;) {
    notify_cv_.wait(lock, [this] { return notify_stop_ || !to_notify_.empty(); });
    if (to_notify_.empty()) return;  // stopping, and everything is sent
    std::set<MailboxId> batch;
    batch.swap(to_notify_);
    lock.unlock();
    // "<mailbox hex>:<instance>" per mailbox, comma-separated (hex digits
    // and a colon only), split by the server: one statement, so one
    // transaction for the whole batch. It writes no WAL, so its commit
    // flushes nothing and holds the notify lock only briefly.
    static constexpr char kHex[] = "0123456789abcdef";
    std::string payloads;
    for (const MailboxId& mailbox : batch) {
      if (!payloads.empty()) payloads += ',';
      for (std::uint8_t b : mailbox) {
        payloads += kHex[b >> 4];
        payloads += kHex[b & 15];
      }
      payloads += ':';
      payloads += instance_;
    }
    // A failure (the database is unreachable) loses these notifications:
    // the messages stay queued and reach the other relays' WebSockets when
    // those rescan (reconnecting clients, a re-LISTEN); docs/relay.md.
    (void)Single([&](Connection& c) -> Status {
      return c
          .Exec(
              "SELECT 1::int8 FROM (SELECT pg_notify('bc_append', p) "
              "FROM unnest(string_to_array($1::text, ',')) AS p) AS sent",
              {Param::Text(payloads)})
          .status();
    });
    lock.lock();
  }
}

void PgStore::WatchAppends(AppendWatcher watcher) {
  StopWatching();
  if (!watcher) return;
  if (pipe2(stop_pipe_.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
    // Without a way to stop it, no thread is started: appends of other
    // relays then reach WebSockets only when they reconnect.
    stop_pipe_ = {-1, -1};
    return;
  }
  stop_ = false;
  watcher_ = std::move(watcher);
  listener_ = std::thread([this] { ListenLoop(); });
}

void PgStore::StopWatching() {
  if (!listener_.joinable()) return;
  stop_ = true;
  const char byte = 1;
  (void)!write(stop_pipe_[1], &byte, 1);
  listener_.join();
  close(stop_pipe_[0]);
  close(stop_pipe_[1]);
  stop_pipe_ = {-1, -1};
  watcher_ = nullptr;
}

void PgStore::ListenLoop() {
  while (!stop_) {
    auto c = Connection::Open(conninfo_, "backchanneld-listen");
    if (c.ok() && (*c)->ExecScript("LISTEN bc_append").ok()) {
      // Listening (again): what was committed before is found by a scan.
      watcher_(std::nullopt);
      if (ListenOn(**c)) return;
    }
    // Lost or not reachable: wait, unless stopping.
    pollfd p{stop_pipe_[0], POLLIN, 0};
    (void)poll(&p, 1, options_.listen_retry_ms);
  }
}

bool PgStore::ListenOn(pg::Connection& connection) {
  for (;;) {
    std::array<pollfd, 2> fds{{{connection.socket(), POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}}};
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (stop_) return true;
    auto payloads = connection.Notifications(kAppendChannel);
    if (!payloads.ok()) return false;  // the connection is lost
    for (const std::string& payload : *payloads) {
      if (auto mailbox = ParseAppendPayload(payload, instance_)) watcher_(*mailbox);
    }
  }
}

Result<std::unique_ptr<pg::Connection>> PgStore::Acquire() {
  {
    std::unique_lock lock(pool_mu_);
    pool_cv_.wait(lock, [this] { return !idle_.empty() || open_ < options_.connections; });
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->StillAlive()) return c;
      --open_;  // ended by the server while idle: dropped, never used
    }
    ++open_;  // reserve a slot, connect outside the lock
  }
  auto c = Connection::Open(conninfo_);
  if (!c.ok()) {
    {
      std::lock_guard lock(pool_mu_);
      --open_;
    }
    pool_cv_.notify_one();
    return c.error();
  }
  return std::move(*c);
}

void PgStore::Release(std::unique_ptr<pg::Connection> connection) {
  {
    std::lock_guard lock(pool_mu_);
    // A lost connection (or one left inside a transaction) is not reused:
    // the next call opens a new one.
    if (connection->healthy() && !connection->InTransaction()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  pool_cv_.notify_one();
}

Status PgStore::Single(const Body& body) {
  for (int attempt = 1;; ++attempt) {
    BC_ASSIGN_OR_RETURN(auto c, Acquire());
    Status s = body(*c);
    const std::string state = c->sqlstate();
    Release(std::move(c));
    // A statement PostgreSQL aborted changed nothing: retried like a
    // transaction.
    const bool conflict = state == pg::kDeadlockDetected || state == pg::kSerializationFailure;
    if (s.ok() || !conflict || attempt == kMaxAttempts) return s;
  }
}

Status PgStore::Transaction(const Body& body) {
  for (int attempt = 1;; ++attempt) {
    BC_ASSIGN_OR_RETURN(auto c, Acquire());
    Status s = c->ExecScript("BEGIN");
    if (s.ok()) {
      s = body(*c);
      if (s.ok()) s = c->ExecScript("COMMIT");
    }
    const std::string state = c->sqlstate();
    if (!s.ok() && c->healthy() && c->InTransaction()) (void)c->ExecScript("ROLLBACK");
    Release(std::move(c));
    const bool conflict = state == pg::kDeadlockDetected || state == pg::kSerializationFailure;
    if (s.ok() || !conflict || attempt == kMaxAttempts) return s;
  }
}

Status PgStore::CreateMailbox(const MailboxRecord& mailbox) {
  return Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(
        Rows r, c.Exec("INSERT INTO mailboxes (id, auth_key, token_hash, created_ms, seen_ms) "
                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                       {Param::Blob(mailbox.id), Param::Blob(mailbox.auth_key),
                        Param::Blob(mailbox.delivery_token_hash), Param::Int64(mailbox.created_ms),
                        Param::Int64(mailbox.seen_ms)}));
    if (r.changed() == 0) return {StatusCode::kAlreadyExists, "mailbox exists"};
    return Status::Ok();
  });
}

Status PgStore::DeleteMailbox(const MailboxId& id) {
  return Transaction([&](Connection& c) -> Status {
    // Cascades to prekeys, messages (their trigger keeps the byte totals)
    // and nonces.
    BC_ASSIGN_OR_RETURN(Rows r, c.Exec("DELETE FROM mailboxes WHERE id = $1", {Param::Blob(id)}));
    return r.changed() == 0 ? NoMailbox() : Status::Ok();
  });
}

Status PgStore::TouchMailbox(const MailboxId& id, std::int64_t seen_ms) {
  return Transaction([&](Connection& c) -> Status {
    BC_RETURN_IF_ERROR(CommitWithoutWaitingForFlush(c));
    BC_ASSIGN_OR_RETURN(Rows r, c.Exec("UPDATE mailboxes SET seen_ms = $2 WHERE id = $1",
                                       {Param::Blob(id), Param::Int64(seen_ms)}));
    return r.changed() == 0 ? NoMailbox() : Status::Ok();
  });
}

Result<IdleDeletion> PgStore::DeleteIdleMailboxes(std::int64_t cutoff_ms) {
  IdleDeletion out;
  Status s = Transaction([&](Connection& c) -> Status {
    out = {};
    // Locks the mailboxes in id order before deleting (the lock order in
    // pg_store.h); RETURNING gives each one's message count before its
    // messages go.
    BC_ASSIGN_OR_RETURN(Rows r,
                        c.Exec("DELETE FROM mailboxes WHERE id IN (SELECT id FROM mailboxes "
                               "WHERE seen_ms < $1 ORDER BY id FOR UPDATE) RETURNING queued",
                               {Param::Int64(cutoff_ms)}));
    for (int i = 0; i < r.size(); ++i) {
      BC_ASSIGN_OR_RETURN(std::int64_t queued, r.Int64(i, 0));
      out.messages += static_cast<std::size_t>(queued);
    }
    out.mailboxes = static_cast<std::size_t>(r.size());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<MailboxRecord> PgStore::GetMailbox(const MailboxId& id) {
  MailboxRecord out;
  Status s = Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(Rows r, c.Exec("SELECT auth_key, token_hash, created_ms, seen_ms "
                                       "FROM mailboxes WHERE id = $1",
                                       {Param::Blob(id)}));
    if (r.size() == 0) return NoMailbox();
    out.id = id;
    BC_ASSIGN_OR_RETURN(Bytes auth, r.Blob(0, 0));
    BC_ASSIGN_OR_RETURN(Bytes token, r.Blob(0, 1));
    BC_RETURN_IF_ERROR(ToArray(auth, out.auth_key));
    BC_RETURN_IF_ERROR(ToArray(token, out.delivery_token_hash));
    BC_ASSIGN_OR_RETURN(out.created_ms, r.Int64(0, 2));
    BC_ASSIGN_OR_RETURN(out.seen_ms, r.Int64(0, 3));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PgStore::SetDeliveryToken(const MailboxId& id, const TokenHash& hash) {
  return Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(Rows r, c.Exec("UPDATE mailboxes SET token_hash = $2 WHERE id = $1",
                                       {Param::Blob(id), Param::Blob(hash)}));
    return r.changed() == 0 ? NoMailbox() : Status::Ok();
  });
}

Status PgStore::PutPreKeys(const MailboxId& id, ByteView bundle_base,
                           const std::vector<OneTimePreKeyRecord>& one_time,
                           bool replace_one_time) {
  // The last record with an id wins (one INSERT ... ON CONFLICT may not
  // touch a row twice, so duplicates go here).
  std::map<std::uint32_t, const Bytes*> keys;
  for (const auto& k : one_time) keys[k.id] = &k.key;
  return Transaction([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(Rows r, c.Exec("UPDATE mailboxes SET bundle_base = $2 WHERE id = $1",
                                       {Param::Blob(id), Param::Blob(bundle_base)}));
    if (r.changed() == 0) return NoMailbox();
    if (replace_one_time) {
      BC_RETURN_IF_ERROR(
          c.Exec("DELETE FROM one_time_prekeys WHERE mailbox_id = $1", {Param::Blob(id)}).status());
    }
    auto it = keys.begin();
    while (it != keys.end()) {
      std::string sql = "INSERT INTO one_time_prekeys (mailbox_id, key_id, key) VALUES ";
      std::vector<Param> params{Param::Blob(id)};
      for (std::size_t n = 0; n < kPreKeyRowsPerInsert && it != keys.end(); ++n, ++it) {
        if (n > 0) sql += ", ";
        sql += "($1, $" + std::to_string(params.size() + 1) + ", $" +
               std::to_string(params.size() + 2) + ")";
        params.push_back(Param::Int64(it->first));
        params.push_back(Param::Blob(*it->second));
      }
      sql += " ON CONFLICT (mailbox_id, key_id) DO UPDATE SET key = EXCLUDED.key";
      BC_RETURN_IF_ERROR(c.Exec(sql, params).status());
    }
    return Status::Ok();
  });
}

Result<Bytes> PgStore::GetBundleBase(const MailboxId& id) {
  Bytes out;
  Status s = Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(
        Rows r, c.Exec("SELECT bundle_base FROM mailboxes WHERE id = $1", {Param::Blob(id)}));
    if (r.size() == 0) return NoMailbox();
    if (r.IsNull(0, 0)) return NotFound("no prekey bundle uploaded");
    BC_ASSIGN_OR_RETURN(out, r.Blob(0, 0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::optional<OneTimePreKeyRecord>> PgStore::TakeOneTimePreKey(const MailboxId& id) {
  std::optional<OneTimePreKeyRecord> out;
  Status s = Transaction([&](Connection& c) -> Status {
    out.reset();
    BC_RETURN_IF_ERROR(CheckMailbox(c, id));
    // The lowest key no other transaction holds, locked and deleted in one
    // statement: a concurrent caller (in this relay or another) skips it
    // and takes the next, so each key is handed out once. If the holder
    // rolls back, the key stays for a later call.
    BC_ASSIGN_OR_RETURN(
        Rows r, c.Exec("DELETE FROM one_time_prekeys WHERE mailbox_id = $1 AND key_id = "
                       "(SELECT key_id FROM one_time_prekeys WHERE mailbox_id = $1 "
                       "ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING key_id, key",
                       {Param::Blob(id)}));
    if (r.size() == 0) return Status::Ok();
    OneTimePreKeyRecord k;
    BC_ASSIGN_OR_RETURN(std::int64_t key_id, r.Int64(0, 0));
    if (key_id < 0 || key_id > std::numeric_limits<std::uint32_t>::max()) {
      return Corrupt("prekey id out of range");
    }
    k.id = static_cast<std::uint32_t>(key_id);
    BC_ASSIGN_OR_RETURN(k.key, r.Blob(0, 1));
    out = std::move(k);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::size_t> PgStore::CountOneTimePreKeys(const MailboxId& id) {
  std::size_t out = 0;
  Status s = Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(
        Rows r, c.Exec("SELECT (SELECT count(*) FROM one_time_prekeys WHERE mailbox_id = $1) "
                       "FROM mailboxes WHERE id = $1",
                       {Param::Blob(id)}));
    if (r.size() == 0) return NoMailbox();
    BC_ASSIGN_OR_RETURN(std::int64_t n, r.Int64(0, 0));
    out = static_cast<std::size_t>(n);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PgStore::AppendMessage(const MailboxId& id, const StoredMessage& message,
                              const QueueLimits& limits) {
  const auto size = static_cast<std::int64_t>(message.envelope.size());
  const std::int64_t max_messages = ClampToInt64(limits.max_messages);
  const std::int64_t max_mailbox_bytes = ClampToInt64(limits.max_mailbox_bytes);
  const std::int64_t max_total_bytes = ClampToInt64(limits.max_total_bytes);
  std::int64_t queued = 0;
  std::int64_t queued_bytes = 0;
  std::int64_t total = 0;
  std::int64_t added = 0;
  // One statement, so one round trip and its own transaction (committed,
  // WAL flushed, before the reply): the checks, the insert and its
  // notification.
  // - box: the mailbox row, locked until the commit, so appends to one
  //   mailbox (from any relay) check its limits one after the other,
  //   exactly (FOR UPDATE at READ COMMITTED waits for a concurrent holder
  //   and then reads the row's latest version).
  // - total: the store-wide total is read, not locked (its 16 rows would
  //   otherwise serialize every append of every relay): concurrent appends
  //   to other mailboxes may each pass the check, so the total can overshoot
  //   by at most (appends in flight) x (largest envelope); docs/relay.md.
  // - added: inserts only when every limit holds; ON CONFLICT: an id taken
  //   inserts nothing.
  // The trigger on messages updates the counters after the statement.
  // Other relays hear of the message from the notifier (NotifyLoop), after
  // this commit: a NOTIFY inside this transaction would make its commit,
  // WAL flush included, wait for a lock every notifying transaction of the
  // database takes at commit (PostgreSQL serializes them to queue
  // notifications in commit order: src/backend/commands/async.c,
  // PreCommit_Notify), i.e. one durable post at a time.
  Status s = Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(
        Rows r,
        c.Exec("WITH box AS (SELECT queued, queued_bytes FROM mailboxes WHERE id = $1 FOR UPDATE), "
               "total AS (SELECT coalesce(sum(queued_bytes), 0)::int8 AS bytes FROM totals), "
               "added AS (INSERT INTO messages (mailbox_id, message_id, received_ms, envelope) "
               "SELECT $1, $2, $3, $4 FROM box, total WHERE box.queued < $5 "
               "AND box.queued_bytes + $6 <= $7 AND total.bytes + $6 <= $8 "
               "ON CONFLICT (mailbox_id, message_id) DO NOTHING RETURNING 1) "
               "SELECT box.queued, box.queued_bytes, total.bytes, "
               "(SELECT count(*) FROM added)::int8 FROM box, total",
               {Param::Blob(id), Param::Blob(message.id), Param::Int64(message.received_ms),
                Param::Blob(message.envelope), Param::Int64(max_messages), Param::Int64(size),
                Param::Int64(max_mailbox_bytes), Param::Int64(max_total_bytes)}));
    if (r.size() == 0) return NoMailbox();
    BC_ASSIGN_OR_RETURN(queued, r.Int64(0, 0));
    BC_ASSIGN_OR_RETURN(queued_bytes, r.Int64(0, 1));
    BC_ASSIGN_OR_RETURN(total, r.Int64(0, 2));
    BC_ASSIGN_OR_RETURN(added, r.Int64(0, 3));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (added == 1) {
    {
      std::lock_guard lock(notify_mu_);
      to_notify_.insert(id);
    }
    notify_cv_.notify_one();
    return Status::Ok();
  }
  // Nothing was inserted: the same checks as the statement's say why.
  if (queued >= max_messages || queued_bytes + size > max_mailbox_bytes) {
    return {StatusCode::kResourceExhausted, "mailbox full"};
  }
  if (total + size > max_total_bytes) return {StatusCode::kUnavailable, "relay storage full"};
  return {StatusCode::kAlreadyExists, "message id exists in mailbox"};
}

Result<std::vector<StoredMessage>> PgStore::ListMessages(const MailboxId& id, std::size_t limit) {
  std::vector<StoredMessage> out;
  Status s = Single([&](Connection& c) -> Status {
    out.clear();
    // One statement: no row when the mailbox does not exist, one row of
    // NULLs when it is empty.
    BC_ASSIGN_OR_RETURN(
        Rows r, c.Exec("SELECT m.message_id, m.received_ms, m.envelope FROM mailboxes AS b "
                       "LEFT JOIN LATERAL (SELECT message_id, received_ms, envelope, seq "
                       "FROM messages WHERE mailbox_id = b.id ORDER BY seq LIMIT $2) AS m ON true "
                       "WHERE b.id = $1 ORDER BY m.seq",
                       {Param::Blob(id), Param::Int64(ClampToInt64(limit))}));
    if (r.size() == 0) return NoMailbox();
    for (int i = 0; i < r.size(); ++i) {
      if (r.IsNull(i, 0)) continue;
      StoredMessage m;
      BC_ASSIGN_OR_RETURN(Bytes mid, r.Blob(i, 0));
      BC_RETURN_IF_ERROR(ToArray(mid, m.id));
      BC_ASSIGN_OR_RETURN(m.received_ms, r.Int64(i, 1));
      BC_ASSIGN_OR_RETURN(m.envelope, r.Blob(i, 2));
      out.push_back(std::move(m));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PgStore::DeleteMessage(const MailboxId& id, const MessageId& message) {
  std::int64_t boxes = 0;
  std::int64_t deleted = 0;
  // One statement (one round trip, its own transaction):
  // - async: set_config(..., true) is SET LOCAL for this statement's
  //   transaction: its commit does not wait for the WAL flush (an ack need
  //   not be durable: CommitWithoutWaitingForFlush).
  // - box: the mailbox row is locked first (the lock order in pg_store.h;
  //   ExpireMessages locks mailboxes before it deletes their messages), and
  //   tells a missing mailbox from a missing message.
  Status s = Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(
        Rows r, c.Exec("WITH async AS (SELECT set_config('synchronous_commit', 'off', true)), "
                       "box AS (SELECT 1 FROM mailboxes WHERE id = $1 FOR UPDATE), "
                       "gone AS (DELETE FROM messages WHERE mailbox_id = $1 AND message_id = $2 "
                       "AND EXISTS (SELECT 1 FROM box) RETURNING 1) "
                       "SELECT (SELECT count(*) FROM box)::int8, (SELECT count(*) FROM gone)::int8 "
                       "FROM async",
                       {Param::Blob(id), Param::Blob(message)}));
    if (r.size() != 1) return Corrupt("ack statement returned no row");
    BC_ASSIGN_OR_RETURN(boxes, r.Int64(0, 0));
    BC_ASSIGN_OR_RETURN(deleted, r.Int64(0, 1));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (boxes == 0) return NoMailbox();
  return deleted == 0 ? NotFound("no such message") : Status::Ok();
}

Result<std::size_t> PgStore::CountMessages(const MailboxId& id) {
  std::size_t out = 0;
  Status s = Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(Rows r,
                        c.Exec("SELECT queued FROM mailboxes WHERE id = $1", {Param::Blob(id)}));
    if (r.size() == 0) return NoMailbox();
    BC_ASSIGN_OR_RETURN(std::int64_t n, r.Int64(0, 0));
    out = static_cast<std::size_t>(n);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::size_t> PgStore::CountAllMessages() {
  std::size_t out = 0;
  Status s = Single([&](Connection& c) -> Status {
    BC_ASSIGN_OR_RETURN(Rows r, c.Exec("SELECT count(*) FROM messages"));
    BC_ASSIGN_OR_RETURN(std::int64_t n, r.Int64(0, 0));
    out = static_cast<std::size_t>(n);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::size_t> PgStore::ExpireMessages(std::int64_t cutoff_ms) {
  std::size_t out = 0;
  Status s = Transaction([&](Connection& c) -> Status {
    // Mailbox rows first, in id order (the lock order in pg_store.h), then
    // the deletes, whose trigger takes the totals rows.
    BC_RETURN_IF_ERROR(
        c.Exec("SELECT 1::int8 FROM mailboxes WHERE id IN (SELECT mailbox_id FROM messages "
               "WHERE received_ms < $1) ORDER BY id FOR UPDATE",
               {Param::Int64(cutoff_ms)})
            .status());
    BC_ASSIGN_OR_RETURN(
        Rows r, c.Exec("DELETE FROM messages WHERE received_ms < $1", {Param::Int64(cutoff_ms)}));
    out = static_cast<std::size_t>(r.changed());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PgStore::RecordNonce(const MailboxId& id, ByteView nonce, std::int64_t now_ms,
                            std::int64_t forget_before_ms) {
  if (nonce.empty()) return InvalidArgument("empty nonce");
  return Transaction([&](Connection& c) -> Status {
    BC_RETURN_IF_ERROR(CheckMailbox(c, id));
    // This mailbox's old nonces, and a bounded number of any mailbox's that
    // no other transaction is forgetting (SKIP LOCKED: relays never wait on
    // each other's clean-up).
    BC_RETURN_IF_ERROR(c.Exec("DELETE FROM nonces WHERE mailbox_id = $1 AND seen_ms < $2",
                              {Param::Blob(id), Param::Int64(forget_before_ms)})
                           .status());
    BC_RETURN_IF_ERROR(
        c.Exec("DELETE FROM nonces WHERE ctid = ANY (ARRAY (SELECT ctid FROM nonces "
               "WHERE seen_ms < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))",
               {Param::Int64(forget_before_ms), Param::Int64(kNoncesForgottenPerCall)})
            .status());
    // A concurrent insert of the same nonce waits for this one's commit and
    // then inserts nothing: exactly one of them is accepted.
    BC_ASSIGN_OR_RETURN(Rows r,
                        c.Exec("INSERT INTO nonces (mailbox_id, nonce, seen_ms) "
                               "VALUES ($1, $2, $3) ON CONFLICT (mailbox_id, nonce) "
                               "DO NOTHING",
                               {Param::Blob(id), Param::Blob(nonce), Param::Int64(now_ms)}));
    if (r.changed() == 0) return {StatusCode::kAlreadyExists, "nonce replayed"};
    return Status::Ok();
  });
}

Status PgStore::Compact() {
  // VACUUM makes the space of deleted rows reusable (it does not zero it;
  // the WAL keeps copies until its segments are recycled: the metadata
  // policy in docs/relay.md). SKIP_LOCKED: never waits for another relay's
  // VACUUM. Cannot run inside a transaction block.
  return Single([&](Connection& c) -> Status {
    return c.ExecScript("VACUUM (SKIP_LOCKED) messages, nonces, one_time_prekeys");
  });
}

Status PgStore::Ping() {
  return Single([](Connection& c) { return c.Exec("SELECT 1::int8").status(); });
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const PostgresStoreOptions& options) {
  BC_ASSIGN_OR_RETURN(auto store, PgStore::Open(conninfo, options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace backchannel::relay
