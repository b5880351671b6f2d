// One app per home (`backchannel app`, docs/webapp.md): an exclusive flock on
// <home>/app.lock for the app process's life, with its pid written in the
// file, so CLI commands that would fight a running app over the home
// (`agent stop` of the app's own agent, `listen`) can refuse clearly.
#ifndef BACKCHANNEL_CLI_APP_LOCK_H_
#define BACKCHANNEL_CLI_APP_LOCK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "backchannel/common/result.h"

namespace backchannel::cli {

// Takes the lock and writes our pid; the descriptor (kept open for the
// process's life: the kernel releases the lock however it ends), or -1 for
// a home that does not exist yet (first run: the page creates it).
// kAlreadyExists when an app already serves the home.
Result<int> LockHomeForApp(const std::string& home);

// The pid of the app serving `home`, or nullopt when none holds the lock.
std::optional<std::int64_t> RunningAppPid(const std::string& home);

// kFailedPrecondition naming the app when one serves `home`, for a command
// that cannot run beside it (`what`: "listen" ...); `instead` says what to do.
Status RefuseBesideApp(const std::string& home, const std::string& what,
                       const std::string& instead);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_CLI_APP_LOCK_H_
