#include "relay/store/sqlite_connection.h"

#include <limits>
#include <utility>

namespace backchannel::relay::sqlite {

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Status Statement::BindInt64(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) return connection_->ErrorFromCode("bind", rc);
  return Status::Ok();
}

Status Statement::BindBlob(int index, ByteView value) {
  int rc = value.empty()
               ? sqlite3_bind_zeroblob(stmt_, index, 0)
               : sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) return connection_->ErrorFromCode("bind", rc);
  return Status::Ok();
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
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

Bytes Statement::ColumnBlob(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  int size = sqlite3_column_bytes(stmt_, index);
  if (data == nullptr || size <= 0) return {};
  const auto* p = static_cast<const std::uint8_t*>(data);
  return {p, p + size};
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool create,
                                                     int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  if (create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "open " + path + ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);  // harmless on nullptr
    return IoError(message);
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  rc = sqlite3_busy_timeout(db, busy_timeout_ms);
  if (rc != SQLITE_OK) return connection->ErrorFromCode("busy_timeout", rc);
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return ErrorFromCode("exec", rc);
  return Status::Ok();
}

Result<Statement> Connection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return ErrorFromCode("prepare", rc);
    }
    it = statements_.emplace(sql, stmt).first;
  }
  return Statement(this, it->second);
}

Result<std::string> Connection::QueryText(const char* sql) {
  BC_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return IoError(std::string("no result from: ") + sql);
  Bytes text = stmt.ColumnBlob(0);
  std::string out(text.begin(), text.end());
  BC_RETURN_IF_ERROR(stmt.Run());
  return out;
}

Result<std::int64_t> Connection::QueryInt64(const char* sql) {
  BC_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  BC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return IoError(std::string("no result from: ") + sql);
  std::int64_t value = stmt.ColumnInt64(0);
  BC_RETURN_IF_ERROR(stmt.Run());
  return value;
}

std::int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Connection::Error(std::string_view context) const {
  return ErrorFromCode(context, sqlite3_extended_errcode(db_));
}

Status Connection::ErrorFromCode(std::string_view context, int rc) const {
  std::string message(context);
  message += ": ";
  // sqlite3_errmsg describes the most recent failure on this connection,
  // which is `rc` for every caller here; fall back to the code's text.
  const char* text = sqlite3_errmsg(db_);
  message += text != nullptr ? text : sqlite3_errstr(rc);
  message += " (sqlite ";
  message += std::to_string(rc);
  message += ")";
  // A full disk (or database size cap) is not corruption and not an outage:
  // the write changed nothing and the relay answers 507 until space returns.
  if ((rc & 0xff) == SQLITE_FULL) return {StatusCode::kUnavailable, message};
  return IoError(message);
}

}  // namespace backchannel::relay::sqlite
