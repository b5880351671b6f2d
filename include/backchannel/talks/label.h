// The authority label of a statement or move: the one place that decides how
// what a member said is shown (docs/talks.md, "Labels"), so every client, the
// record's narration, the exports, the talks view model and the CLI say the
// same thing about the same message.
//
//   cleared      an envoy's words or move cleared at home under its side's
//                clearance rule (a tabled draft)
//   own          an envoy's binding move whose side has no clearance rule:
//                "on the envoy's own authority"; nobody at home cleared it
//   exploratory  personal, not cleared, deniable even inside the talks
//   mediator     a mediator's words: the mediator's, not any side's
//   guarantor    a guarantor's words
//   unofficial   a Track 2 participant's words and ideas: never official
//
// The speaker's role wins over the authority it claims: a mediator's,
// guarantor's or Track 2 participant's "cleared" would mean nothing (and the
// state fold refuses it from Track 2), so the role is what is shown.
//
// Thread safety: pure functions, safe from any thread.
#ifndef BACKCHANNEL_TALKS_LABEL_H_
#define BACKCHANNEL_TALKS_LABEL_H_

#include <string>
#include <string_view>
#include <vector>

#include "backchannel/talks/message.h"
#include "backchannel/talks/record.h"

namespace backchannel::talks {

enum class Label { kCleared, kOwn, kExploratory, kMediator, kGuarantor, kUnofficial };

// The label of something said or done by a member in `role` with the
// `authority` it carries (kExploratory for actions that carry none).
Label LabelOf(Role role, Authority authority);

// Short, stable key for machine-readable output (JSON, the view model):
// "cleared", "own", "exploratory", "mediator", "guarantor", "unofficial".
std::string_view LabelKey(Label label);

// The words shown to people: "cleared", "on the envoy's own authority",
// "exploratory", "mediator", "guarantor", "unofficial (Track 2)".
std::string_view LabelText(Label label);

// The label key (LabelKey) of each record entry as `self`'s state stands
// after it: words (chat), moves, ideas and suggestions, whether submitted,
// drafted or sequenced, labelled by their speaker's role and authority;
// empty for the rest and for entries that no longer apply.
std::vector<std::string> RecordLabels(const std::string& self,
                                      const std::vector<RecordEntry>& entries);

}  // namespace backchannel::talks

#endif  // BACKCHANNEL_TALKS_LABEL_H_
