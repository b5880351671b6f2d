// A forked test child (a relay, an app, a worker) must die with the test:
// otherwise a test that aborts (an ASan report, a crash) leaves the child
// holding ctest's output pipe, and ctest waits out the test's timeout (seen:
// 22 minutes). PR_SET_PDEATHSIG fires when the thread that forked exits, so
// fork from the test's main thread. Call first thing in the child, with the
// parent's pid taken before fork(): if the parent is already gone, the
// signal was never armed, so the child leaves at once.
#ifndef BACKCHANNEL_TESTS_TESTING_DIE_WITH_PARENT_H_
#define BACKCHANNEL_TESTS_TESTING_DIE_WITH_PARENT_H_

#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include <csignal>

namespace backchannel::testing {

inline void DieWithParent(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
}

}  // namespace backchannel::testing

#endif  // BACKCHANNEL_TESTS_TESTING_DIE_WITH_PARENT_H_
