// The talks operations of the application core: every one first syncs (so a
// move is made on the newest state and what arrived is shown), then runs,
// and reports both. Requests name members and scopes as people write them
// ("direct:Amb. Rahimi", "ICRC supervision@Ms. Keller"); the desk resolves
// them against the talks' table, so no face does.
//
// Thread safety: one thread at a time, as the talks service requires.
#ifndef BACKCHANNEL_APP_TALKS_DESK_H_
#define BACKCHANNEL_APP_TALKS_DESK_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/app/channel.h"
#include "backchannel/app/error.h"
#include "backchannel/app/json.h"
#include "backchannel/app/request.h"
#include "backchannel/app/talks_view.h"
#include "backchannel/common/result.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::app {

// What a talks operation did. The sync before it ran either way, so a
// refused operation still reports what arrived (and `status` says why).
struct TalksOutcome {
  std::vector<HappeningView> happenings;  // the sync's, then the operation's
  std::vector<Error> refused;             // messages refused on the way
  std::size_t queued = 0;                 // still waiting in the outbox
  backchannel::Status status;             // OK, or why the operation was refused
  std::string outcome;                    // a move or action in words
  // talks.status only: one view per talks (an empty list when there are none).
  std::optional<std::vector<TalksView>> talks;
  Json data = Json::object();  // the operation's own result fields (issue 18 ops)
};

// {"happenings", "refused", "queued", "result": {"outcome"?, "talks"?, ...data}}
// (docs/app-api.schema.json); `status` goes in the envelope, not here.
Json ToJson(const TalksOutcome& outcome);

class TalksDesk {
 public:
  explicit TalksDesk(talks_client::TalksService& talks) : talks_(talks) {}

  // Each returns an error only when the sync itself failed; a refused
  // operation is TalksOutcome::status.
  Result<TalksOutcome> Status(const TalksStatusRequest& request);
  Result<TalksOutcome> Sync(const std::string& talks);  // empty: no check
  Result<TalksOutcome> Say(const TalksSayRequest& request);
  Result<TalksOutcome> Move(const TalksMoveRequest& request);
  Result<TalksOutcome> Verdict(const TalksVerdictRequest& request);

  // The operations no request names yet (create, invite, join, share,
  // suggest, conditions, suspend, resume) run through here with the same
  // sync-then-report shape; `op` may set `outcome`.
  using Operation =
      std::function<Result<talks_client::SyncReport>(talks_client::TalksService&, TalksOutcome&)>;
  Result<TalksOutcome> Run(const Operation& op);

  // The talks service the desk runs on (the issue 18 operations use it).
  talks_client::TalksService& service() { return talks_; }

  // "plenary", "caucus:SIDE", "internal", "direct:NAME" for talks `id`.
  Result<talks::Scope> ResolveScope(const std::string& id, const std::string& text);
  // "TEXT@GUARANTOR NAME" each, against talks `id`'s members.
  Result<std::vector<talks::ConditionSpec>> ResolveConditions(
      const std::string& id, const std::vector<std::string>& items);

 private:
  talks_client::TalksService& talks_;
};

// Runs any decoded request (validated again here): the channel's operations
// on `channel`, the talks' through a TalksDesk on its talks service. The
// body is the operation's JSON (for talks: ToJson(TalksOutcome)); a refused
// operation is its error.
Result<Json> Execute(Channel& channel, const Request& request);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_TALKS_DESK_H_
