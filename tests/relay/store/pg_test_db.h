// Databases for the PostgreSQL store tests: one per test, on the server the
// libpq environment names (PGHOST: the CTest fixture relay_pg_cluster's
// cluster, tests/relay/CMakeLists.txt; or what pg_virtualenv exports).
// Without a server the tests fail, saying so: they are labelled `postgres`
// and other stages exclude them.
#ifndef BACKCHANNEL_TESTS_RELAY_STORE_PG_TEST_DB_H_
#define BACKCHANNEL_TESTS_RELAY_STORE_PG_TEST_DB_H_

#include <string>

#include "backchannel/common/result.h"

namespace backchannel::relay::testing {

// Creates an empty database named from `tag` (its letters and digits) plus
// this process's id, unless it exists; returns the conninfo of it. Databases
// made by this process are dropped when its tests end.
Result<std::string> TestDatabase(const std::string& tag);

// Runs `sql` as the administrator on the maintenance database (`postgres`),
// or on `database` when given.
Status AdminExec(const std::string& sql, const std::string& database = "postgres");

}  // namespace backchannel::relay::testing

#endif  // BACKCHANNEL_TESTS_RELAY_STORE_PG_TEST_DB_H_
