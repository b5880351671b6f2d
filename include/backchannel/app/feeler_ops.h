// The feeler operations of the application core (issue 15, docs/feelers.md):
// feeler.send, feeler.status, feeler.forget and feeler.overlap run on the home's
// FeelerService. Every one first syncs (results arrive there, like any
// message; exchanges whose time is up end; the outbox is posted), then does
// its one thing, and reports both — a refused operation still reports what
// its sync received, as the talks operations do (talks_desk.h).
//
// Thread safety: one thread at a time, as FeelerService requires.
#ifndef BACKCHANNEL_APP_FEELER_OPS_H_
#define BACKCHANNEL_APP_FEELER_OPS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/app/request.h"
#include "backchannel/common/result.h"
#include "backchannel/feelers_client/service.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::app {

// The feeler view models every face renders: one exchange as its owner sees
// it, and what a sync or an operation reported (feelers_client/service.h).
using FeelerView = feelers_client::FeelerView;
using FeelerReport = feelers_client::FeelerReport;

// What a feeler operation did; the fields its result shows depend on the op.
struct FeelerOutcome {
  FeelerReport report;         // the sync's, then the operation's
  backchannel::Status status;  // OK, or why the operation was refused
  // send, overlap: the exchange it started or answered
  std::optional<FeelerView> feeler;
  // status: every exchange (oldest first), the budget; budget_left only
  // with a contact.
  std::optional<std::vector<FeelerView>> feelers;
  std::uint32_t budget_per_day = 0;
  std::optional<std::uint32_t> budget_left;
  bool budget_set = false;               // budget: shows budget_per_day without a list
  std::optional<std::string> forgotten;  // forget by id
  std::optional<std::vector<std::string>> forgotten_ids;  // forget by contact
};

// True for feeler.send, feeler.status, feeler.forget, feeler.overlap and
// feeler.budget.
bool IsFeelerRequest(const Request& request);

// Validates `request` again, syncs, runs it. An error only when the request
// is not a valid feeler request or the sync itself failed; a refused
// operation is FeelerOutcome::status.
Result<FeelerOutcome> RunFeeler(feelers_client::FeelerService& feelers, const Request& request);

// {"events", "refused", "queued", "result": {...}} — docs/app-api.schema.json
// $defs feeler_report and feeler_status without the envelope's "ok";
// `status` goes in the envelope, not here.
Json ToJson(const FeelerOutcome& outcome);
Json ToJson(const FeelerView& view);

// RunFeeler, then its JSON, or the refusal as the error. `feelers` null (a
// face that opened no FeelerService): kFailedPrecondition.
Result<Json> ExecuteFeeler(feelers_client::FeelerService* feelers, const Request& request);

// talks.feeler and talks.zone (docs/feelers.md §13): the same, inside talks
// `talks` knows (we must have joined them; the member named must be a
// contact of ours, as introductions make them). A zone check's candidates
// are evaluated against our own private profile for the talks: acceptable
// when at or above its reservation.
bool IsTalksFeelerRequest(const Request& request);
Result<FeelerOutcome> RunTalksFeeler(feelers_client::FeelerService& feelers,
                                     talks_client::TalksService& talks, const Request& request);
Result<Json> ExecuteTalksFeeler(feelers_client::FeelerService* feelers,
                                talks_client::TalksService& talks, const Request& request);

// The default candidate list of a zone check in `state` (docs/feelers.md
// §13): every complete package of the agenda when there are at most 100,
// else the mediator's suggested single texts (the latest 100), each as
// "issue=option, ..." in agenda order. kFailedPrecondition when neither
// gives one.
Result<std::vector<std::string>> DefaultZoneCandidates(const talks::TalksState& state);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_FEELER_OPS_H_
