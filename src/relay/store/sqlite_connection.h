// The relay store's names for the shared SQLite helper
// (backchannel/sqlite/connection.h): one Connection and Statement for the
// relay and the client. Internal to the relay store.
#ifndef BACKCHANNEL_SRC_RELAY_STORE_SQLITE_CONNECTION_H_
#define BACKCHANNEL_SRC_RELAY_STORE_SQLITE_CONNECTION_H_

#include "backchannel/sqlite/connection.h"

namespace backchannel::relay::sqlite {

using Connection = backchannel::sqlite::Connection;
using Statement = backchannel::sqlite::Statement;

}  // namespace backchannel::relay::sqlite

#endif  // BACKCHANNEL_SRC_RELAY_STORE_SQLITE_CONNECTION_H_
