// The record as the faces verify and export it (record.h).
#include "backchannel/app/record.h"
#include "backchannel/common/file_io.h"
#include "backchannel/talks/record.h"

namespace backchannel::app {
namespace {

RecordCheckView RecordCheckOf(const talks::RecordVerification& v) {
  RecordCheckView out;
  out.intact = v.ok;
  out.entries = v.entries;
  out.head = v.head;
  for (const auto& p : v.problems) out.problems.push_back({p.seq, p.what});
  return out;
}

}  // namespace

Result<RecordCheckView> VerifyStoredRecord(OpenedHome& home, const std::string& talks) {
  BC_ASSIGN_OR_RETURN(auto v, home.talks->VerifyRecord(talks));
  return RecordCheckOf(v);
}

Result<RecordCheckView> VerifyRecordFile(const std::string& path) {
  BC_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  BC_ASSIGN_OR_RETURN(auto record, talks::RecordFromJson(text));
  return RecordCheckOf(talks::VerifyRecord(record.entries, record.head));
}

Json ToJson(const RecordCheckView& view) {
  Json problems = Json::array();
  for (const auto& p : view.problems) problems.push_back(Json{{"seq", p.seq}, {"what", p.what}});
  return Json{{"intact", view.intact},
              {"entries", view.entries},
              {"head", view.head},
              {"problems", problems}};
}

Result<std::string> ExportRecordText(OpenedHome& home, const std::string& talks,
                                     const std::string& format) {
  return home.talks->ExportRecord(talks, format);
}

}  // namespace backchannel::app
