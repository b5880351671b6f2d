// The relay store's SQLite schema and its migrations.
//
// The migrations are the shared scheme's (backchannel/sqlite/migrations.h):
// migration N takes a database from version N-1 to N, recorded in PRAGMA
// user_version and, for older builds, in the one-row table `schema_version`.
// Opening a store applies the missing migrations in one transaction. The file's header carries an
// application id
// ("BCRS") so a SQLite database that belongs to something else is refused.
// See docs/relay-store.md for the tables.
#ifndef BACKCHANNEL_SRC_RELAY_STORE_SQLITE_SCHEMA_H_
#define BACKCHANNEL_SRC_RELAY_STORE_SQLITE_SCHEMA_H_

#include <cstdint>

#include "relay/store/sqlite_connection.h"

namespace backchannel::relay::sqlite {

inline constexpr std::int64_t kApplicationId = 0x42435253;  // "BCRS"

// The version this build writes and understands.
std::int64_t LatestSchemaVersion();

// Creates or migrates the schema on `connection`, in one write transaction.
// kIoError when the database belongs to another application;
// kUnsupportedVersion when its schema is newer than LatestSchemaVersion().
// REQUIRES: no transaction open on `connection`.
Status MigrateSchema(Connection& connection);

}  // namespace backchannel::relay::sqlite

#endif  // BACKCHANNEL_SRC_RELAY_STORE_SQLITE_SCHEMA_H_
