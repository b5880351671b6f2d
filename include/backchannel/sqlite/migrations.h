// One migration scheme for every SQLite schema in the tree (the relay's store
// and the client's local store): a numbered list of steps, applied in order
// inside one transaction, the version recorded in PRAGMA user_version, and a
// database newer than the code refused with a clear error.
//
// A step is SQL, code (a re-sealing pass that SQL cannot express), or SQL
// then code. Step i (0-based) takes the schema from version i to i+1: append
// new steps; never edit one that has shipped.
//
// Schemas made before this scheme recorded their version elsewhere (the
// relay: a one-row table; the client: a field of its meta table) and builds
// from before it read only that record, so a schema can name its legacy
// record: it is read in preference to user_version when present, and kept
// equal to it, so an older build still refuses a newer database.
#ifndef BACKCHANNEL_SQLITE_MIGRATIONS_H_
#define BACKCHANNEL_SQLITE_MIGRATIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/sqlite/connection.h"

namespace backchannel::sqlite {

struct Migration {
  const char* sql = nullptr;                // run first, when set
  std::function<Status(Connection&)> code;  // run second, when set
};

// Where a schema from before this scheme keeps its version (see above).
struct LegacyVersionRecord {
  // nullopt: the record is absent (a new database, or none was ever kept).
  std::function<Result<std::optional<std::int64_t>>(Connection&)> read;
  std::function<Status(Connection&, std::int64_t)> write;
};

struct Schema {
  std::string name;  // "relay store": names the schema in errors
  std::vector<Migration> migrations;
  std::optional<LegacyVersionRecord> legacy;

  // The version this build writes and understands.
  std::int64_t Latest() const { return static_cast<std::int64_t>(migrations.size()); }
};

// The version `connection`'s database records: the legacy record when the
// schema has one and it is present, else PRAGMA user_version (0: new).
Result<std::int64_t> ReadVersion(Connection& connection, const Schema& schema);

// kUnsupportedVersion "<name> schema version V is newer than this build's
// L" when `version` > schema.Latest(); kCorrupt when it is negative.
Status CheckVersion(const Schema& schema, std::int64_t version);

// Applies the steps from the recorded version up to `target` (default: the
// latest) in order, inside one Transaction (a savepoint when one is open),
// and records `target`. Nothing changes when a step fails (its Status says
// which: "<name> migration N: ...") or when the database is newer than the
// code (CheckVersion). A database already at or past `target` (and not newer
// than the code) is left as it is.
Status Migrate(Connection& connection, const Schema& schema,
               std::optional<std::int64_t> target = std::nullopt);

}  // namespace backchannel::sqlite

#endif  // BACKCHANNEL_SQLITE_MIGRATIONS_H_
