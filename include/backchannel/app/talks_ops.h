// The talks operations of issue 18 (docs/app-api.md "Talks"), run on a
// TalksDesk. Operations that change the talks (create, invite, join, share,
// suggest, idea, condition, suspend, resume) sync first, like every talks
// operation; the read-only ones (agenda, profile.compose, evaluate, analysis,
// record.verify, record.export) do not touch the relay, so the package
// builder can ask on every pick: their happenings are empty and queued 0.
#ifndef BACKCHANNEL_APP_TALKS_OPS_H_
#define BACKCHANNEL_APP_TALKS_OPS_H_

#include <optional>

#include "backchannel/app/request.h"
#include "backchannel/app/talks_desk.h"
#include "backchannel/common/result.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::app {

// Runs `request` when it is one of the issue 18 operations; nullopt when it
// is not. Errors as TalksDesk: the sync's in the Result, the operation's in
// TalksOutcome::status.
std::optional<Result<TalksOutcome>> RunTalksOp(TalksDesk& desk, const Request& request);

// talks.profile.compose: the native profile JSON of `request` over talks
// `domain` (weights normalised to sum 1). kInvalidArgument naming the issue
// or option missing, unknown or out of range.
Result<std::string> ComposeProfile(const negotiation::Domain& domain,
                                   const TalksProfileComposeRequest& request);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_TALKS_OPS_H_
