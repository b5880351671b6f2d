// The numbers the package builder and the analysis chart draw (issue 18,
// docs/app-api.md "talks.evaluate", "talks.analysis"): every utility is
// computed here, never by a face. A side's utility is exact when its profile
// is held (our own, or one shared with us as the mediator) and estimated by
// the opponent model (negotiation/opponent_model.h) from the offers it made
// otherwise; a side with neither is unknown (null).
#ifndef BACKCHANNEL_APP_ANALYSIS_VIEW_H_
#define BACKCHANNEL_APP_ANALYSIS_VIEW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/app/talks_view.h"
#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::talks {
class TalksState;
}

namespace backchannel::app {

class ChartSolutionsMemo;

// An offer on the table, as the chart draws it.
struct AnalysisOffer {
  std::uint64_t move = 0;
  std::size_t side = 0;                         // index into the sides
  std::string kind;                             // propose or counter
  std::optional<negotiation::Package> package;  // nullopt: not complete
  bool withdrawn = false;
};

// What the analysis is computed from: one profile (or none) per side.
struct AnalysisInput {
  negotiation::Domain domain;
  std::vector<std::string> sides;
  std::optional<std::size_t> me;  // our side, when we sit on one
  bool mediator = false;
  std::vector<std::optional<negotiation::Profile>> profiles;  // per side
  std::vector<bool> exact;                                    // per side
  std::vector<std::size_t> offers_seen;  // per side: the offers an estimate used
  std::vector<AnalysisOffer> offers;     // in move order
};

// Collects the input from one client's state and our own profile (native
// JSON, empty when we hold none). Errors: kFailedPrecondition before the
// agenda is known; a stored profile's parse error.
Result<AnalysisInput> AnalysisInputOf(const talks::TalksState& state, std::string_view own_profile);

// The `talks.analysis` result (docs/app-api.md): `cap` bounds the sample
// (1..kMaxAnalysisCap), drawn uniformly with libsodium's randomness. The
// engine's part comes from `memo` when given (kept per basis, or prepared
// in the background: analysis_memo.h), else is computed here.
Result<Json> AnalysisJson(const AnalysisInput& input, std::size_t cap,
                          ChartSolutionsMemo* memo = nullptr);

// Starts computing the engine's part of the chart of `input` on `memo`'s
// thread (nothing when fewer than two sides' utilities are known).
void PrepareAnalysis(const AnalysisInput& input, ChartSolutionsMemo& memo);

// The `talks.evaluate` result for a package that may be partial.
// kInvalidArgument when it names an issue or option the agenda lacks.
Result<Json> EvaluateJson(const AnalysisInput& input, const PackageView& package);

// A PackageView (issue → option names) as a partial package of `domain`.
// kInvalidArgument naming the unknown issue or option.
Result<negotiation::PartialPackage> PartialOf(const negotiation::Domain& domain,
                                              const PackageView& package);

// The analysis result (AnalysisJson) as text for people: the frontier, Nash
// and Kalai-Smorodinsky in words (the CLI's `talks analysis`).
std::string AnalysisText(const Json& analysis);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_ANALYSIS_VIEW_H_
