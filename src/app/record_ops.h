// record.verify and record.export (issue 18): the side's record of talks as
// the app's faces show and download it. Internal to the application core.
#ifndef BACKCHANNEL_SRC_APP_RECORD_OPS_H_
#define BACKCHANNEL_SRC_APP_RECORD_OPS_H_

#include "backchannel/app/json.h"
#include "backchannel/app/request.h"
#include "backchannel/common/result.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::app {

// {"intact", "entries", "head", "problem": first problem or null}
Result<Json> VerifyRecordJson(talks_client::TalksService& talks, const RecordVerifyRequest& r);
// {"filename", "content_type", "content"}: the export, ready to download.
Result<Json> ExportRecordJson(talks_client::TalksService& talks, const RecordExportRequest& r);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_SRC_APP_RECORD_OPS_H_
