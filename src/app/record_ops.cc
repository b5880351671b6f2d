// The record's verification and export as app results (record_ops.h).
#include "app/record_ops.h"

namespace backchannel::app {

Result<Json> VerifyRecordJson(talks_client::TalksService& talks, const RecordVerifyRequest& r) {
  BC_ASSIGN_OR_RETURN(auto v, talks.VerifyRecord(r.talks));
  return Json{{"intact", v.ok},
              {"entries", v.entries},
              {"head", v.head},
              {"problem", v.problems.empty() ? Json(nullptr) : Json(v.problems.front().what)}};
}

Result<Json> ExportRecordJson(talks_client::TalksService& talks, const RecordExportRequest& r) {
  BC_ASSIGN_OR_RETURN(std::string content, talks.ExportRecord(r.talks, r.format));
  const bool md = r.format == "md";
  return Json{{"filename", r.talks + "-record." + r.format},
              {"content_type", md ? "text/markdown" : "application/json"},
              {"content", std::move(content)}};
}

}  // namespace backchannel::app
