// A rate the relay allows a peer (a connection, an address group, a
// mailbox): a token bucket of `burst` tokens refilled at `per_second`.
#ifndef BACKCHANNEL_RELAY_LIMITS_H_
#define BACKCHANNEL_RELAY_LIMITS_H_

namespace backchannel::relay {

struct RateLimit {
  double per_second = 1;  // tokens added per second (> 0)
  double burst = 1;       // most tokens held, and the starting amount (>= 1)
};

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_LIMITS_H_
