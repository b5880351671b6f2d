// How one record entry is stored as a row of the client's app log: a JSON
// object (time, direction, peer, message, prev, hash); the seq is the log's.
// One place for both directions, used by the service and the verifier.
#ifndef BACKCHANNEL_SRC_TALKS_CLIENT_RECORD_ROWS_H_
#define BACKCHANNEL_SRC_TALKS_CLIENT_RECORD_ROWS_H_

#include <string>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/talks/record.h"

namespace backchannel::talks_client {

std::string RecordRow(const talks::RecordEntry& entry);
// kCorrupt "entry N is not a record entry" for a row that is not one.
Result<talks::RecordEntry> RecordEntryFromRow(std::int64_t seq, const Bytes& row);

}  // namespace backchannel::talks_client

#endif  // BACKCHANNEL_SRC_TALKS_CLIENT_RECORD_ROWS_H_
