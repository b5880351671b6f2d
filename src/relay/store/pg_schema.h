// The PostgreSQL relay store's schema and its versioned migrations.
// Internal to the relay store.
//
// Versions: the table schema_version holds one row, (version,
// compatible_from): the schema's version and the oldest build version that
// may still use it. A migration that only adds (tables, columns with
// defaults, indexes) keeps compatible_from, so during a rolling upgrade the
// relays not yet upgraded keep working (and may restart); one that changes
// what older builds rely on raises compatible_from, and older builds then
// refuse to start (kUnsupportedVersion) instead of writing what the new
// schema does not expect. Migrations run in one transaction under an
// advisory lock, so relays starting together migrate once, in order.
#ifndef BACKCHANNEL_SRC_RELAY_STORE_PG_SCHEMA_H_
#define BACKCHANNEL_SRC_RELAY_STORE_PG_SCHEMA_H_

#include <cstdint>

#include "backchannel/common/result.h"
#include "relay/store/pg_connection.h"

namespace backchannel::relay::pg {

// The schema version this build creates and migrates to.
std::int64_t LatestSchemaVersion();

// Creates the schema in an empty database or migrates an older one to
// LatestSchemaVersion(). kUnsupportedVersion when the database's schema
// needs a newer build (compatible_from > LatestSchemaVersion()); kIoError
// when the database holds tables but no relay store.
Status MigrateSchema(Connection& connection);

}  // namespace backchannel::relay::pg

#endif  // BACKCHANNEL_SRC_RELAY_STORE_PG_SCHEMA_H_
