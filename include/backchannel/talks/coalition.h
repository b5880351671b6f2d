// Coalition sides (docs/talks.md, "Coalition sides"): a side whose envoys and
// principals are accredited by several authorities (the E3, the EU+3). The
// talks definition binds such a side to the set of its authorities' keys
// (Definition::side_authorities); a side not bound is its credential side's,
// as before. The host seats a member on the side its credential's authority
// is bound to, and every member's client checks each seat it can see (the
// members who are its contacts, whose credentials it holds) against the
// same binding, so a host cannot put a stranger's envoy on a coalition side.
// One clearance rule for the side names principals by name, from any of its
// authorities (clearance.h).
//
// Thread safety: pure functions, safe from any thread.
#ifndef BACKCHANNEL_TALKS_COALITION_H_
#define BACKCHANNEL_TALKS_COALITION_H_

#include <string>

#include "backchannel/common/authority_key.h"
#include "backchannel/common/result.h"
#include "backchannel/talks/message.h"

namespace backchannel::talks {

// The side an envoy or principal sits on: the side bound to its credential's
// authority (`authority`) if any; otherwise its
// credential's side, unless that side is bound to other authorities
// (kUntrusted). kInvalidArgument when two sides bind the same authority.
Result<std::string> SeatSide(const Definition& definition, const AuthorityPublicKey& authority,
                             const std::string& credential_side);

// Checks a seat as announced (definition or roster) against the member's
// credential: kUntrusted naming the member and the side when they differ.
// Members without a side (mediators, guarantors, Track 2) always pass.
Status CheckSeat(const Definition& definition, const Member& member,
                 const AuthorityPublicKey& authority, const std::string& credential_side);

}  // namespace backchannel::talks

#endif  // BACKCHANNEL_TALKS_COALITION_H_
