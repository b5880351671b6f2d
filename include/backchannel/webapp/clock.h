// The web app's monotonic clock, behind a function a test can replace (the
// URL token's 60 s expiry is tested without waiting a minute).
#ifndef BACKCHANNEL_WEBAPP_CLOCK_H_
#define BACKCHANNEL_WEBAPP_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <functional>

namespace backchannel::webapp {

// Milliseconds on a monotonic clock.
using Clock = std::function<std::int64_t()>;

inline std::int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_CLOCK_H_
