#include "relay/store/pg_connection.h"

#include <poll.h>

#include <cstdlib>
#include <cstring>
#include <limits>

namespace backchannel::relay::pg {
namespace {

// Type OIDs of the two types the store uses (src/include/catalog/pg_type.dat
// in PostgreSQL; fixed since 7.x).
constexpr Oid kInt8Oid = 20;
constexpr Oid kByteaOid = 17;

}  // namespace

Param Param::Int64(std::int64_t value) {
  // int8 binary format: 8 bytes, big-endian two's complement.
  const auto u = static_cast<std::uint64_t>(value);
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(u >> (56 - 8 * i));
  return {std::move(b), kInt8Oid};
}

Param Param::Blob(ByteView value) { return {Bytes(value.begin(), value.end()), kByteaOid}; }

Param Param::Text(std::string_view value) {
  // Text format, type left to the server (the statement casts it). The
  // terminating NUL libpq expects of text parameters is stored too.
  Bytes b(value.begin(), value.end());
  b.push_back(0);
  return {std::move(b), 0, /*text=*/true};
}

std::int64_t Rows::changed() const {
  const char* n = PQcmdTuples(result_);
  if (n == nullptr || *n == '\0') return 0;
  return std::strtoll(n, nullptr, 10);
}

Result<std::int64_t> Rows::Int64(int row, int col) const {
  if (PQftype(result_, col) != kInt8Oid || PQgetlength(result_, row, col) != 8 ||
      IsNull(row, col)) {
    return Corrupt("PostgreSQL column " + std::to_string(col) + " is not a bigint");
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row, col));
  std::uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];
  return static_cast<std::int64_t>(u);
}

Result<Bytes> Rows::Blob(int row, int col) const {
  if (PQftype(result_, col) != kByteaOid || IsNull(row, col)) {
    return Corrupt("PostgreSQL column " + std::to_string(col) + " is not a bytea");
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row, col));
  const int n = PQgetlength(result_, row, col);
  return Bytes(p, p + n);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo,
                                                     const char* application_name) {
  // Defaults first: what the operator's conninfo says overrides them
  // (expand_dbname: the dbname value is parsed as a whole connection string,
  // later values win).
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", application_name, conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return IoError("PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = "PostgreSQL connection failed: ";
    message += PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    PQfinish(conn);
    return IoError(message);
  }
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::StillAlive() {
  if (!healthy()) return false;
  // An idle session receives only notices or its end (the server's FATAL
  // message, then EOF: libpq marks the connection bad once it reads the
  // EOF, which may take a second read).
  for (int i = 0; i < 4; ++i) {
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) return healthy();  // nothing (more) arrived
    if (PQconsumeInput(conn_) == 0 || !healthy()) return false;
  }
  return healthy();
}

bool Connection::InTransaction() const {
  const PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

Status Connection::Failure(std::string_view context, const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state != nullptr ? state : "";
  std::string message = "PostgreSQL ";
  message += context;
  message += ": ";
  const char* text = result != nullptr ? PQresultErrorMessage(result) : nullptr;
  message += text != nullptr && *text != '\0' ? text : PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  if (!sqlstate_.empty()) message += " (SQLSTATE " + sqlstate_ + ")";
  return IoError(message);
}

Result<Rows> Connection::Exec(std::string_view sql, const std::vector<Param>& params) {
  sqlstate_.clear();
  if (params.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return InvalidArgument("too many parameters");
  }
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const Param& p : params) {
    formats.push_back(p.format());
    types.push_back(p.type());
    // A null pointer would send SQL NULL: an empty bytea needs a non-null one.
    values.push_back(p.size() == 0 ? "" : p.data());
    lengths.push_back(p.size());
  }
  // Each distinct statement is parsed and planned once per connection
  // (PQprepare, one extra round trip the first time) and then only executed:
  // the relay sends the same few statements all the time.
  std::string text(sql);
  auto it = prepared_.find(text);
  if (it == prepared_.end()) {
    std::string name = "bc" + std::to_string(prepared_.size());
    PGresult* p =
        PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(params.size()), types.data());
    if (p == nullptr || PQresultStatus(p) != PGRES_COMMAND_OK) {
      Status s = Failure("prepare failed", p);
      PQclear(p);
      return s;
    }
    PQclear(p);
    it = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                               values.data(), lengths.data(), formats.data(), /*resultFormat=*/1);
  const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Status s = Failure("statement failed", r);
    PQclear(r);
    return s;
  }
  return Rows(r);
}

Result<std::vector<std::string>> Connection::Notifications(std::string_view channel) {
  if (PQconsumeInput(conn_) == 0 || !healthy()) {
    std::string message = "PostgreSQL LISTEN connection lost: ";
    message += PQerrorMessage(conn_);
    return IoError(message);
  }
  std::vector<std::string> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    if (n->relname != nullptr && channel == n->relname && n->extra != nullptr) {
      out.emplace_back(n->extra);
    }
    PQfreemem(n);
  }
  return out;
}

Status Connection::ExecScript(const char* sql) {
  sqlstate_.clear();
  PGresult* r = PQexec(conn_, sql);
  const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  Status s = Status::Ok();
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) s = Failure("script failed", r);
  PQclear(r);
  return s;
}

}  // namespace backchannel::relay::pg
