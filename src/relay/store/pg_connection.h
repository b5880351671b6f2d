// One libpq connection to PostgreSQL, and the conversion of its failures into
// Status. Internal to the relay store: nothing outside src/relay/store
// includes this.
//
// Every statement is prepared once per connection (PQprepare) and then sent
// with PQexecPrepared: parameters and results in
// binary format (bytea as raw bytes, bigint as 8 bytes big-endian, as the
// PostgreSQL protocol documents for the int8 and bytea types), so no value is
// ever spliced into SQL text and no escaping is needed.
//
// Thread safety: none. A Connection is used by one thread at a time; the
// owner (PgStore's pool) guarantees that.
#ifndef BACKCHANNEL_SRC_RELAY_STORE_PG_CONNECTION_H_
#define BACKCHANNEL_SRC_RELAY_STORE_PG_CONNECTION_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

namespace backchannel::relay::pg {

// A statement parameter: a bigint or a bytea, kept in wire format.
class Param {
 public:
  static Param Int64(std::int64_t value);
  static Param Blob(ByteView value);
  // A text value (sent in text format; the statement casts it: $n::text).
  static Param Text(std::string_view value);

  const char* data() const { return reinterpret_cast<const char*>(bytes_.data()); }
  int size() const { return static_cast<int>(bytes_.size()); }
  Oid type() const { return type_; }
  int format() const { return text_ ? 0 : 1; }

 private:
  Param(Bytes bytes, Oid type, bool text = false)
      : bytes_(std::move(bytes)), type_(type), text_(text) {}

  Bytes bytes_;
  Oid type_;
  bool text_;
};

// The rows of one statement (binary format). Columns are read with their
// declared type checked: a column that is not bigint (or bytea) is kCorrupt,
// never misread.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result) {}
  ~Rows() { PQclear(result_); }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Rows& operator=(Rows&&) = delete;

  int size() const { return PQntuples(result_); }
  // Rows a DELETE/UPDATE/INSERT changed (PQcmdTuples).
  std::int64_t changed() const;
  bool IsNull(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }
  Result<std::int64_t> Int64(int row, int col) const;
  Result<Bytes> Blob(int row, int col) const;

 private:
  PGresult* result_;
};

class Connection {
 public:
  // Connects with `conninfo` (a libpq connection string or URI). kIoError
  // when the server cannot be reached (the message carries libpq's text,
  // which never includes the password).
  // `application_name` is what pg_stat_activity shows for it.
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo,
                                                  const char* application_name = "backchanneld");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) = delete;
  Connection& operator=(Connection&&) = delete;

  // Runs one statement. kIoError on failure; sqlstate() then tells which
  // error it was, healthy() whether the connection survived.
  Result<Rows> Exec(std::string_view sql, const std::vector<Param>& params = {});
  // Runs `sql` (possibly several statements, no parameters, no rows wanted).
  Status ExecScript(const char* sql);

  // The socket to poll for input (LISTEN).
  int socket() const { return PQsocket(conn_); }
  // Reads what the server sent and returns the payloads of notifications
  // on `channel` received so far; kIoError when the connection is lost.
  Result<std::vector<std::string>> Notifications(std::string_view channel);

  // The SQLSTATE of the last failed Exec ("" when it had none).
  const std::string& sqlstate() const { return sqlstate_; }
  // Whether the connection is still usable (not lost).
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  // For an idle connection: reads what the server sent meanwhile, without
  // waiting; false when it ended the session (a restart, a terminated
  // backend) so that no call is wasted on it.
  bool StillAlive();
  // Whether a transaction is open (or failed and not yet rolled back).
  bool InTransaction() const;

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Status Failure(std::string_view context, const PGresult* result);

  PGconn* conn_;
  std::string sqlstate_;
  // SQL text -> name of its prepared statement on this connection. The
  // server re-plans a prepared statement by itself when a table it reads
  // changes (a migration by another relay); the statements name their
  // columns, so their result types never change.
  std::unordered_map<std::string, std::string> prepared_;
};

// SQLSTATEs (PostgreSQL documentation, appendix A "Error Codes").
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";
inline constexpr std::string_view kUniqueViolation = "23505";

}  // namespace backchannel::relay::pg

#endif  // BACKCHANNEL_SRC_RELAY_STORE_PG_CONNECTION_H_
