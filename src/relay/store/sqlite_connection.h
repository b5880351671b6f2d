// One SQLite connection with a cache of prepared statements, and the
// conversion of SQLite failures into Status (kIoError with SQLite's message).
// Internal to the relay store: nothing outside src/relay/store includes this.
//
// Thread safety: none. A Connection is used by one thread at a time; the
// owner (SqliteStore) guarantees that with its locks. Connections are opened
// in SQLite's multi-thread mode (SQLITE_OPEN_NOMUTEX), which is correct
// exactly under that rule.
#ifndef BACKCHANNEL_SRC_RELAY_STORE_SQLITE_CONNECTION_H_
#define BACKCHANNEL_SRC_RELAY_STORE_SQLITE_CONNECTION_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

namespace backchannel::relay::sqlite {

class Connection;

// A cached prepared statement, borrowed for one use: bind, step, read
// columns. The destructor resets it and clears its bindings, so the next user
// starts clean and no read snapshot is held open.
class Statement {
 public:
  Statement(Connection* connection, sqlite3_stmt* stmt) : connection_(connection), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  // Parameters are numbered from 1, as in SQLite.
  Status BindInt64(int index, std::int64_t value);
  // Binds a blob (an empty view binds an empty blob, never NULL). The bytes
  // must outlive the statement's use.
  Status BindBlob(int index, ByteView value);

  // true: a row is available; false: the statement has finished.
  Result<bool> Step();
  // Steps to completion, ignoring rows.
  Status Run();

  std::int64_t ColumnInt64(int index) const;
  Bytes ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  Connection* connection_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating when `create`) the database at `path`, with extended
  // result codes and the busy timeout set. Nothing is read yet: a file that
  // is not a database is detected by the first statement.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool create,
                                                  int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) = delete;
  Connection& operator=(Connection&&) = delete;

  // Runs one or more statements with no parameters and no result rows.
  Status Exec(const char* sql);
  // The cached statement for `sql` (prepared on first use). `sql` must be a
  // string with static storage duration: its address is the cache key.
  Result<Statement> Prepare(const char* sql);
  // Runs a statement that returns one text value, e.g. "PRAGMA journal_mode".
  Result<std::string> QueryText(const char* sql);
  Result<std::int64_t> QueryInt64(const char* sql);

  // Rows changed by the last INSERT, UPDATE or DELETE (not by triggers).
  std::int64_t Changes() const;
  // true while a transaction is open.
  bool InTransaction() const;

  // kIoError "<context>: <SQLite message> (<extended code>)".
  Status Error(std::string_view context) const;
  Status ErrorFromCode(std::string_view context, int rc) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace backchannel::relay::sqlite

#endif  // BACKCHANNEL_SRC_RELAY_STORE_SQLITE_CONNECTION_H_
