#include "backchannel/sqlite/connection.h"

#include <sqlite3.h>

#include <limits>
#include <utility>

namespace backchannel::sqlite {

// ---- Statement ----

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  }
}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      rc_(other.rc_) {}

Statement& Statement::Check(int rc) {
  if (rc_ == SQLITE_OK) rc_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  if (rc_ != SQLITE_OK) return *this;
  return Check(sqlite3_bind_int64(stmt_, index, value));
}

Statement& Statement::Bind(int index, std::string_view text) {
  if (rc_ != SQLITE_OK) return *this;
  return Check(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Statement& Statement::BindBlob(int index, ByteView value) {
  if (rc_ != SQLITE_OK) return *this;
  if (value.empty()) return Check(sqlite3_bind_zeroblob(stmt_, index, 0));
  return Check(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT));
}

Statement& Statement::BindNull(int index) {
  if (rc_ != SQLITE_OK) return *this;
  return Check(sqlite3_bind_null(stmt_, index));
}

Result<bool> Statement::Step() {
  if (rc_ != SQLITE_OK) return connection_->ErrorFromCode("prepare or bind", rc_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->ErrorFromCode("step", rc);
}

Status Statement::Run() {
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::int64_t Statement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index));
  return {reinterpret_cast<const char*>(text), size};
}

Bytes Statement::ColumnBlob(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  if (data == nullptr || size <= 0) return {};
  const auto* p = static_cast<const std::uint8_t*>(data);
  return {p, p + size};
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

// ---- Connection ----

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const OpenOptions& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  if (options.serialized) flags = (flags & ~SQLITE_OPEN_NOMUTEX) | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "open " + path + ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);  // harmless on nullptr
    return IoError(message);
  }
  std::unique_ptr<Connection> connection(new Connection(db, options.disk_full));
  sqlite3_extended_result_codes(db, 1);
  const int busy = sqlite3_busy_timeout(db, options.busy_timeout_ms);
  if (busy != SQLITE_OK) return connection->ErrorFromCode("busy_timeout", busy);
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, cached] : statements_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(std::string_view sql) {
  // sqlite3_exec needs a terminated string; a script is short and rare.
  const std::string script(sql);
  const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return ErrorFromCode("exec", rc);
  return Status::Ok();
}

Statement Connection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return {this, nullptr, nullptr, rc};
    }
    if (stmt == nullptr) return {this, nullptr, nullptr, SQLITE_MISUSE};  // no statement
    it = statements_.emplace(sql, Cached{stmt, false}).first;
  }
  if (it->second.in_use) return PrepareOnce(sql);
  // Elements of an unordered_map keep their address across rehashing.
  it->second.in_use = true;
  return {this, it->second.stmt, &it->second.in_use, SQLITE_OK};
}

Statement Connection::PrepareOnce(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return {this, nullptr, nullptr, SQLITE_TOOBIG};
  }
  const int rc =
      sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return {this, nullptr, nullptr, rc};
  }
  if (stmt == nullptr) return {this, nullptr, nullptr, SQLITE_MISUSE};  // no statement
  return {this, stmt, nullptr, SQLITE_OK};
}

Result<std::string> Connection::QueryText(std::string_view sql) {
  Statement stmt = PrepareOnce(sql);
  BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return IoError("no result from: " + std::string(sql));
  std::string out = stmt.ColumnText(0);
  BC_RETURN_IF_ERROR(stmt.Run());
  return out;
}

Result<std::int64_t> Connection::QueryInt64(std::string_view sql) {
  Statement stmt = PrepareOnce(sql);
  BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return IoError("no result from: " + std::string(sql));
  const std::int64_t value = stmt.ColumnInt64(0);
  BC_RETURN_IF_ERROR(stmt.Run());
  return value;
}

std::int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

std::int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Connection::ErrorFromCode(std::string_view context, int rc) const {
  std::string message(context);
  message += ": ";
  // sqlite3_errmsg describes the most recent failure on this connection,
  // which is `rc` for every caller but a deferred prepare or bind error
  // followed by other work: then the code's own text is the accurate one.
  const bool current = sqlite3_extended_errcode(db_) == rc;
  const char* text = current ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  message += text != nullptr ? text : "unknown error";
  message += " (sqlite ";
  message += std::to_string(rc);
  message += ")";
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return {StatusCode::kAlreadyExists, message};
    case SQLITE_FULL:
      return {disk_full_, message};
    default:
      return IoError(message);
  }
}

// ---- Transaction ----

Result<Transaction> Transaction::Begin(Connection& connection) {
  const int depth = connection.transaction_depth_;
  if (depth == 0) {
    BC_RETURN_IF_ERROR(connection.Exec("BEGIN IMMEDIATE"));
  } else {
    BC_RETURN_IF_ERROR(connection.Exec("SAVEPOINT sp" + std::to_string(depth)));
  }
  ++connection.transaction_depth_;
  return Transaction(&connection, depth);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)), depth_(other.depth_) {}

Transaction::~Transaction() {
  if (connection_ != nullptr) Rollback();
}

Status Transaction::Commit() {
  if (connection_ == nullptr) return FailedPrecondition("sqlite: transaction already ended");
  Status s = depth_ == 0 ? connection_->Exec("COMMIT")
                         : connection_->Exec("RELEASE sp" + std::to_string(depth_));
  if (!s.ok()) {
    Rollback();
    return s;
  }
  --connection_->transaction_depth_;
  connection_ = nullptr;
  return s;
}

void Transaction::Rollback() {
  if (depth_ == 0) {
    // A failed COMMIT may already have ended the transaction (SQLite rolls
    // back on some errors); ROLLBACK then fails harmlessly.
    if (connection_->InTransaction()) (void)connection_->Exec("ROLLBACK");
  } else {
    const std::string name = "sp" + std::to_string(depth_);
    (void)connection_->Exec("ROLLBACK TO " + name + "; RELEASE " + name);
  }
  --connection_->transaction_depth_;
  connection_ = nullptr;
}

Status InTransaction(Connection& connection, const std::function<Status()>& body) {
  BC_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection));
  BC_RETURN_IF_ERROR(body());
  return transaction.Commit();
}

}  // namespace backchannel::sqlite
