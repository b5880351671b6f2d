// The side's tamper-evident record of talks for the faces that verify and
// export it as files (`record verify`, `record export`, docs/talks.md). The
// web app's forms of the same are the requests record.verify and
// record.export (request.h).
//
// Thread safety: as the OpenedHome used.
#ifndef BACKCHANNEL_APP_RECORD_H_
#define BACKCHANNEL_APP_RECORD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "backchannel/app/home.h"
#include "backchannel/app/json.h"
#include "backchannel/common/result.h"

namespace backchannel::app {

struct RecordProblemView {
  std::int64_t seq = 0;  // the entry where the chain breaks (0: the record as a whole)
  std::string what;
};

struct RecordCheckView {
  bool intact = true;
  std::int64_t entries = 0;  // entries examined, good or not
  std::string head;          // hex of the last verified hash
  std::vector<RecordProblemView> problems;
};

// The record of `talks` in the home's store.
Result<RecordCheckView> VerifyStoredRecord(OpenedHome& home, const std::string& talks);
// An exported JSON record (`record export --format json`): errors from
// reading the file and kInvalidArgument for one that is not such a record.
Result<RecordCheckView> VerifyRecordFile(const std::string& path);
// {"intact", "entries", "head", "problems": [{"seq", "what"}]}
// ($defs/record_verify).
Json ToJson(const RecordCheckView& view);

// The side's archive of `talks` as text: format md or json.
Result<std::string> ExportRecordText(OpenedHome& home, const std::string& talks,
                                     const std::string& format);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_RECORD_H_
