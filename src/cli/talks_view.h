// How `backchannel talks status` shows talks: one JSON object (--json) or
// readable text, from one client's state. Each client shows only what its
// scopes allowed it to receive: the state holds nothing else.
#ifndef BACKCHANNEL_SRC_CLI_TALKS_VIEW_H_
#define BACKCHANNEL_SRC_CLI_TALKS_VIEW_H_

#include <nlohmann/json.hpp>
#include <string>

#include "backchannel/talks/state.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::cli {

nlohmann::ordered_json TalksStatusJson(const talks::TalksState& state,
                                       const talks_client::TalksMeta& meta);
std::string TalksStatusText(const talks::TalksState& state, const talks_client::TalksMeta& meta);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_TALKS_VIEW_H_
