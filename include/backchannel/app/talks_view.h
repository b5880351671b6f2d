// The talks view: everything a face shows about one talks, computed once from
// one client's state (each client sees only what its scopes let it receive).
// The profile is parsed once; each offer carries our own utility; an envoy
// also gets the opponent-model estimate of every other side's priorities.
// Faces render this struct (text in the CLI) or its JSON (TalksViewJson).
#ifndef BACKCHANNEL_APP_TALKS_VIEW_H_
#define BACKCHANNEL_APP_TALKS_VIEW_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/app/timeline.h"

namespace backchannel::talks {
class TalksState;
}

namespace backchannel::app {

using PackageView = std::map<std::string, std::string>;  // issue → option

struct MemberView {
  std::string name;
  std::string role;
  std::string side;
};

struct MoveView {
  std::uint64_t id = 0;
  std::string kind;  // propose, counter, accept, reject, withdraw
  std::string side;
  std::optional<std::string> by;         // the member who made it, when known
  std::optional<std::string> authority;  // label key (talks/label.h): cleared, own, exploratory
  std::optional<std::string> label;      // its words: "on the envoy's own authority", ...
  std::string adopts;                    // suggestion id, or empty
  std::vector<std::string> conditions;   // condition ids
  std::optional<PackageView> package;    // offers only
  bool withdrawn = false;
  std::vector<std::string> supported_by;
  std::optional<double> my_utility;  // our profile's utility of a complete offer
  std::uint64_t target = 0;          // the offer an accept/reject/withdraw names
  std::string reason;
};

struct SuggestionView {
  std::string id;
  PackageView package;
  std::string note;
  std::vector<std::string> conditions;
  std::optional<double> my_utility;
};

struct ConditionView {
  std::string id;
  std::string text;
  std::string guarantor;
  std::string status;
  std::string note;
};

struct VerdictView {
  bool approve = false;
  std::string reason;
};

struct DraftView {
  std::string id;
  std::string by;
  std::string move;
  PackageView package;
  std::string revises;
  std::string clearance;
  std::vector<std::string> waiting_for;
  std::vector<std::string> blocked_by;
  std::map<std::string, VerdictView> verdicts;
  bool tabled = false;
};

// A non-binding idea floated at the table (Track 2, a mediator or a
// guarantor), with its author's label: "unofficial (Track 2)" for Track 2.
struct IdeaView {
  std::string id;
  std::string by;
  PackageView package;
  std::string note;
  std::string authority;  // label key: unofficial, mediator, guarantor
  std::string label;      // label text
  std::optional<double> my_utility;
};

struct FloatView {
  std::string from;
  std::string side;
  PackageView package;
  std::string note;
};

struct SuspensionView {
  std::string by;
  std::string side;
  std::string reason;
};

struct EstimateView {
  std::size_t offers_seen = 0;
  std::vector<std::pair<std::string, double>> weights;  // issue order
};

// An introduced member whose channel cannot open yet (issue 16): typically
// accredited by an authority we do not trust. `command` says what would let
// it open; nothing is trusted on our behalf.
struct PendingIntroductionView {
  std::string name;            // as the host seated them
  std::string side;            // the seat's side (empty at the table without one)
  std::string role;            // the seat's role
  std::string authority_key;   // base64url, as `trust add` takes it
  std::string authority_side;  // the side its credential names
  std::string reason;          // why it is pending
  std::string command;         // what would let it open
};

struct TalksView {
  std::string talks;
  std::string title;
  bool joined = false;
  std::vector<std::string> sides;
  std::string host;
  MemberView me;
  std::string phase;        // the engine's phase name
  std::string phase_words;  // the phase for people, e.g. "agreed on #3"
  std::uint64_t last_event = 0;
  std::vector<MemberView> members;
  std::string clearance_rule;
  std::optional<SuspensionView> suspension;
  std::vector<MoveView> moves;
  std::optional<std::uint64_t> agreement;
  std::optional<PackageView> agreed_package;
  std::vector<SuggestionView> suggestions;
  std::vector<IdeaView> ideas;
  std::vector<ConditionView> conditions;
  std::vector<DraftView> drafts;
  std::vector<FloatView> floated_in_caucus;
  std::vector<std::string> refused;
  std::size_t awaiting_host = 0;
  std::vector<std::string> profiles_shared;
  bool is_envoy = false;
  std::vector<std::pair<std::string, EstimateView>> opponent_model;  // side order
  std::vector<TimelineEntry> timeline;  // the record told in order (timeline.h)
  // Filled by the talks desk from the talks service (not from the state).
  std::vector<PendingIntroductionView> pending_introductions;
};

// `joined`: whether we joined (TalksMeta::joined); `profile`: our side's
// private profile (native JSON), empty when we hold none.
TalksView BuildTalksView(const talks::TalksState& state, bool joined, std::string_view profile);

// The `talks status --json` body (without the "ok" envelope).
Json TalksViewJson(const TalksView& view);

// "issue = option; issue = option": the one text form of a package.
std::string PackageText(const PackageView& package);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_TALKS_VIEW_H_
