// What several commands share when reading their arguments: the warnings
// of lenient file reading (the application core reads the files,
// app/scenario.h), and durations such as `--idle`.
//
// Thread safety: reentrant.
#ifndef BACKCHANNEL_SRC_CLI_INPUTS_H_
#define BACKCHANNEL_SRC_CLI_INPUTS_H_

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "backchannel/common/result.h"

namespace backchannel::cli {

// Prints each warning of lenient reading as "warning: <text>".
void PrintWarnings(const std::vector<std::string>& warnings, std::ostream& err);

// "90", "90s", "15m", "2h": a whole number with an optional unit (seconds
// when none), from 1 s to 24 h (`agent start --idle`, `app --idle`).
Result<std::chrono::seconds> ParseIdle(const std::string& text);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_INPUTS_H_
