// The one SQLite helper of the tree (the relay's store and the client's local
// store both use it; nothing else calls sqlite3_*): a connection with a cache
// of prepared statements, statements that bind and read columns, nested
// transactions that roll back unless committed, and SQLite failures as
// Status. Migrations: backchannel/sqlite/migrations.h.
//
// Errors: kIoError "<context>: <SQLite message> (sqlite <extended code>)",
// except a constraint violation (kAlreadyExists: the callers turn a UNIQUE or
// PRIMARY KEY clash into "exists") and a full disk or database size cap
// (OpenOptions::disk_full, by default kUnavailable: not corruption, the write
// changed nothing).
//
// Thread safety: none. A Connection is used by one thread at a time; its
// owner guarantees that. Connections are opened in SQLite's multi-thread mode
// (SQLITE_OPEN_NOMUTEX), which is correct exactly under that rule.
#ifndef BACKCHANNEL_SQLITE_CONNECTION_H_
#define BACKCHANNEL_SQLITE_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

// SQLite's own handles; only src/sqlite includes <sqlite3.h>.
struct sqlite3;
struct sqlite3_stmt;

namespace backchannel::sqlite {

class Connection;

// A prepared statement for one use: bind, step, read columns. A cached one
// (Connection::Prepare) is reset and its bindings cleared on destruction, so
// the next user starts clean and no read snapshot is held open; an uncached
// one (Connection::PrepareOnce, or Prepare while the cached one is still in
// use further up the stack) is finalized.
//
// Errors are deferred: a failed prepare or bind is remembered and returned by
// the next Step or Run, so a statement reads as one chain of binds and a Run.
class Statement {
 public:
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  // Parameters are numbered from 1, as in SQLite. Values are copied.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);
  // An empty view binds an empty blob, never NULL.
  Statement& BindBlob(int index, ByteView value);
  Statement& BindNull(int index);

  // true: a row is available; false: the statement has finished.
  Result<bool> Step();
  // Steps to completion, ignoring rows.
  Status Run();

  std::int64_t ColumnInt64(int index) const;
  // NULL reads as "" (ColumnText) or no bytes (ColumnBlob): ask ColumnIsNull.
  std::string ColumnText(int index) const;
  Bytes ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  friend class Connection;
  Statement(Connection* connection, sqlite3_stmt* stmt, bool* in_use, int rc)
      : connection_(connection), stmt_(stmt), in_use_(in_use), rc_(rc) {}
  Statement& Check(int rc);

  Connection* connection_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache entry's flag (nullptr: owned, finalized here)
  int rc_;        // the first failure (prepare or bind), or SQLITE_OK
};

struct OpenOptions {
  bool create = false;  // create the file when it does not exist
  int busy_timeout_ms = 5000;
  // true: SQLite's serialized mode, for an owner that may hand the
  // connection from thread to thread without a lock of its own.
  bool serialized = false;
  // What a full disk or database size cap is reported as: kUnavailable for
  // the relay (507 until space returns); the client's store keeps kIoError,
  // which its callers never read as "the relay is unreachable".
  StatusCode disk_full = StatusCode::kUnavailable;
};

class Connection {
 public:
  // Opens the database at `path` with extended result codes and the busy
  // timeout set. Nothing is read yet: a file that is not a database is
  // detected by the first statement.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const OpenOptions& options);
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool create,
                                                  int busy_timeout_ms) {
    return Open(path, OpenOptions{create, busy_timeout_ms});
  }
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) = delete;
  Connection& operator=(Connection&&) = delete;

  // Runs one or more statements with no parameters and no result rows
  // (schema scripts, PRAGMA settings).
  Status Exec(std::string_view sql);
  // The cached statement for `sql` (prepared on first use). `sql` must be a
  // string with static storage duration: its address is the cache key. While
  // it is borrowed (a loop over its rows calls code that prepares the same
  // SQL) a fresh statement is prepared instead.
  Statement Prepare(const char* sql);
  // A statement prepared for this one use (SQL built at run time).
  Statement PrepareOnce(std::string_view sql);
  // Runs a statement that returns one value, e.g. "PRAGMA journal_mode".
  Result<std::string> QueryText(std::string_view sql);
  Result<std::int64_t> QueryInt64(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE (not by triggers).
  std::int64_t Changes() const;
  std::int64_t LastInsertRowId() const;
  // true while a transaction is open (by any means, Exec("BEGIN") too).
  bool InTransaction() const;

  // The Status for the failure `rc` of an operation named `context`.
  Status ErrorFromCode(std::string_view context, int rc) const;

 private:
  friend class Transaction;
  Connection(sqlite3* db, StatusCode disk_full) : db_(db), disk_full_(disk_full) {}

  sqlite3* db_;
  StatusCode disk_full_;
  struct Cached {
    sqlite3_stmt* stmt;
    bool in_use;  // borrowed by a live Statement
  };
  std::unordered_map<const char*, Cached> statements_;
  int transaction_depth_ = 0;  // Transaction objects open on this connection
};

// A transaction, rolled back on destruction unless committed. The outermost
// one is BEGIN IMMEDIATE (it takes the write lock first: a deferred
// transaction that read a row and then tried to write it could fail, or,
// across processes, save over another's update); one opened inside another
// is a SAVEPOINT, rolled back alone. Transactions end in the reverse order of
// their beginning.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;

  // Makes the changes durable (or, for a savepoint, part of the enclosing
  // transaction). On failure everything since Begin is rolled back.
  Status Commit();

 private:
  Transaction(Connection* connection, int depth) : connection_(connection), depth_(depth) {}
  void Rollback();

  Connection* connection_;
  int depth_;  // 0: the outermost (BEGIN); n: SAVEPOINT spn
};

// Runs `body` inside a Transaction: committed when it returns Ok, rolled back
// (and its Status returned) when not.
Status InTransaction(Connection& connection, const std::function<Status()>& body);

}  // namespace backchannel::sqlite

#endif  // BACKCHANNEL_SQLITE_CONNECTION_H_
