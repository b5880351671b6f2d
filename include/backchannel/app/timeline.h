// The talks' timeline (issue 18): every entry of this client's record told
// for people in order (words with their scope and authority label, moves,
// events, refusals, verdicts, ideas, conditions, suspensions), so a face
// shows the conversation and the negotiation as one story. Built by
// replaying the record into a fresh state, as the record's export does.
#ifndef BACKCHANNEL_APP_TIMELINE_H_
#define BACKCHANNEL_APP_TIMELINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/common/result.h"
#include "backchannel/talks/record.h"

namespace backchannel::app {

struct TimelineEntry {
  std::int64_t seq = 0;
  std::int64_t time_ms = 0;
  std::string kind;  // words, move, event, refusal, verdict, idea, condition, suspension
  std::optional<std::string> scope;      // plenary, caucus:SIDE, internal, direct:NAME
  std::optional<std::string> by;         // the member's name
  std::optional<std::string> side;       // the member's side
  std::string text;                      // the core's words for it
  std::optional<std::string> authority;  // label key (talks/label.h)
  std::optional<std::string> label;      // label text
  std::optional<std::uint64_t> move;     // the move's number
};

// `self`: our member id. Submissions to the host are left out (the host's
// event or refusal that answers each is in the record). kCorrupt when an
// entry does not decode.
Result<std::vector<TimelineEntry>> BuildTimeline(const std::string& self,
                                                 const std::vector<talks::RecordEntry>& entries);

Json TimelineJson(const std::vector<TimelineEntry>& timeline);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_TIMELINE_H_
