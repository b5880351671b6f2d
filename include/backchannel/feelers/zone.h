// Blind zone of agreement over packages (docs/feelers.md §9): over a
// candidate list of at most 100 packages (supplied by the mediator or agreed
// by both sides), each side brings the candidates it would accept (at or
// above its own reservation), and the cardinality-only PSI tells both how
// many candidates both would accept; the list of them only if both chose the
// full variant (an offer with the other variant does not pair).
//
// Every item is bound to the whole list's digest, so two sides holding
// different lists share nothing (and cannot tell why: comparing lists first
// is the caller's job, e.g. through the talks record). A dishonest side that
// "accepts" every candidate learns the other's acceptability of every
// candidate in that list — the cap of 100 bounds what one check can reveal,
// and the probing budget bounds how many checks a contact can run.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_FEELERS_ZONE_H_
#define BACKCHANNEL_FEELERS_ZONE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

namespace backchannel::feelers {

inline constexpr std::size_t kMaxZoneCandidates = 100;

using ZoneListDigest = std::array<std::uint8_t, 32>;

// SHA-256 over the length-prefixed candidate ids in list order.
// kInvalidArgument for an empty list, more than 100 candidates, a repeated
// id, or an id that is not 1..64 bytes of [A-Za-z0-9_.:-].
Result<ZoneListDigest> DigestZoneList(const std::vector<std::string>& candidates);

// The items one side brings: each acceptable candidate, bound to the list's
// digest (kind byte 4: never equal to a topic or an overlap prefix).
// kInvalidArgument for a bad list, an acceptable id not on the list, or one
// named twice. May be empty (the set is all padding).
Result<std::vector<Bytes>> ZoneItems(const std::vector<std::string>& candidates,
                                     const std::vector<std::string>& acceptable);

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_ZONE_H_
