// How `backchannel talks status` shows talks as text: a rendering of the
// core's app::TalksView (the JSON comes from the core, app::TalksViewJson).
#ifndef BACKCHANNEL_SRC_CLI_TALKS_VIEW_H_
#define BACKCHANNEL_SRC_CLI_TALKS_VIEW_H_

#include <string>

#include "backchannel/app/talks_view.h"

namespace backchannel::cli {

std::string TalksStatusText(const app::TalksView& view);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_TALKS_VIEW_H_
