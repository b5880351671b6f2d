// Runs the channel requests (everything but talks.*) on app::Channel and
// returns their JSON bodies; app::Execute (talks_desk.h) calls it for them.
#ifndef BACKCHANNEL_APP_CHANNEL_OPS_H_
#define BACKCHANNEL_APP_CHANNEL_OPS_H_

#include "backchannel/app/channel.h"
#include "backchannel/app/json.h"
#include "backchannel/app/request.h"
#include "backchannel/common/result.h"

namespace backchannel::app {

// False for talks.status, talks.say, talks.move, talks.verdict.
bool IsChannelRequest(const Request& request);

// Validates `request` again, then runs it. A talks request is
// kInvalidArgument here.
Result<Json> ExecuteChannel(Channel& channel, const Request& request);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_CHANNEL_OPS_H_
